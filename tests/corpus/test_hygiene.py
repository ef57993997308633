"""Text hygiene (corpus.hygiene): page furniture, table pipes and odd characters never reach an item."""
from textwrap import dedent

import pytest

import corpus
import search
from search.expand import FEATURES
from tests.conftest import write
from tests.pdfwriter import Bold, make_pdf


def _texts(meeting):
    return "\n".join(s.text for item in meeting.items for s in item.sections)


def test_a_pdf_running_header_of_several_lines_never_lands_between_sentences(tmp_path):
    header = ["Social- og Sundhedsudvalget", "Referat", "Åbent referat", "Dato: 12.03.2019"]
    body = ["Mødedato: 12. marts 2019 kl. 16.00", "", Bold("1. Status på hjemmeplejen"), Bold("Sagsfremstilling"),
            "Hjemmeplejen har i 2018 haft et merforbrug, som især skyldes flere borgere med"]
    page2 = ["komplekse behov efter udskrivelse fra hospitalet.", "", Bold("Beslutning"), "Taget til efterretning.",
             "", Bold("2. Budget for genoptræning"), Bold("Sagsfremstilling"), "Forvaltningen har udarbejdet et"]
    page3 = ["forslag til fordeling af rammen.", "", Bold("Beslutning"), "Godkendt."]
    path = tmp_path / "m.pdf"
    path.write_bytes(make_pdf([header + [""] + body, header + [""] + page2, header + [""] + page3], positioned=True))
    m = corpus.read(path)
    assert [i.title for i in m.items] == ["Status på hjemmeplejen", "Budget for genoptræning"]
    text = _texts(m)
    assert "Åbent referat" not in text and "12.03.2019" not in text and "Side" not in text
    assert " ".join(m.items[0].section_map()["sagsfremstilling"].split()).endswith(
        "flere borgere med komplekse behov efter udskrivelse fra hospitalet.")
    assert m.items[1].section_map()["beslutning"] == "Godkendt."


def test_a_label_line_at_the_top_of_every_page_stays_a_section(tmp_path):
    """`Referat:` opening most pages (bold, same place, trailing colon) is the item's section, not a header."""
    pages = []
    for n, title in enumerate(["Godkendelse af dagsorden", "Nyt fra hospitalet", "Rekruttering", "Eventuelt"], 1):
        pages.append([Bold("Referat:"), f"Gruppen drøftede punkt {n} om {title.lower()}.", "",
                      Bold(f"{n + 1}. {['Nyt fra hospitalet', 'Rekruttering', 'Eventuelt', 'Næste møde'][n - 1]}"),
                      Bold("Indstilling:"), "At gruppen drøfter sagen."])
    first = ["Referat Faglig Operativ Gruppe Voksen Somatik", "Tid: 4. marts 2025 kl. 9.00", "",
             Bold("1. Godkendelse af dagsorden"), Bold("Indstilling:"), "At dagsordenen godkendes."]
    pages = [first] + pages
    path = tmp_path / "m.pdf"
    path.write_bytes(make_pdf(pages, positioned=True))
    m = corpus.read(path)
    assert [i.number for i in m.items] == ["1", "2", "3", "4", "5"]
    assert [sorted(i.section_map()) for i in m.items[:4]] == [["indstilling", "referat"]] * 4
    assert m.items[1].section_map()["referat"] == "Gruppen drøftede punkt 2 om nyt fra hospitalet."


def test_running_header_left_in_a_text_copy_is_removed(tmp_path):
    m = corpus.read(write(tmp_path / "m.txt", dedent("""\
        Ældreudvalget
        Referat
        Åbent referat
        Dato: 05.06.2018

        Mødedato: 5. juni 2018 kl. 15.00

        1. Plejeboliger i 2019
        Sagsfremstilling
        Kommunen har 410 plejeboliger, og ventelisten er steget

        Ældreudvalget
        Referat
        Åbent referat
        Dato: 05.06.2018

        i løbet af foråret.
        Beslutning
        Taget til efterretning.

        2. Madservice
        Sagsfremstilling
        Udbuddet af madservice skal

        Ældreudvalget
        Referat
        Åbent referat
        Dato: 05.06.2018

        genudbydes i 2019.
        Beslutning
        Godkendt.
        Side 3 af 3
        """)))
    assert [i.title for i in m.items] == ["Plejeboliger i 2019", "Madservice"]
    assert "Åbent referat" not in _texts(m) and "Dato:" not in _texts(m) and "Side 3" not in _texts(m)
    assert m.items[1].section_map()["beslutning"] == "Godkendt."
    assert m.date == "2018-06-05"


def test_table_pipes_soft_hyphens_and_full_width_letters_are_plain_text(tmp_path):
    m = corpus.read(write(tmp_path / "m.txt", dedent("""\
        Referat Sundhedsudvalget
        Mødedato: 2. april 2024

        1. Godkendelse af dagsorden
        Indstilling
        at | udvalget godkender dagsorden. |
        |---|---|
        Beslutning
        Godkendt.

        2. Status på ｔｅｌｅｋｏｌ
        Sagsfremstilling
        Tele\xadmedicinsk hjemmemonitorering af borgere med KOL er i drift.
        """)))
    assert m.items[0].section_map()["indstilling"] == "at udvalget godkender dagsorden."
    assert m.items[1].title == "Status på telekol"
    assert "Telemedicinsk hjemmemonitorering" in m.items[1].section_map()["sagsfremstilling"]


@pytest.fixture(scope="module")
def telekol_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hygiene")
    write(folder / "m.txt", dedent("""\
        Referat Sundhedsudvalget
        Mødedato: 2. april 2024

        1. Status på TeleKOL
        Sagsfremstilling
        Alle borgere med svær KOL tilbydes telekol fra januar.
        """))
    import indexer
    indexer.build(folder / "ix", [folder])
    return folder / "ix"


@pytest.mark.parametrize("query", ["telekol", "ｔｅｌｅｋｏｌ", "tele\xadkol", "ＴｅｌｅＫＯＬ"])
def test_queries_are_normalised_like_documents(telekol_index, query):
    result = search.run(telekol_index, query, features=FEATURES - {"typos"})
    assert [h.title for h in result.hits] == ["Status på TeleKOL"]


def test_a_label_line_closing_every_page_stays_a_section(tmp_path):
    """One item per page, each ending in `Referat:` and its one line: the decision is kept."""
    topics = ["Godkendelse af dagsorden", "Status på TeleKOL", "Rekruttering af sygeplejersker", "Eventuelt"]
    pages = [["Referat Faglig Operativ Gruppe Voksen Psykiatri", "Tid: 5. marts 2025 kl. 13.00", ""]] + [[]] * 3
    pages = [head + [Bold(f"{n}. {topic}"), Bold("Indstilling:"), f"At gruppen drøfter {topic.lower()}.", "",
                     Bold("Referat:"), f"Gruppen tog punkt {n} til efterretning."]
             for n, (head, topic) in enumerate(zip(pages, topics, strict=True), start=1)]
    path = tmp_path / "m.pdf"
    path.write_bytes(make_pdf(pages, positioned=True))
    m = corpus.read(path)
    assert [i.title for i in m.items] == topics
    assert [i.section_map().get("referat") for i in m.items] == [
        f"Gruppen tog punkt {n} til efterretning." for n in range(1, 5)]


def test_structured_exports_get_the_same_hygiene(tmp_path):
    import json

    from tests.corpus.test_formats import firstagenda_json

    data = firstagenda_json()
    item = data["Dagsordenpunkter"][3]
    item["Navn"] = "Status på ＴｅｌｅＫＯＬ"
    item["Felter"] = [{"Navn": "Beslutning", "Html": "<p>Tele&shy;KOL-indsatsen blev godkendt.</p>", "Tekst": ""},
                      {"Navn": "Indstilling", "Html": "", "Tekst": "At tele\u00admedicin udbredes."}]
    path = tmp_path / "moede.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    m = corpus.read(path)
    assert m.items[3].title == "Status på TeleKOL"
    assert m.items[3].section_map() == {"beslutning": "TeleKOL-indsatsen blev godkendt.",
                                        "indstilling": "At telemedicin udbredes."}
