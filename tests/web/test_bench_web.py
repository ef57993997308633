"""A small run of the web load test (`python -m bench.web`): it works end to end. No timing is asserted."""
import json
import subprocess
import sys

from tests.conftest import ROOT


def test_web_load_test_smoke_run(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bench.web", "--items", "300", "--requests", "40", "--clients", "4",
                             "--no-record", "--work", str(tmp_path)],
                            check=False, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "| **search page, all classes** (target p95 ≤ 100) |" in result.stdout
    assert "baseline: library search alone" in result.stdout and "baseline: static stylesheet" in result.stdout
    measured = json.loads((tmp_path / "last-web-results.json").read_text("utf-8"))
    assert 20 <= measured["sent"] <= 40 and measured["answered"] == measured["sent"] and measured["errors"] == 0
