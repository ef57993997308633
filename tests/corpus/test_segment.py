"""Heading styles, wrapped titles, annotations, sub-lists, tables of contents and printed numbers."""
from textwrap import dedent

import corpus
from tests.conftest import write


def parse(tmp_path, text, name="m.txt"):
    return corpus.read(write(tmp_path / name, dedent(text)))


def titles(meeting):
    return [(i.number, i.title) for i in meeting.items]


def test_numbered_headings_with_time_and_presenter(tmp_path):
    m = parse(tmp_path, """\
        Referat Faglig Strategisk Gruppe Horsens-klyngen
        Tid: 4. maj 2023 kl. 9.00

        1. Godkendelse af dagsorden (kl. 09.00-09.05)

        Beslutning
        Godkendt.

        2. Status på genoptræning (kl. 09.20-09.30) v/ Formandskabet

        Indstilling
        At gruppen tager status til efterretning.

        3. Forretningsorden (10 min – 8.35-8.45)

        Indstilling
        At gruppen drøfter forretningsordenen.

        4. Lægevagten v. Mette Andreassen

        Indstilling
        At orienteringen tages til efterretning.
        """)
    assert titles(m) == [("1", "Godkendelse af dagsorden"), ("2", "Status på genoptræning"),
                         ("3", "Forretningsorden"), ("4", "Lægevagten")]
    assert m.items[0].time == "kl. 09.00-09.05"
    assert (m.items[1].time, m.items[1].presenter) == ("kl. 09.20-09.30", "Formandskabet")
    assert m.items[2].time == "10 min – 8.35-8.45"
    assert m.items[3].presenter == "Mette Andreassen"
    assert [i.position for i in m.items] == [1, 2, 3, 4]


def test_punkt_headings_and_table_of_contents(tmp_path):
    m = parse(tmp_path, """\
        REFERAT Direktørforum Sundhedsklynge Nord d. 12-03-2024

        Indholdsfortegnelse
        1. Godkendelse af dagsorden
        2. Status for klyngemidler
        3. Eventuelt

        Punkt 1: Godkendelse af dagsorden

        Beslutning
        Godkendt.

        Sagsfremstilling
        Det indstilles, at Direktørforum:
        1. Godkender dagsordenen

        Punkt 2: Status for klyngemidler

        Beslutning
        Taget til efterretning.

        Punkt 3: Eventuelt

        Beslutning
        Intet.
        """)
    assert titles(m) == [("1", "Godkendelse af dagsorden"), ("2", "Status for klyngemidler"), ("3", "Eventuelt")]
    assert "1. Godkender dagsordenen" in m.items[0].section_map()["indstilling"]


def test_toc_with_numbers_does_not_duplicate_items(tmp_path):
    m = parse(tmp_path, """\
        Dagsorden Klyngestyregruppe Midtklyngen
        Dato for møde: 3. marts 2023

        Indhold
        1. Velkomst
        2. Økonomi
        3. Eventuelt

        1. Velkomst
        Indstilling
        At dagsordenen godkendes.
        2. Økonomi
        Indstilling
        At budgettet godkendes.
        3. Eventuelt
        Referat
        Intet.
        """)
    assert titles(m) == [("1", "Velkomst"), ("2", "Økonomi"), ("3", "Eventuelt")]
    assert m.items[1].section_map()["indstilling"] == "At budgettet godkendes."


def test_bold_markdown_headings(tmp_path):
    m = parse(tmp_path, """\
        Referat Temagruppe Demens

        **1. Godkendelse af dagsorden**

        Godkendt.

        **2. Demensvenlige plejehjem**

        Referat
        Drøftet.

        **3. Eventuelt**
        """)
    assert titles(m) == [("1", "Godkendelse af dagsorden"), ("2", "Demensvenlige plejehjem"), ("3", "Eventuelt")]


def test_wrapped_and_hyphenated_titles(tmp_path):
    m = parse(tmp_path, """\
        Referat Klyngestyregruppe
        Tidspunkt: Den 7. juni 2023 kl. 08:30

        1. Velkomst og godkendelse af dagsorden (kl. 08:30-
        08:40)

        Indstilling
        At dagsordenen godkendes.

        2. Status på de fire initiativer i regi af de prioriterede fokusområder i Midt-
        klyngen v. Mette Andreassen (kl. 8:40-
        9:05)

        Indstilling
        At status tages til efterretning.

        3. Godkendelse af opdateret kommissorium for Midtklyngen (kl. 09:20-09:35) v.
        formandskabet

        Indstilling
        At kommissoriet godkendes.

        4. Arbejdet med forbedringsinitiativer i regi af det Nationale Ledelsesprogram på
        Sundhedsområdet (NLPS) (kl. 09:45-10:05)

        Indstilling
        At rammen godkendes.
        """)
    assert titles(m) == [
        ("1", "Velkomst og godkendelse af dagsorden"),
        ("2", "Status på de fire initiativer i regi af de prioriterede fokusområder i Midtklyngen"),
        ("3", "Godkendelse af opdateret kommissorium for Midtklyngen"),
        ("4", "Arbejdet med forbedringsinitiativer i regi af det Nationale Ledelsesprogram på Sundhedsområdet (NLPS)"),
    ]
    assert m.items[0].time == "kl. 08:30-08:40"
    assert (m.items[1].presenter, m.items[1].time) == ("Mette Andreassen", "kl. 8:40-9:05")
    assert m.items[2].presenter == "formandskabet"


def test_sub_lists_are_not_items_even_with_the_next_number(tmp_path):
    m = parse(tmp_path, """\
        Dagsorden Faglig Strategisk Gruppe
        den 27. november 2024 kl. 08:30
        1. Godkendelse af dagsorden
        Det indstilles,
        at dagsorden godkendes.
        Beslutning
        Godkendt.
        2. Dialogmøde med operativ gruppe
        Det indstilles,
        at gruppen drøfter status.
        Beslutning
        Gruppen har haft fokus på følgende:
        1.Samarbejdsaftale om tvang
        Der er lavet en audit af aftalen.
        2. Behandlingskontinuitet
        Der arbejdes på et projekt om udeblivelser.
        3. Spiseforstyrrelse og selvskade
        Projektet fortsætter.
        3. Dobbeltdiagnoser – status
        Det indstilles,
        at status tages til efterretning.
        Beslutning
        Taget til efterretning.
        4. Eventuelt
        Det indstilles,
        at indkomne punkter drøftes.
        """)
    assert titles(m) == [("1", "Godkendelse af dagsorden"), ("2", "Dialogmøde med operativ gruppe"),
                         ("3", "Dobbeltdiagnoser – status"), ("4", "Eventuelt")]
    assert "3. Spiseforstyrrelse og selvskade" in m.items[1].section_map()["beslutning"]


def test_list_of_numbered_lines_inside_an_item(tmp_path):
    m = parse(tmp_path, """\
        Referat Faglig Operativ Gruppe Voksen Somatik
        Tid: 21. februar 2023 kl. 8.30

        1. Godkendelse af dagsorden

        2. Videokonferencer (15 min. 10.40-10.55)

        Indstilling:
        At gruppen prioriterer områder.

        Referat:
        1. Gravidteam møder via video
        2. Rundbordssamtaler med jobcenter
        3. Afsluttende samtaler efter forløb
        4. Videokonference mellem hjemmepleje og almen praksis

        3. Evt.
        """)
    assert titles(m) == [("1", "Godkendelse af dagsorden"), ("2", "Videokonferencer"), ("3", "Evt.")]


def test_printed_numbers_out_of_sequence_are_kept(tmp_path):
    m = parse(tmp_path, """\
        Referat Klyngestyregruppe
        Tidspunkt: Den 7. juni 2023 kl. 08:30

        1. Velkomst (kl. 08:30-08:40)

        Referat
        Velkommen.

        2. Sundhedsaftalen i høring (kl. 08:40-09:00)

        Referat
        Drøftet.

        3. Punkter til kommende møder (kl. 09:00-09:10)

        Referat
        Ingen.

        2. Eventuelt (09:10-09:15)
        Referat
        Intet.

        3. Skriftlige orienteringspunkter

        Orientering om workshop.
        """)
    assert [i.number for i in m.items] == ["1", "2", "3", "2", "3"]
    assert [i.position for i in m.items] == [1, 2, 3, 4, 5]
    assert m.items[4].title == "Skriftlige orienteringspunkter"


def test_dates_and_times_in_text_are_not_headings(tmp_path):
    m = parse(tmp_path, """\
        Referat Chefforum
        Mødedato: 9. juni 2017

        1. Program

        Indstilling
        At programmet godkendes.
        Tidsplan:
        3. september Læringstræf
        15:30 Ankomst
        3. runde af programmet starter efter sommerferien.

        2. Eventuelt
        """)
    assert titles(m) == [("1", "Program"), ("2", "Eventuelt")]


def test_no_recognisable_items_gives_one_item_and_a_warning(tmp_path):
    m = parse(tmp_path, """\
        Notat om samarbejdet
        Mødedato: 3. marts 2024
        Dette notat har ingen dagsordenspunkter, kun løbende tekst om samarbejdet.
        """)
    assert len(m.items) == 1
    assert m.items[0].title == "Notat om samarbejdet"
    assert "løbende tekst" in m.items[0].body
    assert any("no agenda items" in w for w in m.warnings)


def test_ids_are_stable_and_depend_on_content(tmp_path):
    text = "Referat\n\n1. Første punkt\n\nReferat\nA.\n\n2. Andet punkt\n\nReferat\nB.\n"
    a = parse(tmp_path, text, "a.txt")
    b = parse(tmp_path, text, "b.txt")
    c = parse(tmp_path, text + "\nTilføjet.\n", "c.txt")
    assert [i.id for i in a.items] == [i.id for i in b.items]
    assert len({i.id for i in a.items}) == 2
    assert a.items[0].id != c.items[0].id


def test_case_numbers_and_participants(tmp_path):
    m = parse(tmp_path, """\
        Referat Klyngestyregruppe Randers-klyngen
        Mødedato: 5. september 2023

        Deltagere:
        Karen Holm, Randers Kommune
        Bo Friis, Favrskov Kommune
        Afbud:
        Ole Lund, Syddjurs Kommune

        1. Budget 2024
        Sagsnr.: 1-30-72-18-23
        Indstilling
        At budgettet godkendes (Sags nr. 2023/0412).

        2. Eventuelt
        """)
    assert m.items[0].case_numbers == ("1-30-72-18-23", "2023/0412")
    assert m.participants == ("Karen Holm, Randers Kommune", "Bo Friis, Favrskov Kommune")
