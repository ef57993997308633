"""The index of a clean and a scanned invented meeting, shared by the Danish-analysis and semantics tests."""
from textwrap import dedent

import pytest

import indexer
from tests.conftest import engine_env, write
from tests.search.test_danish import CLEAN, SCANNED


@pytest.fixture(scope="session")
def danish_index(tmp_path_factory, engine_name):
    folder = tmp_path_factory.mktemp("danish")
    write(folder / "clean.txt", dedent(CLEAN))
    write(folder / "scanned.txt", dedent(SCANNED))
    with engine_env(engine_name):
        indexer.build(folder / "ix", [folder])
    return folder / "ix"
