"""Shared fixtures: the repository's sample minutes, a built index, and ../shared when present."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample"
SHARED = ROOT.parent / "shared"


def referat_command() -> str:
    """The installed `referat` next to this Python, else the one on PATH."""
    beside = Path(sys.executable).parent / "referat"
    if beside.exists():
        return str(beside)
    found = shutil.which("referat")
    if not found:
        pytest.fail("no 'referat' command installed; install the project first (see README)")
    return found


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the checkout; its absence is a skip locally and a failure under CI."""
    if not (SHARED / "corpus").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {SHARED} is missing: the shared checks must run in CI")
        pytest.skip(f"{SHARED} not present beside the checkout (the shared corpus and checks live there)")
    return SHARED


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
