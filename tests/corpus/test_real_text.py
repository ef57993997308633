"""The text-based files of ../shared/real (PDFs, the eDoc HTML agenda) read as its README says.

Skipped without ../shared, never under CI (the shared_dir fixture)."""
import pytest

import corpus


@pytest.fixture(scope="module")
def real(shared_dir):
    return shared_dir / "real"


def test_edoc_fujitsu_html_agenda(real):
    m = corpus.read(real / "edoc-fujitsu_middelfart_testudvalg_2017-05-02_dagsorden.html")
    assert [i.number for i in m.items] == ["1", "2", "3", "4", "5", "6"]
    assert [i.closed for i in m.items] == [False, False, False, False, True, True]
    assert not any(i.listed_only for i in m.items)
    assert m.date == "2017-05-02" and m.cluster is None and m.body
    assert {"indstilling", "sagsfremstilling"} <= set(m.items[2].section_map())
    assert m.items[2].case_numbers == ("2013-003869",)


def test_sbsys_pdf_two_level(real):
    m = corpus.read(real / "sbsys_aarhus_moedesystemgruppen_2016-10-06.pdf")
    assert [i.number for i in m.items] == ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "3"]
    assert m.items[0].group == "1. First Agenda" and m.items[4].group == "2. GetOrganized"
    assert m.items[7].group is None
    assert (m.body, m.date, m.cluster) == ("Mødesystemgruppen", "2016-10-06", None)


def test_acadre_pdf_running_number(real):
    m = corpus.read(real / "acadre_syddjurs_puk_2013-06-20.pdf")
    assert [(i.number, i.title) for i in m.items] == [("715", "Kulturkommune 2017. Politiske fokusområder")]
    assert m.items[0].case_numbers == ("12/27845",)
    assert (m.body, m.date, m.cluster) == ("Udvalget for plan, udvikling og kultur (PUK)", "2013-06-20", None)
    assert (m.body_kind, m.municipality) == ("municipal committee", "Syddjurs")


def test_edoc_pdf_body_and_no_cluster(real):
    m = corpus.read(real / "edoc_ballerup_sundheds-og-forebyggelsesudvalget_2012-12-04.pdf")
    assert len(m.items) == 8 and m.date == "2012-12-04"
    assert (m.body, m.body_kind, m.municipality, m.cluster) == (
        "Sundheds- og Forebyggelsesudvalget", "municipal committee", "Ballerup", None)
    assert all(i.section_map().get("beslutning") for i in m.items)
    assert m.items[2].title == "Kvalitetsstandarder for stof- og alkoholbehandling 2012-2013"
