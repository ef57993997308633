"""The shared acceptance checks: segmentation against ../shared/expected and development-set relevance."""
import re
import subprocess
import sys

from tests.conftest import referat_command


def run_tool(shared, script, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(shared / "tools" / script), "--referat", referat_command(), *args],
                          capture_output=True, text=True, timeout=600)


def test_segmentation_of_the_shared_corpus(shared_dir):
    pairs = [f"{e}={shared_dir / 'corpus' / (e.stem + '.txt')}" for e in sorted((shared_dir / "expected").glob("*.json"))]
    result = run_tool(shared_dir, "check_expected.py", *pairs)
    assert result.returncode == 0, result.stdout + result.stderr


def test_segmentation_of_the_html_pdf_and_cp1252_renditions(shared_dir):
    pairs = []
    for f in sorted((shared_dir / "formats").iterdir()):
        stem = f.name.split(".")[0]
        pairs.append(f"{shared_dir / 'expected' / (stem + '.json')}={f}")
    result = run_tool(shared_dir, "check_expected.py", *pairs)
    assert result.returncode == 0, result.stdout + result.stderr


def test_development_set_relevance(shared_dir):
    result = run_tool(shared_dir, "eval_relevance.py", str(shared_dir / "eval" / "queries-dev.tsv"),
                      str(shared_dir / "corpus"))
    summary = result.stdout.strip().splitlines()[-1]
    m = re.search(r"nDCG@10=([\d.]+) MRR=([\d.]+).*errors=(\d+)", summary)
    assert m, result.stdout + result.stderr
    ndcg, mrr, errors = float(m[1]), float(m[2]), int(m[3])
    assert errors == 0, result.stdout
    assert ndcg >= 0.96, result.stdout
    # MRR of 1.0 means the top hit is relevant for every query.
    assert mrr == 1.0, result.stdout
