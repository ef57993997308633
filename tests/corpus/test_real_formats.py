"""The real published files in ../shared/real read as its README says (skipped without ../shared, never in CI)."""
import pytest

import corpus
from corpus.readers import ReadError


@pytest.fixture(scope="module")
def real(shared_dir):
    return shared_dir / "real"


def outline(m):
    return [(i.number, i.title) for i in m.items]


def test_firstagenda_meeting_page(real):
    m = corpus.read(real / "firstagenda_aarhus_teknisk-udvalg_2025-10-01_referat.html")
    assert [i.number for i in m.items] == ["1", "2", "3", "4", "5", "6"]
    assert m.items[1].title == "Udviklingsplan Aarhus Ø - endelig vedtagelse"
    assert m.items[1].case_numbers == ("EMN-2025-009242",)
    assert (m.body, m.date, m.kind, m.cluster) == ("Teknisk Udvalg", "2025-10-01", "referat", None)
    assert all("beslutning" in i.section_map() for i in m.items)
    assert tuple(a.name for a in m.items[0].attachments) == ("Referat fra møde den 22. september 2025",)


def test_firstagenda_front_page_is_not_a_meeting(real):
    with pytest.raises(ReadError, match=r"^not a meeting"):
        corpus.read(real / "firstagenda_aarhus_moedeliste.html")


@pytest.mark.parametrize("name, count", [("byraad_2024-01-08", 3), ("sundheds-og-omsorgsudvalget_2022-03-14", 9),
                                         ("sundheds-og-omsorgsudvalget_2024-03-18", 11)])
def test_firstagenda_json(real, name, count):
    m = corpus.read(real / f"firstagenda_greve_{name}.json")
    assert [i.number for i in m.items] == [str(n) for n in range(1, count + 1)]
    assert all(i.case_numbers and i.title for i in m.items)
    assert m.cluster is None and m.date == name[-10:]
    closed = [i for i in m.items if i.closed]
    assert all(not i.title.startswith("Lukket") for i in m.items)
    if count > 3:
        assert m.body == "Sundheds- og Omsorgsudvalget"
        assert [i.title for i in closed] == ["Henvendelser til formanden"]
        assert {"indstilling", "sagsfremstilling", "beslutning"} <= set(m.items[2].section_map())


def test_edoc_xml_and_pdf_are_one_meeting(real):
    xml = corpus.read(real / "edoc_ballerup_sundheds-og-forebyggelsesudvalget_2012-12-04.xml")
    pdf = corpus.read(real / "edoc_ballerup_sundheds-og-forebyggelsesudvalget_2012-12-04.pdf")
    assert outline(xml) == outline(pdf) and len(xml.items) == 8
    assert xml.body == "Sundheds- og Forebyggelsesudvalget" and xml.date == pdf.date == "2012-12-04"
    assert xml.items[1].case_numbers == ("2012-28504",)
    assert all(i.section_map().get("beslutning") for i in xml.items)
    assert xml.items[1].section_map()["beslutning"].startswith("Indstillingen godkendt")
    assert not pdf.ocr and xml.cluster is None


def test_sbsys_two_level_xml(real):
    m = corpus.read(real / "sbsys_aarhus_moedesystemgruppen_2016-10-06.xml")
    assert [i.number for i in m.items] == ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "3"]
    assert m.items[0].group == "1. First Agenda" and m.items[4].group == "2. GetOrganized" and m.items[7].group is None
    assert (m.body, m.date) == ("Mødesystemgruppen", "2016-10-06")


def test_sbsys_older_schema(real):
    m = corpus.read(real / "sbsys_ballerup_kmb-it-udvalget_2013-05-15.xml")
    assert [i.number for i in m.items] == ["1", "2", "3", "4", "5"]
    assert (m.body, m.date) == ("KMB IT-udvalget", "2013-05-15")
    assert "indstilling" in m.items[1].section_map()


def test_acadre_xml(real):
    m = corpus.read(real / "acadre_syddjurs_puk_2013-06-20.xml")
    assert outline(m) == [("715", "Kulturkommune 2017. Politiske fokusområder")]
    assert m.items[0].case_numbers == ("12/27845",) and m.date == "2013-06-20"
    assert m.body == "Udvalget for plan, udvikling og kultur (PUK)"


def test_attachment_pdf_is_not_a_meeting(real):
    with pytest.raises(ReadError, match=r"^not a meeting"):
        corpus.read(real / "aarhus_sager-paa-vej_bilag.pdf")


def test_edoc_agenda_page(real):
    m = corpus.read(real / "edoc-fujitsu_middelfart_testudvalg_2017-05-02_dagsorden.html")
    assert [i.number for i in m.items] == ["1", "2", "3", "4", "5", "6"]
    assert [i.closed for i in m.items] == [False] * 4 + [True] * 2
    assert m.items[2].case_numbers == ("2013-003869",)
    assert "indstilling" in m.items[2].section_map()
    assert (m.date, m.kind) == ("2017-05-02", "dagsorden")


@pytest.mark.parametrize("stem", ["sbsys_aarhus_moedesystemgruppen_2016-10-06", "acadre_syddjurs_puk_2013-06-20"])
def test_pdf_and_xml_of_one_meeting_give_the_same_items(real, stem):
    xml = corpus.read(real / f"{stem}.xml")
    pdf = corpus.read(real / f"{stem}.pdf")
    assert outline(pdf) == outline(xml)
    assert [i.group for i in pdf.items] == [i.group for i in xml.items]
    assert pdf.date == xml.date and not pdf.ocr and pdf.cluster is None


def test_acadre_pdf_cover_page_is_no_item(real):
    m = corpus.read(real / "acadre_syddjurs_puk_2013-06-20.pdf")
    assert outline(m) == [("715", "Kulturkommune 2017. Politiske fokusområder")]
    assert m.items[0].case_numbers == ("12/27845",)
