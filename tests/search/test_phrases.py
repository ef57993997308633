"""Phrases through search.open() on both engines: words most items have, in order and next to each other
(stop words between them do not count), and a word the index lists twice at one position."""
from textwrap import dedent

import pytest

import indexer
import search
from tests.conftest import BOTH_ENGINES, write

pytestmark = BOTH_ENGINES

ITEM = """\
    {n}. {title}

    Sagsfremstilling
    {text}

    Beslutning
    Drøftet.
"""


def meeting(day: int, items: list[tuple[str, str]]) -> str:
    head = f"Referat Klyngestyregruppe Horsens-klyngen\nMødedato: {day}. marts 2023 kl. 9.00\n\n"
    return head + "\n".join(dedent(ITEM).format(n=n, title=t, text=x) for n, (t, x) in enumerate(items, start=1))


@pytest.fixture
def index(tmp_path):
    folder = tmp_path / "minutes"
    folder.mkdir()
    common = "Kommunen og borgeren drøfter planen med regionen."  # words every item has
    write(folder / "a.txt", meeting(3, [
        ("Status for kommunen", common + " Status for kommunen er god."),
        ("Kommunens status", common + " Vi hører om kommunens status."),
        ("Budget", common + " Status: kommunen har et budget."),  # punctuation between: still next to each other
        ("Plan", common + " En status blev givet til kommunen. Kommunen fremlagde sin status."),
    ]))
    write(folder / "b.txt", meeting(4, [
        ("Indlæggelser", "Tvangs- og genindlæggelser blev drøftet."),
    ]))
    assert not indexer.build(tmp_path / "ix", [folder]).failed
    return tmp_path / "ix"


def titles(result) -> set[str]:
    return {h.title for h in result.hits}


def test_a_phrase_of_common_words_needs_them_in_order_and_adjacent(index):
    with search.open(index) as ix:
        assert titles(ix.search('"status for kommunen"')) == {"Status for kommunen", "Budget"}
        assert titles(ix.search('"kommunens status"')) == {"Kommunens status"}
        assert ix.search("status kommunen").total == 4  # the words anywhere


def test_a_word_listed_twice_at_one_position_does_not_make_a_phrase(index):
    # "Tvangs- og genindlæggelser" indexes the modifier's full forms at its position; one of them
    # twice. A phrase with it and a word of the item that does not follow it matches nothing.
    with search.open(index) as ix:
        assert ix.search('"drøftet tvangsg"').total == 0
        assert titles(ix.search('"tvangs genindlæggelser"')) == {"Indlæggelser"}
