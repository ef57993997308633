"""The `referat` CLI end to end: index, search --json, show, stats, exit codes, missing and damaged index."""
import json

import pytest
from click.testing import CliRunner

from indexer.facets import FACETS
from search.cli import EXIT_FILES_FAILED, EXIT_NO_INDEX, EXIT_USAGE, main
from search.format import highlighted
from tests.conftest import SAMPLE


def invoke(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)


def test_index_summary_and_recorded_roots(tmp_path):
    result = invoke("index", "--index", tmp_path / "ix", SAMPLE)
    assert result.exit_code == 0
    assert "indexed 4 files, 4 meetings, 17 items" in result.stdout and " s\n" in result.stdout
    meta = json.loads((tmp_path / "ix" / "referat.json").read_text("utf-8"))
    assert meta["roots"] == [str(SAMPLE.resolve())]
    again = invoke("index", "--index", tmp_path / "ix", SAMPLE)
    assert "17 items" in again.stdout
    stats = json.loads(invoke("stats", "--index", tmp_path / "ix", "--json").stdout)
    assert stats["items"] == 17, "re-indexing the same files must not duplicate items"


def test_index_reports_bad_files_and_keeps_going(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "tom.txt").write_bytes(b"")
    (folder / "notes.odt").write_bytes(b"PK")
    (folder / "ok.txt").write_text((SAMPLE / "2024-03-14_horsens-klyngen_faglig-strategisk-gruppe.txt").read_text("utf-8"), "utf-8")
    result = invoke("index", "--index", tmp_path / "ix", folder)
    assert result.exit_code == EXIT_FILES_FAILED
    assert "tom.txt: failed: empty file" in result.stderr
    assert "notes.odt: skipped" in result.stderr
    assert "indexed 1 file, 1 meeting, 6 items" in result.stdout


def test_index_location_from_environment(tmp_path):
    env = {"REFERAT_INDEX": str(tmp_path / "env-ix")}
    assert invoke("index", SAMPLE, env=env).exit_code == 0
    result = invoke("search", "telekol", env=env)
    assert result.exit_code == 0 and "Status på TeleKOL" in result.stdout


def test_search_json_shape(sample_index):
    result = invoke("search", "--index", sample_index, "--json", "--limit", "3", "rekruttering")
    doc = json.loads(result.stdout)
    assert set(doc) >= {"query", "total", "fallback", "hits", "facets"}
    assert doc["query"] == "rekruttering" and doc["total"] == 2 and doc["fallback"] is False
    hit = doc["hits"][0]
    stored = {f.name for f in FACETS if f.kind in ("name", "year")}
    assert set(hit) == {"id", "path", "position", "number", "title", "date", "score", "snippet", "sections",
                        "meeting", "versions", "sources", "case", "attachment"} | stored
    assert hit["sources"][0]["path"] == hit["path"] and hit["versions"] == ["referat"]
    assert {"cluster", "region", "forum", "body", "body_kind", "municipality", "year", "outcome"} <= stored
    assert set(doc["facets"]) == {f.name for f in FACETS if f.counted}


def test_search_terminal_output_is_plain_when_piped(sample_index):
    result = invoke("search", "--index", sample_index, "iltmætning")
    assert result.exit_code == 0
    assert "Horsens-klyngen · Faglig Strategisk Gruppe · 2024-03-14 · punkt 2" in result.stdout
    assert "\x1b[" not in result.stdout and "**" not in result.stdout
    assert "cluster: Horsens-klyngen (1)" in result.stdout
    assert "\x1b[" in highlighted("a **b** c", colour=True)


def test_search_options_through_the_cli(sample_index):
    result = invoke("search", "--index", sample_index, "--json", "--year", "2023", "--sort", "-date", "*")
    doc = json.loads(result.stdout)
    assert doc["total"] == 7 and doc["hits"][0]["date"] == "2023-09-05"
    result = invoke("search", "--index", sample_index, "--json", "--section", "referat", "--cluster", "aarhus", "godkendt")
    assert [h["title"] for h in json.loads(result.stdout)["hits"]] == ["Velkomst og godkendelse af dagsorden"]


@pytest.mark.parametrize("args, message", [
    (["--year", "twenty"], "invalid year"),
    (["--cluster", "midt-jylland"], "unknown cluster"),
    (["--sort", "alphabet"], "Invalid value for '--sort'"),
    (["--limit", "0"], "Invalid value for '--limit'"),
])
def test_search_usage_errors(sample_index, args, message):
    result = invoke("search", "--index", sample_index, *args, "børn")
    assert result.exit_code == EXIT_USAGE
    assert message in result.stderr and "Traceback" not in result.stderr


def test_show_and_stats(sample_index):
    hit = json.loads(invoke("search", "--index", sample_index, "--json", "telekol").stdout)["hits"][0]
    shown = invoke("show", "--index", sample_index, hit["id"])
    assert shown.exit_code == 0
    assert shown.stdout.startswith("2. Status på TeleKOL i Horsens-klyngen")
    assert "presenter:     Peter Dam" in shown.stdout and "Sagsfremstilling" in shown.stdout
    as_json = json.loads(invoke("show", "--index", sample_index, "--json", hit["id"]).stdout)
    assert as_json["sections"]["beslutning"].startswith("Orienteringen blev taget til efterretning")
    missing = invoke("show", "--index", sample_index, "nope-1")
    assert missing.exit_code == EXIT_USAGE and "no item with id" in missing.stderr
    table = invoke("stats", "--index", sample_index).stdout
    assert "Horsens-klyngen" in table and "17 items of 4 meetings in 4 files" in table
    stats = json.loads(invoke("stats", "--index", sample_index, "--json").stdout)
    assert stats["by_cluster_year"]["Sundhedsklynge Nord"] == {"2022": 4}


def test_missing_index_says_how_to_build_it(tmp_path):
    for command in (["search", "børn"], ["show", "x-1"], ["stats"]):
        result = invoke(command[0], "--index", tmp_path / "none", *command[1:])
        assert result.exit_code == EXIT_NO_INDEX
        assert "referat index --index" in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def damaged_index(tmp_path):
    invoke("index", "--index", tmp_path / "ix", SAMPLE)
    for toc in (tmp_path / "ix").glob("_MAIN_*.toc"):
        toc.write_bytes(b"\x00garbage")
    return tmp_path / "ix"


def test_damaged_index_says_how_to_rebuild_it(damaged_index):
    result = invoke("search", "--index", damaged_index, "børn")
    assert result.exit_code == EXIT_NO_INDEX
    assert "damaged" in result.stderr and "Traceback" not in result.stderr


def test_indexing_over_a_damaged_index_starts_a_new_one(damaged_index):
    result = invoke("index", "--index", damaged_index, SAMPLE)
    assert result.exit_code == 0
    assert "damaged" in result.stderr and "starting a new index" in result.stderr
    assert json.loads(invoke("stats", "--index", damaged_index, "--json").stdout)["items"] == 17
