"""The words "did you mean" suggestions come from: every distinct unstemmed word indexed, with the
number of meetings it was seen in, kept in a file beside the index.

The file belongs to one index generation (its first line says which). A run subtracts the words of the
meetings it replaces and adds those of the meetings it writes, both taken from the same documents, so
re-indexing a file leaves the counts as they were (indexer.side_files). The next generation's file is
written before the commit as a pending copy and published after it; only when neither is the current
generation's (damaged, deleted) is it derived again from the stored items.
"""
from __future__ import annotations

import bisect
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from .analysis import words_of
from .schema import unpack_sections
from .store import write_atomic

SPELLING_FILE = "spelling.txt"
PENDING_FILE = "spelling-next.txt"  # the next generation's, written before its commit, published after it
MIN_LENGTH = 4
STAMP = "#generation\t"
END = "#words\t"  # the last line: the number of words, so a truncated file is known as such


def document_words(docs: Iterable[Mapping]) -> set[str]:
    """The words of a meeting's documents (new ones or stored ones: the same fields)."""
    words: set[str] = set()
    for doc in docs:
        words.update(words_of(" ".join(texts_of(doc))))
    return kept_words(words)


def texts_of(doc: Mapping) -> list[str]:
    """The texts of a document whose words the list counts: its title and sections."""
    return [doc.get("title") or "", *unpack_sections(doc.get("content")).values()]


def kept_words(words: set[str]) -> set[str]:
    """The words the list keeps (no short ones, none that begins with a digit)."""
    return {w for w in words if len(w) >= MIN_LENGTH and not w[0].isdigit()}


def meeting_key(doc: Mapping) -> str | None:
    """What a document's words are counted once for."""
    return doc.get("meeting") or doc.get("path") or doc.get("id")


def counts_of(documents: Iterable[dict]) -> Counter:
    """Meetings per word, from stored items (every item of the index, when a file must be derived again)."""
    meetings: dict[str | None, list[dict]] = {}
    for doc in documents:
        meetings.setdefault(meeting_key(doc), []).append(doc)
    counts: Counter = Counter()
    for docs in meetings.values():
        counts.update(document_words(docs))
    return counts


def derive(engine) -> Counter:
    """Meetings per word, from every stored item of `engine` (an indexer.engine.WriteEngine): `referat
    check`, or a file that is missing or damaged."""
    return counts_of(engine.all_documents())


def load_counts(index_dir: str | os.PathLike, generation: int) -> Counter | None:
    """The counts of `generation` (published, or pending when a run was killed before publishing them),
    or None when neither file is that generation's (or sound)."""
    for name in (SPELLING_FILE, PENDING_FILE):
        counts = load_file(Path(index_dir) / name, generation)
        if counts is not None:
            return counts
    return None


def load_file(path: Path, generation: int) -> Counter | None:
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if len(lines) < 2 or lines[0] != f"{STAMP}{generation}" or lines[-1] != f"{END}{len(lines) - 2}":
        return None
    counts = _parse(lines[1:-1])
    return None if counts is None else Counter(counts)


def save(index_dir: str | os.PathLike, generation: int, counts: Counter, pending: bool = False) -> None:
    """The counts of `generation`: published, or (`pending`, before its commit) to be published after it."""
    rows = [f"{w}\t{n}\n" for w, n in sorted(counts.items()) if n > 0]
    write_atomic(Path(index_dir) / (PENDING_FILE if pending else SPELLING_FILE),
                 f"{STAMP}{generation}\n{''.join(rows)}{END}{len(rows)}\n")



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
