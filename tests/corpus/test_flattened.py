"""PDF text flattened to one paragraph per page, and letters spaced apart: read as the layout they lost."""
from tests.corpus.test_segment import parse, titles

HEAD = "Beslutningsprotokol Ældre- og Sundhedsudvalget {date} Side {n} af 4"
PAGES = [
    " Beslutningsprotokol Ældre- og Sundhedsudvalget Mødedato: 11. september 2023 kl. 15.30 Mødested: Lokale 104,"
    " Rådhuset Indholdsfortegnelse Pkt. Tekst Side 1 Godkendelse af dagsorden 2 2 Orientering om"
    " sygefravær i hjemmeplejen 2 3 Takster for madservice 2024 3 4 Høring om frivillighedspolitik 4"
    " 5 Eventuelt 4",
    " 1. Godkendelse af dagsorden INDSTILLING Direktionen indstiller, at dagsordenen godkendes. BESLUTNING"
    " Godkendt. 2. Orientering om sygefravær i hjemmeplejen SAGSFREMSTILLING Sygefraværet i hjemmeplejen er"
    " faldet fra 8,4 % til 6,9 % i løbet af det seneste halve år, blandt andet efter en ny vagtplan.",
    " INDSTILLING Direktionen indstiller, at orienteringen tages til efterretning. BESLUTNING Udvalget blev"
    " orienteret. 3. Takster for madservice 2024 SAGSFREMSTILLING Taksten for en hovedret stiger med 2 kr."
    " i 2024, som aftalt ved budgetforliget den 4. oktober 2022. BESLUTNING Udvalget drøftede taksterne og"
    " besluttede at udsætte sagens behandling til oktober.",
    " 4. Høring om frivillighedspolitik SAGSFREMSTILLING Politikken har været i høring hos Ældrerådet og"
    " Handicaprådet, som begge har afgivet positive høringssvar. BESLUTNING Tiltrådt.",
]


def flattened(dates=True):
    return "\n\n".join(HEAD.format(date="11.09.2023" if dates else "", n=n).replace("  ", " ") + page
                       for n, page in enumerate(PAGES, start=1)) + "\n"


def test_one_paragraph_per_page_with_an_inline_table_of_contents(tmp_path):
    for dates in (True, False):
        m = parse(tmp_path, flattened(dates))
        assert titles(m) == [("1", "Godkendelse af dagsorden"), ("2", "Orientering om sygefravær i hjemmeplejen"),
                             ("3", "Takster for madservice 2024"), ("4", "Høring om frivillighedspolitik"),
                             ("5", "Eventuelt")]
        assert [i.listed_only for i in m.items] == [False] * 4 + [True]
        assert [i.outcome for i in m.items[:4]] == ["godkendt", "taget til efterretning", "udsat", "tiltrådt"]
        assert m.date == "2023-09-11" and not any("whole text" in w for w in m.warnings)
        two = m.items[1].section_map()
        assert sorted(two) == ["beslutning", "indstilling", "sagsfremstilling"]
        text = "\n".join(s.text for item in m.items for s in item.sections)
        assert "Side " not in text and "Beslutningsprotokol" not in text and "11.09.2023" not in text
        assert " ".join(two["sagsfremstilling"].split()).endswith("blandt andet efter en ny vagtplan.")


def test_long_paragraphs_that_begin_alike_are_not_a_running_header(tmp_path):
    para = ("Det indstilles, at udvalget godkender {x}, og at forvaltningen følger op på sagen med en status til"
            " udvalget i løbet af foråret, når de første erfaringer med ordningen foreligger. Ordningen evalueres"
            " desuden sammen med Ældrerådet og de frivillige foreninger, før den gøres permanent.")
    m = parse(tmp_path, "Referat Ældreudvalget\nMødedato: 2. maj 2023\n\n" + "\n\n".join(
        f"{n}. Sag nummer {n}\nIndstilling\n" + para.format(x=f"forslag {n}") + "\nBeslutning\nGodkendt."
        for n in range(1, 7)) + "\n")
    assert [i.section_map()["indstilling"].startswith(f"Det indstilles, at udvalget godkender forslag {n}")
            for n, i in enumerate(m.items, start=1)] == [True] * 6


def test_letter_spacing_damage_is_repaired(tmp_path):
    m = parse(tmp_path, """\
        Ref erat Ud val get for Børn og Fa mi lie
        Mødedato: 6. februar 2024 kl. 16.00

        1. God ken del se af dags or den
        Beslutning
        Godkendt.

        2. Sko le struk tur i Nord by en
        Sagsfremstilling
        Skolestrukturen i Nordbyen skal ses efter, fordi børnetallet falder, og familierne flytter.
        Det er en sag, som vi tager op i år, og vi ser på den i maj.
        Beslutning
        Drøftet.
        """)
    assert titles(m) == [("1", "Godkendelse af dagsorden"), ("2", "Skolestruktur i Nordbyen")]
    assert m.body == "Udvalget for Børn og Familie"
    assert "Det er en sag, som vi tager op i år, og vi ser på den i maj." in m.items[1].section_map()["sagsfremstilling"]
