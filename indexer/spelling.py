"""The words "did you mean" suggestions come from: every distinct unstemmed word indexed, with the
number of meetings it was seen in, kept in a file beside the index.

Words are only ever added (a reindex does not know which words a deleted file had); a suggestion is
used only when its stem is still in the index, so a stale word is never offered.
"""
from __future__ import annotations

import os
from collections import Counter
from functools import lru_cache
from pathlib import Path

from corpus import Meeting

from .analysis import TOKEN_RE
from .store import write_atomic

SPELLING_FILE = "spelling.txt"
MIN_LENGTH = 4


def meeting_words(meeting: Meeting) -> set[str]:
    words: set[str] = set()
    for item in meeting.items:
        words.update(TOKEN_RE.findall((item.title + " " + item.body).lower()))
    return {w for w in words if len(w) >= MIN_LENGTH and not w[0].isdigit()}


def add_words(index_dir: str | os.PathLike, counts: Counter) -> None:
    """Merge `counts` into the file (written to a temporary file and renamed)."""
    if not counts:
        return
    target = Path(index_dir) / SPELLING_FILE
    merged = Counter(_read(target))
    merged.update(counts)
    write_atomic(target, "".join(f"{w}\t{n}\n" for w, n in sorted(merged.items())))


def _read(path: Path) -> dict[str, int]:
    try:
        text = path.read_text("utf-8")
    except OSError:
        return {}
    rows = (line.split("\t") for line in text.splitlines() if "\t" in line)
    return {w: int(n) for w, n in rows}


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> tuple[list[str], dict[str, int]]:
    counts = _read(Path(path))
    return sorted(counts), counts


def words(index_dir: str | os.PathLike) -> tuple[list[str], dict[str, int]]:
    """(sorted words, meetings per word); cached until the file changes."""
    path = Path(index_dir) / SPELLING_FILE
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return [], {}
    return _load(str(path), mtime)


def near(word: str, wordlist: list[str], distance: int) -> list[str]:
    """Words of the sorted `wordlist` within `distance` edits of `word` (same first letter)."""
    from whoosh.automata.fsa import find_all_matches
    from whoosh.automata.lev import levenshtein_automaton
    from whoosh.spelling import ListCorrector

    if not wordlist:
        return []
    dfa = levenshtein_automaton(word, distance, prefix=1).to_dfa()
    return list(find_all_matches(dfa, ListCorrector.Skipper(wordlist)))
