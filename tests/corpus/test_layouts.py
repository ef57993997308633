"""Every layout of DOMAIN.md's "Layouts in the wild", each on an invented document in the real style."""
from textwrap import dedent

import corpus
from tests.conftest import write
from tests.corpus.test_segment import parse, titles


def test_agenda_list_first_bodies_later_and_an_item_only_listed(tmp_path):
    m = parse(tmp_path, """\
        Referat Faglig Operativ Gruppe Børn og Unge
        Mødedato: 3. april 2024 kl. 13:00

        Dagsorden
        1. Godkendelse af dagsorden
        2. Status på akutteam
        3. Nyt fra kommunerne
        4. Eventuelt

        1. Godkendelse af dagsorden
        Beslutning
        Godkendt.

        2. Status på akutteam
        Sagsfremstilling
        Akutteamet har haft 140 besøg i kvartalet.
        Beslutning
        Taget til efterretning.

        4. Eventuelt
        Beslutning
        Intet.
        """)
    assert titles(m) == [("1", "Godkendelse af dagsorden"), ("2", "Status på akutteam"),
                         ("3", "Nyt fra kommunerne"), ("4", "Eventuelt")]
    assert [i.listed_only for i in m.items] == [False, False, True, False]
    assert m.items[1].section_map()["beslutning"] == "Taget til efterretning."
    assert m.items[2].sections == () and m.items[2].warnings
    assert any("agenda list" in w for w in m.warnings)


def test_agenda_only_document(tmp_path):
    m = parse(tmp_path, """\
        Dagsorden
        Sundhedsudvalget
        Mødedato: 12-05-2025 kl. 15:00

        PUNKTER
        1. Meddelelse - Orientering om ventetider
        2. Meddelelse - Status på rekruttering
        3. Beslutning - Plan for genoptræning
        """)
    assert titles(m) == [("1", "Meddelelse - Orientering om ventetider"),
                         ("2", "Meddelelse - Status på rekruttering"), ("3", "Beslutning - Plan for genoptræning")]
    assert all(i.listed_only for i in m.items)
    assert not any("whole text" in w for w in m.warnings)


def test_table_of_contents_with_page_numbers_and_status_markers(tmp_path):
    m = parse(tmp_path, """\
        Referat
        Social- og Sundhedsudvalget
        Mødedato: 25-10-2016 kl. 15:00

        Indholdsfortegnelse
        Pkt. Tekst Side
        1 Godkendelse af dagsorden 2
        2 (Åben) Plan for dialyse 2025-2028 5
        3 (Lukket) Personalesag 9

        1. Godkendelse af dagsorden
        Beslutning
        Godkendt.

        2. Plan for dialyse 2025-2028
        Indstilling
        Forvaltningen indstiller, at planen godkendes.
        Beslutning
        Godkendt.

        3. Personalesag
        Beslutning
        Udsat.
        """)
    assert titles(m) == [("1", "Godkendelse af dagsorden"), ("2", "Plan for dialyse 2025-2028"), ("3", "Personalesag")]
    assert [i.closed for i in m.items] == [False, False, True]
    assert not any(i.listed_only for i in m.items)


def test_pkt_ad_and_number_alone_on_its_line(tmp_path):
    pkt = parse(tmp_path, """\
        Referat Sundhedsstyregruppen
        Mødedato: 4. marts 2024

        Pkt. 14
        Temadrøftelse om rehabilitering
        Referat
        Drøftet.

        Pkt. 15
        Økonomiopfølgning
        Referat
        Taget til efterretning.
        """)
    assert titles(pkt) == [("14", "Temadrøftelse om rehabilitering"), ("15", "Økonomiopfølgning")]
    ad = parse(tmp_path, """\
        Referat Chefforum
        Mødedato: 4. marts 2024

        Ad 1.  Godkendelse af dagsorden
        Godkendt.

        Ad pkt. 2 Status på sundhedshuse
        Drøftet.

        Ad 3.  Økonomiopfølgning
        Referat
        Regnskabet viser balance.
        """)
    assert titles(ad) == [("1", "Godkendelse af dagsorden"), ("2", "Status på sundhedshuse"), ("3", "Økonomiopfølgning")]
    alone = parse(tmp_path, """\
        Referat Direktørforum
        Mødedato: 4. marts 2024

        1
        Godkendelse af dagsorden
        Beslutning
        Godkendt.

        2
        Opfølgning på akutplanen
        Beslutning
        Taget til efterretning.
        """)
    assert titles(alone) == [("1", "Godkendelse af dagsorden"), ("2", "Opfølgning på akutplanen")]


def test_two_level_numbering_groups_are_context_not_items(tmp_path):
    m = parse(tmp_path, """\
        Referat Mødegruppen
        Dato: 6. oktober 2024

        1.0. Sager til beslutning
        1.1. Godkendelse af puljeprojekt
        Beslutning:
        Godkendt.
        1.2. Høring om akutplan
        Beslutning:
        Høringssvar sendes.
        2 Sager til orientering
        2.1 Status på rekruttering
        Referat:
        Orienteret.
        3 Eventuelt
        Referat:
        Intet.
        """)
    assert titles(m) == [("1.1", "Godkendelse af puljeprojekt"), ("1.2", "Høring om akutplan"),
                         ("2.1", "Status på rekruttering"), ("3", "Eventuelt")]
    assert [i.group for i in m.items] == ["1. Sager til beslutning", "1. Sager til beslutning",
                                          "2. Sager til orientering", None]


def test_running_case_numbers_glued_to_titles(tmp_path):
    m = parse(tmp_path, """\
        Referat Ældre- og Sundhedsudvalget
        Mødedato: 2. maj 2023

        41Godkendelse af dagsorden
        Beslutning
        Godkendt.

        42Plan for genoptræning 2025
        Indstilling
        Direktionen indstiller, at planen godkendes.
        Beslutning
        Godkendt.
        """)
    assert titles(m) == [("41", "Godkendelse af dagsorden"), ("42", "Plan for genoptræning 2025")]


def test_case_number_line_before_each_item_belongs_to_that_item(tmp_path):
    m = parse(tmp_path, """\
        Referat Sundhedsudvalget
        Mødedato: 2. maj 2023

        Sagsnr. 24/1233
        2. Godkendelse af regnskab
        Beslutning
        Godkendt.

        Sagsnr. 24/1234
        3. Udmøntning af puljemidler
        Beslutning
        Godkendt.
        """)
    assert titles(m) == [("2", "Godkendelse af regnskab"), ("3", "Udmøntning af puljemidler")]
    assert [i.case_numbers for i in m.items] == [("24/1233",), ("24/1234",)]
    assert "24/1234" not in m.items[0].body


def test_case_number_glued_to_a_title_goes_to_case_numbers(tmp_path):
    m = parse(tmp_path, """\
        Referat Sundhedsudvalget
        Mødedato: 2. maj 2023

        1. Godkendelse af dagsorden (23/4410)
        Beslutning
        Godkendt.

        2. 23/4411 Budget 2024-2027
        Beslutning
        Godkendt.
        """)
    assert titles(m) == [("1", "Godkendelse af dagsorden"), ("2", "Budget 2024-2027")]
    assert [i.case_numbers for i in m.items] == [("23/4410",), ("23/4411",)]


def test_html_list_where_every_item_prints_as_one(tmp_path):
    page = "<html><body><h1>Referat Sundhedsudvalget 2. maj 2023</h1>" + "".join(
        f"<ol><li>{t}</li></ol><p>Beslutning</p><p>Godkendt.</p>"
        for t in ("Godkendelse af dagsorden", "Status på TeleKOL", "Plan for dialyse", "Eventuelt")
    ) + "</body></html>"
    m = corpus.read(write(tmp_path / "m.html", page.replace("<li>", "<li>1. ")))
    assert [i.title for i in m.items] == ["Godkendelse af dagsorden", "Status på TeleKOL", "Plan for dialyse",
                                          "Eventuelt"]
    assert [i.position for i in m.items] == [1, 2, 3, 4]
    assert any("number 1" in w for w in m.warnings)


def test_interface_text_and_run_on_sentences_are_not_titles(tmp_path):
    m = parse(tmp_path, """\
        Referat Sundhedsudvalget
        Mødedato: 2. maj 2023

        1. VelkomstMødet blev indledt med en kort præsentation af alle deltagere.
        Referat
        Velkommen.

        2. Status på TeleKOLKlik her for at folde ud og læse mere om Status på TeleKOL
        fold dette punkt ind Resume
        Status på projektet.
        Beslutning
        Taget til efterretning.
        """)
    assert titles(m) == [("1", "Velkomst"), ("2", "Status på TeleKOL")]
    assert m.items[1].section_map()["resume"] == "Status på projektet."


def test_title_beginning_with_a_section_word_or_paragraph_sign(tmp_path):
    m = parse(tmp_path, """\
        Referat Social- og Sundhedsudvalget
        Mødedato: 2. maj 2023

        4. Beslutning: Kriterier for fordeling af puljen
        INDSTILLING
        At kriterierne godkendes.
        BESLUTNING
        Godkendt.

        5. § 17, stk. 4-udvalg om sundhedshuse
        INDSTILLING
        At udvalget nedsættes.
        """)
    assert titles(m) == [("4", "Beslutning: Kriterier for fordeling af puljen"), ("5", "§ 17, stk. 4-udvalg om sundhedshuse")]
    assert m.items[0].section_map()["beslutning"] == "Godkendt."


def test_pdf_text_flattened_onto_few_lines(tmp_path):
    m = parse(tmp_path, """\
        Referat Klyngestyregruppe Horsens-klyngen Mødedato: 3. juni 2024
        1. Godkendelse af dagsorden Indstilling: Det indstilles, at dagsordenen godkendes Beslutning: Godkendt 2. Siden sidst Sagsfremstilling: Formanden orienterede om arbejdet med akutplanen. Beslutning: Taget til efterretning 3. Eventuelt Beslutning: Intet
        """)
    assert titles(m) == [("1", "Godkendelse af dagsorden"), ("2", "Siden sidst"), ("3", "Eventuelt")]
    assert m.items[1].section_map()["beslutning"] == "Taget til efterretning"


def test_page_number_printed_before_the_item_number(tmp_path):
    m = parse(tmp_path, """\
        Referat Sundhedskoordinationsudvalget
        Mødedato: 3. juni 2024

        3 1. Godkendelse af dagsorden
        Beslutning
        Godkendt.

        4 2. Oplæg om sundhedshuse
        Beslutning
        Taget til efterretning.
        """)
    assert titles(m) == [("1", "Godkendelse af dagsorden"), ("2", "Oplæg om sundhedshuse")]


def test_items_with_no_printed_heading(tmp_path):
    m = parse(tmp_path, """\
        Referat
        Ældrerådet
        Mødedato: 3. juni 2024

        Indstilling
        At budgettet for ældreområdet godkendes.
        Beslutning
        Godkendt.
        Indstilling
        At høringssvaret om demensplanen sendes.
        Beslutning
        Sendt.
        """)
    assert len(m.items) == 2
    assert m.items[1].section_map()["beslutning"] == "Sendt."
    assert m.items[0].title.startswith("At budgettet")
    assert all(i.warnings for i in m.items)


def test_closed_items(tmp_path):
    m = parse(tmp_path, """\
        Referat Sundhedsudvalget
        Mødedato: 3. juni 2024

        Åbne sager
        1. Godkendelse af dagsorden
        Beslutning
        Godkendt.

        2. Lukket: Køb af ejendom
        Beslutning
        Godkendt.

        3. Personalesag
        LUKKET PUNKT
        Beslutning
        Godkendt.

        Lukkede sager
        4. Erstatningssag
        Beslutning
        Afvist.
        """)
    assert titles(m) == [("1", "Godkendelse af dagsorden"), ("2", "Køb af ejendom"), ("3", "Personalesag"),
                         ("4", "Erstatningssag")]
    assert [i.closed for i in m.items] == [False, True, True, True]


def test_gaps_and_repeats_in_numbers_are_warned_per_item(tmp_path):
    m = parse(tmp_path, """\
        Referat Sundhedsudvalget
        Mødedato: 3. juni 2024

        1. Godkendelse af dagsorden
        Beslutning
        Godkendt.

        4. Plan for dialyse
        Beslutning
        Godkendt.
        """)
    assert m.items[0].warnings == ()
    assert any("jump" in w for w in m.items[1].warnings)
    data = m.to_json()["items"][1]
    assert data["warnings"] and data["closed"] is False and data["listed_only"] is False


def test_regional_portal_page_with_list_case_lines_and_folding_text(tmp_path):
    m = parse(tmp_path, """\
        Gå til indhold
        Region Nordjylland

        Udvalget for det nære sundhedsvæsen - Referat - 12. marts 2019

        Mødedato
        12-03-2019 kl. 14:00 - 16:00

          Luk alle punkter Referat

          1. Godkendelse af dagsorden
          2. Status på akutplanen
          3. Meddelelser
          4. Eventuelt

          Sagsnr. 19/1201
          1. Godkendelse af dagsorden
          fold dette punkt ind Resume
          Dagsordenen forelægges til godkendelse.
          fold dette punkt ind Beslutning
          Godkendt.

          Sagsnr. 19/1202
          2. Status på akutplanenKlik her for at folde ud og læse mere om Status på akutplanen
          fold dette punkt ind Indstilling
          Administrationen indstiller,
          at orienteringen tages til efterretning.
          fold dette punkt ind Beslutning
          Taget til efterretning, jf. beslutning på mødet den 14. januar 2019.

          Sagsnr. 19/1204
          4. Eventuelt
          fold dette punkt ind Beslutning
          Intet.
        """)
    assert titles(m) == [("1", "Godkendelse af dagsorden"), ("2", "Status på akutplanen"), ("3", "Meddelelser"),
                         ("4", "Eventuelt")]
    assert [i.listed_only for i in m.items] == [False, False, True, False]
    assert [i.case_numbers for i in m.items] == [("19/1201",), ("19/1202",), (), ("19/1204",)]
    assert m.items[1].section_map()["indstilling"] == "at orienteringen tages til efterretning."
    assert (m.body, m.body_kind, m.region, m.cluster, m.date) == (
        "Udvalget for det nære sundhedsvæsen", "regional committee", "Region Nordjylland", None, "2019-03-12")


def test_item_marks_and_warnings_are_kept_in_the_index_for_show(tmp_path):
    import indexer
    import search
    from search.format import item_text

    folder = tmp_path / "minutes"
    folder.mkdir()
    write(folder / "m.txt", dedent("""\
        Referat Sundhedsudvalget
        Region Midtjylland
        Mødedato: 3. juni 2024

        Dagsorden
        1. Godkendelse af dagsorden
        2. Personalesag (Lukket)
        3. Eventuelt

        1. Godkendelse af dagsorden
        Beslutning
        Godkendt.

        2. Personalesag
        Beslutning
        Godkendt.
        """))
    indexer.build(tmp_path / "ix", [folder])
    ix = search.open(tmp_path / "ix")
    ids = {hit.title: hit.id for hit in ix.search("", limit=10).hits}
    closed = ix.show(ids["Personalesag"])
    assert closed.marks == {"closed": True}
    listed = ix.show(ids["Eventuelt"])
    assert listed.marks["listed_only"] is True and listed.marks["warnings"]
    assert "warning:" in item_text(listed) and "listed only" in item_text(listed)


def test_html_headings_without_numbers(tmp_path):
    page = ("<html><body><h1>Ældre- og Sundhedsudvalget - Referat - 3. juni 2024</h1>"
            "<h2>Godkendelse af dagsorden</h2><h3>Beslutning</h3><p>Godkendt.</p>"
            "<h2>Budgetopfølgning</h2><h3>Indstilling</h3><p>At opfølgningen tages til efterretning.</p>"
            "<h3>Beslutning</h3><p>Taget til efterretning.</p></body></html>")
    m = corpus.read(write(tmp_path / "m.html", page))
    assert titles(m) == [("1", "Godkendelse af dagsorden"), ("2", "Budgetopfølgning")]
    assert m.items[1].section_map()["beslutning"] == "Taget til efterretning."
    assert any("no printed numbers" in w for w in m.warnings)


def test_municipality_line_above_the_body_and_a_closed_toc_entry(tmp_path):
    m = parse(tmp_path, """\
        Greve Kommune
        Referat
        Social- og Sundhedsudvalget
        Mandag den 4. november 2024 kl. 16:00

        Indholdsfortegnelse
        1. Godkendelse af dagsorden .......... 3
        2. Lukket punkt: Personalesag ...... 5

        1. Godkendelse af dagsorden
        Sagsnummer: 24/1234
        Beslutning
        Godkendt.

        2. Personalesag
        Beslutning
        Godkendt.
        """)
    assert titles(m) == [("1", "Godkendelse af dagsorden"), ("2", "Personalesag")]
    assert [i.closed for i in m.items] == [False, True] and not any(i.listed_only for i in m.items)
    assert (m.body, m.municipality, m.region, m.date) == (
        "Social- og Sundhedsudvalget", "Greve", "Region Sjælland", "2024-11-04")


def test_prose_ending_in_lukket_does_not_close_an_item(tmp_path):
    m = parse(tmp_path, """\
        Referat Sundhedsudvalget
        Mødedato: 3. juni 2024

        1. Status på akutklinikken
        Klinikken i Grenaa er nu lukket
        Beslutning
        Taget til efterretning.

        2. Personalesag
        Sagsnr.: 2016-003798 Sagsbehandler: Anne Holm Lukket
        Beslutning
        Godkendt.
        """)
    assert [i.closed for i in m.items] == [False, True]
