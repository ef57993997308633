"""A small run of the benchmark harness (1,000 items): it works end to end. No timing is asserted."""
import json
import subprocess
import sys

from tests.conftest import ROOT


def results_cli(work) -> float:
    return json.loads((work / "last-results.json").read_text("utf-8"))[0]["cli_index_seconds"]


def test_benchmark_smoke_run(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bench", "--sizes", "1000", "--queries", "5", "--no-readme",
                             "--work", str(tmp_path)], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "| **index speed ratio** (target ≥ 1.5×) |" in result.stdout
    assert "reindex, no change / full build" in result.stdout
    assert "`referat index` whole process / `indexer.build()`" in result.stdout and results_cli(tmp_path) > 0
    results = json.loads((tmp_path / "last-results.json").read_text("utf-8"))
    assert results[0]["items"] == 1000
    assert results[0]["reindex_1pct_updated"] >= 1
    assert set(results[0]["queries"]) == {"single word", "2-3 word AND", "phrase", "cluster+year filter, facets",
                                          "filters only (listing)", "long question"}
    assert all({"referat", "baseline", "cli"} <= set(q) for q in results[0]["queries"].values())
    assert results[0]["cli_startup_ms"] > 0
    assert results[0]["meetings"] >= 90 and "referat meetings: first listing" in result.stdout
