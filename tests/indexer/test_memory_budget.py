"""A run's memory budget (`--memory-mb`, `indexer.build(memory_mb=)`): a tiny one writes the run in many
batches, and the index searches exactly as one written in one batch does."""
import importlib
import json
import shutil

import pytest
from click.testing import CliRunner

import indexer
import search
from bench.generate import generate
from indexer.memory import BadMemoryBudget, default_memory_mb, machine_mb
from search.cli import main

QUERIES = [
    ("koordinering", {}),
    ("status borgeren", {}),
    ('"fælles indsats"', {}),
    ("hvordan går det med opfølgning og økonomi i klyngen", {}),
    ("godkendt", {"cluster": "Køge-klyngen"}),
    ("", {"year": "2023"}),
    ("koordinerng", {}),  # misspelt: the suggestion comes from the spelling list
]


def _answers(index_dir) -> list[dict]:
    """Every query's hits (ids, scores, snippets), facet counts and suggestion, and the index's figures."""
    with search.open(index_dir) as ix:
        found = [ix.search(query, limit=20, **filters).to_json() for query, filters in QUERIES]
        return [*found, ix.meetings(limit=1000).to_json(), {"items": ix.stats().items}]


@pytest.fixture(scope="module")
def minutes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("budget") / "minutes"
    generate(folder, 200, per_file=10)
    return folder


def _forked(monkeypatch) -> None:
    """40 files taken as a big run is: parsed by a pool, written by forked workers."""
    for module in ("indexer.build", "indexer.engines.whoosh.engine"):
        monkeypatch.setattr(importlib.import_module(module), "PARALLEL_MIN_FILES", 2)


def _same_in_batches(tmp_path, minutes, whole: tuple) -> None:
    whole_report, whole_answers = whole
    tiny = indexer.build(tmp_path / "tiny", [minutes], memory_mb=1)
    assert whole_report.memory_mb == default_memory_mb() and tiny.memory_mb == 1
    assert tiny.batches > whole_report.batches >= 1
    assert tiny.items == whole_report.items == 200
    assert _answers(tmp_path / "tiny") == whole_answers


@pytest.fixture
def whole(tmp_path, minutes, engine_name) -> tuple:
    """(report, answers) of the minutes built under the default budget on the test's engine."""
    report = indexer.build(tmp_path / "whole", [minutes])
    return report, _answers(tmp_path / "whole")


@pytest.mark.engines
def test_a_tiny_budget_writes_batches_and_searches_the_same(tmp_path, minutes, whole):
    _same_in_batches(tmp_path, minutes, whole)


def test_a_tiny_budget_with_forked_writers_searches_the_same(tmp_path, minutes, whole, monkeypatch):
    _forked(monkeypatch)
    _same_in_batches(tmp_path, minutes, whole)


@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "forked"])
def test_a_reindex_in_batches_changes_what_a_reindex_in_one_does(tmp_path, minutes, parallel, monkeypatch):
    """A reindex (deletions of the meetings it rewrites, then their items in batches) under a tiny budget."""
    if parallel:
        _forked(monkeypatch)
    indexer.build(tmp_path / "whole", [minutes])
    shutil.copytree(tmp_path / "whole", tmp_path / "tiny")
    extra = tmp_path / "extra"
    generate(extra, 100, seed=11, per_file=10)
    whole = indexer.reindex(tmp_path / "whole", [minutes, extra])
    tiny = indexer.reindex(tmp_path / "tiny", [minutes, extra], memory_mb=1)
    assert tiny.items == whole.items >= 100
    assert tiny.batches > 1 and whole.batches == 1
    assert _answers(tmp_path / "tiny") == _answers(tmp_path / "whole")


@pytest.mark.parametrize("value", [0, -5, "many", "1.5", True])
def test_the_library_refuses_a_budget_that_is_not_a_positive_number(tmp_path, minutes, value):
    with pytest.raises(BadMemoryBudget):
        indexer.build(tmp_path / "ix", [minutes], memory_mb=value)
    assert not (tmp_path / "ix").exists()


@pytest.mark.parametrize("command", ["index", "reindex"])
@pytest.mark.parametrize("value", ["0", "-5", "lots", "1.5", ""])
def test_a_bad_memory_budget_is_one_line_and_exit_2(tmp_path, minutes, command, value):
    result = CliRunner().invoke(main, [command, "--index", str(tmp_path / "ix"), "--memory-mb", value,
                                       str(minutes)], catch_exceptions=False)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "--memory-mb" in lines[0], result.output
    assert not (tmp_path / "ix").exists()


def test_the_cli_takes_a_budget_and_reports_its_batches(tmp_path, minutes):
    result = CliRunner().invoke(main, ["index", "--index", str(tmp_path / "ix"), "--memory-mb", "1", "--quiet",
                                       str(minutes)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    generate(tmp_path / "extra", 100, seed=3, per_file=10)
    result = CliRunner().invoke(main, ["reindex", "--index", str(tmp_path / "ix"), "--memory-mb", "1", "--json", "-q",
                                       str(minutes), str(tmp_path / "extra")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)["summary"]
    assert summary["items_written"] >= 100 and summary["batches"] > 1


def test_the_default_budget_is_a_sixteenth_of_the_machine():
    total = machine_mb()
    assert total and default_memory_mb() == max(256, total // 16)
    assert f"here {default_memory_mb()}" in CliRunner().invoke(main, ["index", "--help"]).output.replace("\n", " ")
