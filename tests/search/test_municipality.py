"""A municipality named in a page's header is the meeting's; every one of the 98 is a valid filter."""
import json
from textwrap import dedent

import pytest

import corpus
import indexer
import search
from search.query import QueryError
from tests.conftest import BOTH_ENGINES, engine_env, write
from tests.search.test_cli import EXIT_USAGE, invoke

pytestmark = BOTH_ENGINES

PAGE = """\
    Forside > Politik > Ringkøbing-Skjern Kommune
    Referat
    Mødedato: 2. oktober 2024 kl. 15.00

    1. Godkendelse af dagsorden
    Beslutning
    Godkendt.

    2. Ny plan for genoptræning
    Beslutning
    Planen blev godkendt.
    """


@pytest.fixture(scope="module")
def municipal_index(tmp_path_factory, engine_name):
    folder = tmp_path_factory.mktemp("municipal")
    write(folder / "m.txt", dedent(PAGE))
    with engine_env(engine_name):
        indexer.build(folder / "ix", [folder])
    return folder / "ix"


def test_the_municipality_in_the_header_is_the_meetings(tmp_path):
    m = corpus.read(write(tmp_path / "m.txt", dedent(PAGE)))
    assert m.municipality == "Ringkøbing-Skjern" and m.region == "Region Midtjylland"


def test_a_participant_list_of_several_councils_names_no_municipality(tmp_path):
    m = corpus.read(write(tmp_path / "m.txt", dedent("""\
        Referat
        Mødedato: 2. oktober 2024 kl. 15.00
        Deltagere: Ole Bak, Herning Kommune; Eva Lund, Holstebro Kommune; Jens Juul, Struer Kommune

        1. Godkendelse af dagsorden
        Beslutning
        Godkendt.
        """)))
    assert m.municipality is None


def test_every_municipality_of_the_registry_is_accepted(municipal_index):
    registry = corpus.load_registry()
    assert len(registry.municipalities) == 98
    for name, _ in registry.municipalities:
        search.run(municipal_index, "*", municipality=name)  # known, even with no meeting indexed
    assert search.run(municipal_index, "*", municipality="ringkøbing-skjern kommune").total == 2
    assert search.run(municipal_index, "*", municipality="aarhus").total == 0


def test_a_name_that_is_no_municipality_gets_a_clear_message(municipal_index):
    with pytest.raises(QueryError, match=r"unknown municipality 'Aarhuus'.*did you mean Aarhus\?"):
        search.run(municipal_index, "*", municipality="Aarhuus")
    result = invoke("search", "--index", municipal_index, "--municipality", "Atlantis", "plan")
    assert result.exit_code == EXIT_USAGE
    assert "unknown municipality 'Atlantis': not one of the 98 known" in result.stderr
    assert "Traceback" not in result.stderr
    ok = invoke("search", "--index", municipal_index, "--json", "--municipality", "Ringkøbing-Skjern", "plan")
    assert [h["title"] for h in json.loads(ok.stdout)["hits"]] == ["Ny plan for genoptræning"]
