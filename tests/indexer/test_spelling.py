"""indexer.spelling.near: the words a suggestion may come from, measured as a Levenshtein distance."""
from __future__ import annotations

import random

import pytest

from indexer.spelling import near


def _levenshtein(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[len(b)]


WORDS = sorted({"sundhedsaftale", "sundhedsaftalen", "sundhedsklynge", "sundhedsråd", "sygehus", "sygepleje",
                "pårørende", "praksis", "praktiserende", "psykiatri", "genoptræning", "godkendt", "godkendte",
                "borger", "borgere", "børn", "byråd", "ørvigt", "øvrigt", "æblet", "akut", "akutte", "aftale"})


def _mutations(rng: random.Random, word: str) -> str:
    letters = list(word)
    for _ in range(rng.randint(0, 3)):
        at = rng.randrange(1, len(letters)) if len(letters) > 1 else 0
        kind = rng.choice(("insert", "delete", "replace"))
        if kind == "insert":
            letters.insert(at, rng.choice("aegnrsæøå"))
        elif kind == "delete" and len(letters) > 2:
            del letters[at]
        else:
            letters[at] = rng.choice("aegnrsæøå")
    return "".join(letters)


@pytest.mark.parametrize("distance", [1, 2])
def test_near_finds_exactly_the_words_of_the_same_first_letter_within_the_distance(distance):
    rng = random.Random(distance)
    for word in [_mutations(rng, rng.choice(WORDS)) for _ in range(400)] + ["sygeus", "øvrigt", "x", "å"]:
        expected = {w: _levenshtein(word, w) for w in WORDS
                    if w[0] == word[0] and _levenshtein(word, w) <= distance}
        assert near(word, WORDS, distance) == expected, word


def test_near_of_an_empty_word_or_list_is_nothing():
    assert near("", WORDS, 2) == {}
    assert near("sygehus", [], 2) == {}
