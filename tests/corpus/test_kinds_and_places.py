"""Which version of a meeting a document is, and where each item starts in its source (PDF page, text line)."""
from textwrap import dedent

import pytest

import corpus
from corpus.kinds import document_kind
from tests.conftest import write
from tests.pdfwriter import make_pdf

AGENDA = dedent("""\
    Dagsorden Faglig Strategisk Gruppe Horsens-klyngen
    Mødedato: 14. marts 2024 kl. 13.00

    1. Godkendelse af dagsorden

    2. Rekruttering af sygeplejersker
    Sagsnr. 27.00.00-A00-12-24

    Indstilling
    At gruppen drøfter rekruttering.

    3. Udskrivning af ældre medicinske patienter
    EMN-2024-00417

    Sagsfremstilling
    Kommunerne har bedt om en fælles plan.
    """)


@pytest.mark.parametrize("header, sections, kind", [
    (["Dagsorden for mødet i Klyngestyregruppen"], {}, "dagsorden"),
    (["Tillægsdagsorden", "Klyngestyregruppen"], {}, "tillægsdagsorden"),
    (["Referat af mødet i Klyngestyregruppen"], {}, "referat"),
    (["Dagsorden Klyngestyregruppen"], {"beslutning": "Godkendt."}, "referat"),
    (["Klyngestyregruppen"], {}, None),
])
def test_document_kind(header, sections, kind):
    item = corpus.AgendaItem(id="x-1", position=1, number="1", title="Punkt",
                             sections=tuple(corpus.Section(k, v) for k, v in sections.items()))
    assert document_kind(header, [item]) == kind


def test_text_items_know_their_line_and_case_numbers(tmp_path):
    m = corpus.read(write(tmp_path / "agenda.txt", AGENDA))
    assert m.kind == "dagsorden"
    assert [(i.number, i.line, i.page) for i in m.items] == [("1", 4, None), ("2", 6, None), ("3", 12, None)]
    assert m.items[1].case_numbers == ("27.00.00-A00-12-24",)
    assert m.items[2].case_numbers == ("EMN-2024-00417",)


def test_pdf_items_know_their_page(tmp_path):
    pages = [
        ["Referat Faglig Strategisk Gruppe Horsens-klyngen", "Mødedato: 14. marts 2024 kl. 13.00", "",
         "1. Godkendelse af dagsorden", "", "Beslutning", "Godkendt."],
        ["Forsat fra forrige side.", "", "2. Rekruttering af sygeplejersker", "", "Beslutning", "Drøftet."],
        ["3. Eventuelt", "", "Beslutning", "Intet."],
    ]
    path = tmp_path / "m.pdf"
    path.write_bytes(make_pdf(pages, header="Horsens-klyngen"))
    m = corpus.read(path)
    assert m.kind == "referat"
    assert [(i.number, i.page) for i in m.items] == [("1", 1), ("2", 2), ("3", 3)]


@pytest.mark.parametrize("committee, kind", [
    ("Byråd 2022-2025", "municipal committee"),
    ("Sundheds- og Omsorgsudvalget", "municipal committee"),
    ("Klima-, Teknik- og Miljøudvalget", "municipal committee"),
    ("Regionsrådet", "regional committee"),
    ("Ældrerådet", "other"),
])
def test_a_committee_nothing_places_is_described_as_the_council_is(tmp_path, committee, kind):
    """A publisher's export names its committee and no municipality: its committees are one kind, as the
    council's is, not `municipal committee` for Byråd and `other` for the health committee (#19)."""
    from tests.firstagenda import write_meeting

    path = write_meeting(tmp_path / "m.json", committee, "2023-05-08", [("1", "Budgetopfølgning", "", "Godkendt.")])
    assert corpus.read(path).body_kind == kind
