"""../shared/archive/greve through the CLI: a municipality's archive, every meeting under its own committee,
each committee the municipality's when its folder is registered as that municipality's source."""
import json
from collections import Counter

from click.testing import CliRunner

from search.cli import main

COMMITTEES = {  # body: (meetings, items), as the archive's README counts them
    "Beskæftigelses- og Erhvervsudvalget": (19, 183), "Byråd": (24, 603),
    "Klima-, Teknik- og Miljøudvalget": (24, 441), "Kultur- og Fritidsudvalget": (23, 236),
    "Plan- og Tryghedsudvalget": (19, 209), "Skole-, Børne- og Ungeudvalget": (22, 255),
    "Social- og Handicapudvalget": (18, 167), "Sundheds- og Omsorgsudvalget": (17, 228),
    "Økonomiudvalget": (29, 549), "Spørgsmål / Svar til Byrådet": (2, 2),
}


def cli(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_registered_municipal_archive_reads_as_that_municipality_s_committees(tmp_path, shared_dir):
    archive, ix = shared_dir / "archive" / "greve", tmp_path / "ix"
    assert "Greve Kommune" in cli("source", "add", "greve", "--folder", archive, "--municipality", "Greve",
                                  "--index", ix)
    summary = cli("index", "--index", ix, archive)
    assert "197 meetings, 2873 items" in summary and "other formats" not in summary
    listed = json.loads(cli("meetings", "--index", ix, "--format", "json", "--limit", 500))
    rows = listed["meetings"]
    assert listed["total"] == len(rows) == 197 and sum(r["items"] for r in rows) == 2873
    assert all(r["files"] == 1 for r in rows), "no file merged into another's meeting"
    counts = Counter(r["body"] for r in rows)
    items: Counter[str] = Counter()
    for r in rows:
        items[r["body"]] += r["items"]
    assert {b: (counts[b], items[b]) for b in counts} == COMMITTEES
    committees = [r for r in rows if r["body"] != "Spørgsmål / Svar til Byrådet"]
    assert {(r["body_kind"], r["municipality"]) for r in committees} == {("municipal committee", "Greve")}
    assert {r["period"] for r in rows if r["body"] == "Byråd"} == {"2022-2025"}
    pseudo = [r for r in rows if r not in committees]
    assert {(r["body_kind"], r["date"]) for r in pseudo} == {("other", None)}
    stats = json.loads(cli("stats", "--index", ix, "--format", "json"))
    assert (stats["meetings"], stats["items"], stats["files"]) == (197, 2873, 197)
    assert {b: (r["meetings"], r["items"]) for b, r in stats["bodies"].items()} == COMMITTEES
    assert stats["bodies"]["Byråd"]["periods"] == ["2022-2025"]
    text = cli("stats", "--index", ix)
    assert "Byråd" in text and "municipal committee, Greve, 2022-2025" in text
    health = json.loads(cli("search", "--index", ix, "--body", "Sundheds- og Omsorgsudvalget", "--year", "2022",
                            "--limit", 500, "--json"))
    assert {h["body"] for h in health["hits"]} == {"Sundheds- og Omsorgsudvalget"}
    assert "2022-09-12" in {h["date"] for h in health["hits"]}
