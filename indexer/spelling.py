"""The words "did you mean" suggestions come from: every distinct unstemmed word indexed, with the
number of meetings it was seen in, kept in a file beside the index.

The file belongs to one index generation (its first line says which). A run subtracts the words of the
meetings it replaces and adds those of the meetings it writes, both taken from the same documents, so
re-indexing a file leaves the counts as they were; when the file is missing, damaged or of another
generation (a run was killed before writing it), it is derived again from the stored items.
"""
from __future__ import annotations

import bisect
import os
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from .analysis import TOKEN_RE
from .schema import unpack_sections
from .store import write_atomic

SPELLING_FILE = "spelling.txt"
MIN_LENGTH = 4
STAMP = "#generation\t"
END = "#words\t"  # the last line: the number of words, so a truncated file is known as such


def document_words(docs: Iterable[dict]) -> set[str]:
    """The words of a meeting's documents (new ones or stored ones: the same fields)."""
    words: set[str] = set()
    for doc in docs:
        text = " ".join([doc.get("title") or "", *unpack_sections(doc.get("content")).values()])
        words.update(TOKEN_RE.findall(text.lower()))
    return {w for w in words if len(w) >= MIN_LENGTH and not w[0].isdigit()}


def derive(reader) -> Counter:
    """Meetings per word, from every stored item of the index."""
    meetings: dict[str, list[dict]] = {}
    for doc in reader.all_stored_fields():
        meetings.setdefault(doc.get("meeting") or doc.get("path") or doc.get("id"), []).append(doc)
    counts: Counter = Counter()
    for docs in meetings.values():
        counts.update(document_words(docs))
    return counts


def load_counts(index_dir: str | os.PathLike, generation: int) -> Counter | None:
    """The counts of `generation`, or None when the file is not that generation's (or is damaged)."""
    try:
        lines = (Path(index_dir) / SPELLING_FILE).read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if len(lines) < 2 or lines[0] != f"{STAMP}{generation}" or lines[-1] != f"{END}{len(lines) - 2}":
        return None
    counts = _parse(lines[1:-1])
    return None if counts is None else Counter(counts)


def save(index_dir: str | os.PathLike, generation: int, counts: Counter) -> None:
    rows = [f"{w}\t{n}\n" for w, n in sorted(counts.items()) if n > 0]
    write_atomic(Path(index_dir) / SPELLING_FILE, f"{STAMP}{generation}\n{''.join(rows)}{END}{len(rows)}\n")


def _parse(lines: list[str]) -> dict[str, int] | None:
    counts = {}
    for line in lines:
        word, _, number = line.partition("\t")
        if not word or not number.isdigit():
            return None
        counts[word] = int(number)
    return counts


def _read(path: Path) -> dict[str, int]:
    """For suggestions: whatever sound words the file has (a damaged file gives none, never an error)."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    return _parse([line for line in lines if not line.startswith("#")]) or {}


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


def near(word: str, wordlist: list[str], distance: int) -> dict[str, int]:
    """Words of the sorted `wordlist` within `distance` edits (Levenshtein) of `word` that begin with its
    first letter, each with its distance: rapidfuzz measures the words of that letter, some 40x faster
    than building a Levenshtein automaton per query word."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    if not wordlist or not word:
        return {}
    first = bisect.bisect_left(wordlist, word[0])
    end = bisect.bisect_left(wordlist, word[0] + "\U0010ffff", first)
    found = process.extract(word, wordlist[first:end], scorer=Levenshtein.distance, score_cutoff=distance,
                            limit=None)
    return {candidate: int(edits) for candidate, edits, _ in found}
