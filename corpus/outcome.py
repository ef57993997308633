"""What was decided on an item, normalised from its Beslutning (or Referat) text.

The phrases of each outcome are data (data/outcomes.json): every form of the verbs (`udsætte`, `udsat`,
`udsættes`), with OCR spellings of æ/ø/å derived here, since decisions are what people look for in old
scanned minutes. A decision wins over an orientation, and both over what only says the item was
dealt with, anywhere in the text (`drøftede ... og besluttede at udsætte sagens behandling` is
postponed); among outcomes of one rank, the first named.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

_LETTERS = {"æ": "(?:æ|ae|z|ee)", "ø": "(?:ø|oe|g|@|o)", "å": "(?:å|aa|a|&)"}
_GAP = r"(?:\s+\S+){0,6}?\s+"


def _phrase_pattern(phrase: str) -> str:
    """`besluttede … at udsætte` as a regular expression (any whitespace, OCR letters); the caller asks
    for whole words around the alternation of all phrases, once."""
    start = phrase.startswith("^")
    end = phrase.endswith("$")
    words = phrase.strip("^$").split()
    parts: list[str] = []
    for word in words:
        if word == "…":
            parts.append(_GAP)
            continue
        if parts and parts[-1] != _GAP:
            parts.append(r"\s+")
        parts.append("".join(_LETTERS.get(ch, re.escape(ch)) for ch in word.lower()))
    body = "".join(parts)
    return (r"^\s*" if start else "") + body + (r"\.?\s*$" if end else "")


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[str, int, str], ...]:
    data = json.loads(resources.files("corpus").joinpath("data/outcomes.json").read_text("utf-8"))
    return tuple((o["name"], int(o["rank"]), "|".join(_phrase_pattern(p) for p in o["phrases"]))
                 for o in data["outcomes"])


# (outcome, pattern) in the table's order; the facet's list of outcomes derives from it.
OUTCOMES: tuple[tuple[str, str], ...] = tuple((name, pattern) for name, _, pattern in _table())


@lru_cache(maxsize=1)
def _by_rank() -> tuple[re.Pattern, ...]:
    """One pattern per rank, strongest first: the first rank that matches anywhere decides (compiled at
    the first use: a search imports the table, never the patterns)."""
    return tuple(
        re.compile(r"(?<![\wæøå])(?:" + "|".join(f"(?P<o{n}>{p})" for n, (_, r, p) in enumerate(_table()) if r == rank)
                   + r")(?![\wæøå])", re.IGNORECASE | re.MULTILINE)
        for rank in sorted({r for _, r, _ in _table()})
    )


def outcome_of(text: str) -> str | None:
    """The outcome a decision's text states, or None."""
    for pattern in _by_rank():
        match = pattern.search(text)
        if match and match.lastgroup:  # every alternative is a named group
            return OUTCOMES[int(match.lastgroup[1:])][0]
    return None


def find_outcome(sections: dict[str, str]) -> str | None:
    for name in ("beslutning", "referat"):
        text = sections.get(name)
        if text:
            found = outcome_of(text)
            if found:
                return found
    return None
