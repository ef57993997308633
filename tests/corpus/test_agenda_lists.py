"""Agenda lists of every shape (DOMAIN.md "Layouts in the wild"): each listed item is an item, and one
without a body in the document is marked `listed_only`."""
from tests.corpus.test_segment import parse, titles


def test_an_indented_list_after_an_intro_paragraph_is_the_agenda(tmp_path):
    m = parse(tmp_path, """\
        Nyt fra Seniorrådet

        Seniorrådet holdt møde onsdag den 6. marts 2024 i Borgernes Hus. Rådet havde besøg af
        sundhedschefen, og der var god debat om de nye tilbud til ensomme ældre.

          1. Godkendelse af dagsorden

          2. Nyt fra formanden

          3. Ensomhed blandt ældre

          4. Eventuelt

        Har du spørgsmål, er du velkommen til at kontakte sekretariatet.
        """)
    assert titles(m) == [("1", "Godkendelse af dagsorden"), ("2", "Nyt fra formanden"),
                         ("3", "Ensomhed blandt ældre"), ("4", "Eventuelt")]
    assert all(i.listed_only for i in m.items) and m.date == "2024-03-06"
    assert not any("whole text" in w for w in m.warnings)


def test_an_indented_sub_list_inside_an_item_stays_text(tmp_path):
    m = parse(tmp_path, """\
        Referat Ældrerådet
        Mødedato: 6. marts 2024

        1. Budget 2025
        Sagsfremstilling
        Forvaltningen har tre forslag til besparelser på området:
          1. Færre vikarer
          2. Fælles indkøb
          3. Mindre kørsel
        Beslutning
        Drøftet.

        2. Eventuelt
        Beslutning
        Intet.
        """)
    assert titles(m) == [("1", "Budget 2025"), ("2", "Eventuelt")]
    assert "Fælles indkøb" in m.items[0].section_map()["sagsfremstilling"]


def test_a_pkt_tekst_block_of_bullets(tmp_path):
    m = parse(tmp_path, """\
        Dagsorden
        Sundheds- og Ældreudvalget
        Mødedato: 8. maj 2024 kl. 16.00

        Pkt. tekst
        - 1. Godkendelse af dagsorden
        - 2. Meddelelser
        - 3. Status på akutfunktionen
        - 4. Høring om sundhedsaftalen

        3. Status på akutfunktionen
        Sagsfremstilling
        Akutfunktionen har haft 310 besøg i første kvartal.
        Beslutning
        Taget til efterretning.
        """)
    assert titles(m) == [("1", "Godkendelse af dagsorden"), ("2", "Meddelelser"),
                         ("3", "Status på akutfunktionen"), ("4", "Høring om sundhedsaftalen")]
    assert [i.listed_only for i in m.items] == [True, True, False, True]
    assert m.items[2].outcome == "taget til efterretning"


def test_punkter_paa_dagsordenen_with_kinds_of_items(tmp_path):
    m = parse(tmp_path, """\
        Referat
        Handicaprådet
        Mødedato: 8. maj 2024 kl. 16.00
        1. næstformand: Karen Holm

        Punkter på dagsordenen
        1. Beslutning: Godkendelse af dagsorden
        2. Orientering: Nyt fra forvaltningen
        3. Beslutning: Handicappolitik 2025
        4. Orientering: Tilgængelighed i idrætshaller

        3. Beslutning: Handicappolitik 2025
        Sagsfremstilling
        Politikken skal revideres i år.
        Beslutning
        Rådet anbefaler udkastet.
        """)
    assert [t for _, t in titles(m)] == ["Beslutning: Godkendelse af dagsorden", "Orientering: Nyt fra forvaltningen",
                                         "Beslutning: Handicappolitik 2025",
                                         "Orientering: Tilgængelighed i idrætshaller"]
    assert [i.listed_only for i in m.items] == [True, True, False, True]


def test_two_level_numbering_in_the_agenda_list(tmp_path):
    m = parse(tmp_path, """\
        Referat
        Social- og Sundhedsudvalget
        Mødedato: 8. maj 2024 kl. 16.00

        Dagsorden
        1.0 Sager til beslutning
        1.1 Godkendelse af puljeprojekt
        1.2 Høring om akutplan
        2.0 Sager til orientering
        2.1 Status på ventelister
        2.2 Kvartalsrapport
        3.0 Eventuelt

        1.1 Godkendelse af puljeprojekt
        Indstilling
        Forvaltningen indstiller, at projektet godkendes.
        Beslutning
        Godkendt.

        2.1 Status på ventelister
        Sagsfremstilling
        Ventelisten er faldet.
        Beslutning
        Taget til efterretning.
        """)
    assert titles(m) == [("1.1", "Godkendelse af puljeprojekt"), ("1.2", "Høring om akutplan"),
                         ("2.1", "Status på ventelister"), ("2.2", "Kvartalsrapport"), ("3", "Eventuelt")]
    assert [i.listed_only for i in m.items] == [False, True, False, True, True]
    assert [i.group for i in m.items] == ["1. Sager til beslutning"] * 2 + ["2. Sager til orientering"] * 2 + [None]


def test_an_agenda_of_two_level_headings_only_lists_its_items(tmp_path):
    m = parse(tmp_path, """\
        Dagsorden
        Social- og Sundhedsudvalget
        Mødedato: 8. maj 2024 kl. 16.00

        1.0 Sager til beslutning
        1.1 Godkendelse af puljeprojekt
        1.2 Høring om akutplan
        2.0 Sager til orientering
        2.1 Status på ventelister
        2.2 Kvartalsrapport
        """)
    assert titles(m) == [("1.1", "Godkendelse af puljeprojekt"), ("1.2", "Høring om akutplan"),
                         ("2.1", "Status på ventelister"), ("2.2", "Kvartalsrapport")]
    assert all(i.listed_only and i.sections == () for i in m.items)
    assert [i.group for i in m.items] == ["1. Sager til beslutning"] * 2 + ["2. Sager til orientering"] * 2
