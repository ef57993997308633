"""Shared fixtures: the repository's sample minutes, a built index, and ../shared when present."""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample"
SHARED = ROOT.parent / "shared"


@functools.cache
def referat_command() -> str:
    """The `referat` command next to this Python (else on PATH), checked to run this checkout's code, so
    tests in a subprocess test the same code as tests in process (README installs with `pip install -e`)."""
    beside = Path(sys.executable).parent / "referat"
    found = str(beside) if beside.exists() else shutil.which("referat")
    if not found:
        pytest.fail("no 'referat' command installed; install the project first (see README)")
    python = Path(found).parent / "python"
    probe = subprocess.run([str(python) if python.exists() else sys.executable, "-c",
                            "import search, indexer, corpus; print(search.__file__, indexer.__file__, corpus.__file__)"],
                           capture_output=True, text=True, cwd="/", check=False)
    if any(not Path(f).resolve().is_relative_to(ROOT) for f in probe.stdout.split()) or probe.returncode:
        pytest.fail(f"{found} does not run this checkout's code ({probe.stdout.strip() or probe.stderr.strip()}); "
                    f"install it editable: pip install -e '.[test]'")
    return found


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the checkout; its absence is a skip locally and a failure under CI."""
    if not (SHARED / "corpus").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {SHARED} is missing: the shared checks must run in CI")
        pytest.skip(f"{SHARED} not present beside the checkout (the shared corpus and checks live there)")
    return SHARED


@pytest.fixture
def tesseract():
    """Tesseract with its Danish model: a skip without it locally, a failure under CI (.ci/run installs it)."""
    if shutil.which("tesseract") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but Tesseract is missing: .ci/run installs tesseract-ocr tesseract-ocr-dan")
        pytest.skip("Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-dan)")


@pytest.fixture
def ocr_cache(tmp_path, monkeypatch) -> Path:
    """A fresh OCR cache of this test's own (in process and in the subprocesses it starts)."""
    cache = tmp_path / "ocr-cache"
    monkeypatch.setenv("REFERAT_OCR_CACHE", str(cache))
    return cache


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    import indexer

    index_dir = tmp_path_factory.mktemp("index") / "ix"
    report = indexer.build(index_dir, [SAMPLE])
    assert report.failed == [] and report.files == 4
    return index_dir


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


OPENSEARCH_URL_ENV = "REFERAT_OPENSEARCH_URL"


@pytest.fixture(scope="session")
def opensearch_url() -> str:
    """The OpenSearch cluster of the tests (REFERAT_OPENSEARCH_URL, default http://127.0.0.1:9200; .ci/run
    starts one): a skip when no node answers, a failure under CI=true."""
    import httpx

    url = os.environ.get(OPENSEARCH_URL_ENV, "http://127.0.0.1:9200")
    problems = []
    for node in url.split(","):
        try:
            health = httpx.get(node.strip().rstrip("/") + "/_cluster/health", timeout=5).json()
            if health.get("status") in ("green", "yellow"):
                return url
            problems.append(f"{node}: status {health.get('status')}")
        except (httpx.HTTPError, ValueError) as exc:
            problems.append(f"{node}: {exc}")
    message = f"no OpenSearch cluster answers at {url} ({'; '.join(problems)}); contrib/opensearch-cluster.sh starts one"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {message}")
    pytest.skip(message)
