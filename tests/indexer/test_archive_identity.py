"""Meeting identity on an archive: committees meeting on one day stay apart, one meeting's formats merge."""
from textwrap import dedent

import indexer
import search
from tests.firstagenda import write_meeting
from tests.pdfwriter import make_pdf

SHARED = [(f"{n}", title, f"23-00{n}11", "Godkendt.") for n, title in enumerate([
    "Godkendelse af dagsorden", "Introduktion til udvalgets arbejde", "Budgetopfølgning 1. kvartal",
    "Orientering om ny sundhedsaftale", "Kommunikationsstrategi for byrådets udvalg"], start=1)]


def test_two_committees_on_one_day_sharing_most_titles_stay_two_meetings(tmp_path):
    social = SHARED + [("6", "Handicappolitik - høring", "23-006611", "Godkendt.")]
    health = SHARED + [("6", "Plejeboliger på Askelunden", "23-007711", "Godkendt.")]
    write_meeting(tmp_path / "docs" / "social.json", "Social- og Handicapudvalget", "2022-09-12", social)
    write_meeting(tmp_path / "docs" / "health.json", "Sundheds- og Omsorgsudvalget 2022-2025", "2022-09-12", health)
    report = indexer.build(tmp_path / "ix", [tmp_path / "docs"])
    assert (report.meetings, report.items, report.copies) == (2, 12, [])
    with search.open(tmp_path / "ix") as ix:
        listed = ix.meetings()
        assert sorted((m.body, m.items) for m in listed.rows) == [
            ("Social- og Handicapudvalget", 6), ("Sundheds- og Omsorgsudvalget", 6)]
        hit = ix.search("Askelunden", body="Sundheds- og Omsorgsudvalget").hits
        assert [h.title for h in hit] == ["Plejeboliger på Askelunden"]
        shared = ix.search("kommunikationsstrategi", all_appearances=True)
        assert sorted(h.body for h in shared.hits) == ["Social- og Handicapudvalget", "Sundheds- og Omsorgsudvalget"]


AGENDA = dedent("""\
    Sundheds- og Omsorgsudvalget
    Dagsorden
    Mødedato: 13. marts 2023 kl. 16.00

    1. Godkendelse af dagsorden

    2. Plejeboliger på Askelunden

    Sagsfremstilling
    Forvaltningen beskriver sagen om plejeboliger på askelunden.

    3. Demensstrategi 2023-2026

    Sagsfremstilling
    Forvaltningen beskriver sagen om demensstrategi 2023-2026.
    """)


def test_one_meeting_as_pdf_json_and_agenda_is_one_meeting(tmp_path):
    items = [("1", "Godkendelse af dagsorden", "", "Godkendt."),
             ("2", "Plejeboliger på Askelunden", "23-001122", "Godkendt med bemærkninger."),
             ("3", "Demensstrategi 2023-2026", "23-003344", "Udsat.")]
    docs = tmp_path / "docs"
    write_meeting(docs / "referat.json", "Sundheds- og Omsorgsudvalget 2022-2025", "2023-03-13", items)
    lines = ["Sundheds- og Omsorgsudvalget", "Referat", "Mødedato: 13. marts 2023 kl. 16.00", ""]
    for number, title, _, decision in items:
        lines += [f"{number}. {title}", "", "Beslutning", decision, ""]
    (docs / "referat.pdf").write_bytes(make_pdf([lines]))
    (docs / "dagsorden.txt").write_text(AGENDA, encoding="utf-8")
    report = indexer.build(tmp_path / "ix", [docs])
    assert report.failed == []
    assert (report.meetings, report.items) == (1, 3)
    with search.open(tmp_path / "ix") as ix:
        [meeting] = ix.meetings().rows
        assert meeting.body == "Sundheds- og Omsorgsudvalget" and meeting.files == 3
        assert meeting.versions == ["dagsorden", "referat"]


def test_a_folder_is_its_registered_source_s_municipality_s(tmp_path):
    from click.testing import CliRunner

    from search.cli import main

    items = [("1", "Plejeboliger på Askelunden", "23-001122", "Godkendt.")]
    write_meeting(tmp_path / "portal" / "m.json", "Sundheds- og Omsorgsudvalget", "2023-03-13", items)
    write_meeting(tmp_path / "other" / "m.json", "Sundheds- og Omsorgsudvalget", "2023-03-14", items)
    write_meeting(tmp_path / "portal" / "pseudo.json", ".Spørgsmål / Svar til Byrådet 2022-2025", "2023-01-01", items)
    run = CliRunner()
    added = run.invoke(main, ["source", "add", "greve", "https://dagsordener.greve.dk", "--folder",
                              str(tmp_path / "portal"), "--index", str(tmp_path / "ix")])
    assert added.exit_code == 0 and "minutes of Greve Kommune" in added.output
    assert run.invoke(main, ["index", "--index", str(tmp_path / "ix"), str(tmp_path / "portal"),
                             str(tmp_path / "other")]).exit_code == 0
    with search.open(tmp_path / "ix") as ix:
        rows = {(r.date, r.body): (r.body_kind, r.municipality, r.region, r.period) for r in ix.meetings().rows}
    assert rows == {
        ("2023-03-13", "Sundheds- og Omsorgsudvalget"): ("municipal committee", "Greve", "Region Sjælland", None),
        ("2023-03-14", "Sundheds- og Omsorgsudvalget"): ("municipal committee", None, None, None),
        (None, "Spørgsmål / Svar til Byrådet"): ("other", "Greve", "Region Sjælland", "2022-2025"),
    }
    unknown = run.invoke(main, ["source", "add", "archive", "--folder", str(tmp_path / "other"),
                                "--municipality", "Nowhere", "--index", str(tmp_path / "ix")])
    assert unknown.exit_code == 2 and "not a municipality" in unknown.output
    assert run.invoke(main, ["source", "add", "archive", "--folder", str(tmp_path / "other"), "--municipality",
                             "Solrød Kommune", "--index", str(tmp_path / "ix")]).exit_code == 0
    fetched = run.invoke(main, ["fetch", "--source", "archive", "--index", str(tmp_path / "ix")])
    assert fetched.exit_code == 2 and "a folder, not a portal" in fetched.output
