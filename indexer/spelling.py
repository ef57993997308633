"""The words "did you mean" suggestions come from: every distinct unstemmed word indexed, with the
number of meetings it was seen in, kept in a file beside the index.

The file belongs to one index generation (its first line says which). A run subtracts the words of the
meetings it replaces and adds those of the meetings it writes, both taken from the same documents, so
re-indexing a file leaves the counts as they were (indexer.side_files). The next generation's file is
written before the commit as a pending copy and published after it; only when neither is the current
generation's (damaged, deleted) is it derived again from the stored items.

Beside it, written with it from the same counts, the OCR keys of its words with æ/ø/å (`ocr_keys_of`):
a suggestion is never the scanned misreading of an indexed word (search.expand), and a search process
reads the few thousand keys instead of deriving them from every word.
"""
from __future__ import annotations

import bisect
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from .analysis import ocr_key, words_of
from .schema import unpack_sections
from .store import STAMP, parse_counts, read_stamped, write_stamped

SPELLING_FILE = "spelling.txt"
PENDING_FILE = "spelling-next.txt"  # the next generation's, written before its commit, published after it
MIN_LENGTH = 4
END = "#words\t"  # the last line: the number of words, so a truncated file is known as such
OCR_FILE = "ocr-keys.txt"  # the OCR keys of the spelling list's words with æ/ø/å, stamped as it is
OCR_PENDING_FILE = "ocr-keys-next.txt"
OCR_END = "#keys\t"
_DANISH_LETTER = re.compile("[æøå]")


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
    rows = read_stamped(path, f"{STAMP}{generation}", END)
    counts = None if rows is None else parse_counts(rows)
    return None if counts is None else Counter(counts)


def save(index_dir: str | os.PathLike, generation: int, counts: Counter, pending: bool = False) -> None:
    """The counts of `generation` and their OCR keys: published, or (`pending`, before its commit) to be
    published after it. The keys first: a reader that finds the new list finds its keys (or, between the
    two, keys of another generation, which it does not use)."""
    save_keys(index_dir, generation, counts, pending)
    rows = [f"{w}\t{n}\n" for w, n in sorted(counts.items()) if n > 0]
    write_stamped(Path(index_dir) / (PENDING_FILE if pending else SPELLING_FILE), generation, rows, END)


def ocr_keys_of(counts: Mapping[str, int]) -> frozenset[str]:
    """The OCR keys (indexer.analysis.ocr_key) of the words with æ/ø/å of a word list: a word without them
    that has one of these keys is the scanned misreading of one that has them (`pargrende`, `pårørende`)."""
    return frozenset(ocr_key(w) for w, n in counts.items() if n > 0 and _DANISH_LETTER.search(w))


def save_keys(index_dir: str | os.PathLike, generation: int, counts: Mapping[str, int], pending: bool = False) -> None:
    """The OCR keys of the counts of `generation` (`ocr_keys_of`), stamped as their spelling list is."""
    rows = [f"{key}\n" for key in sorted(ocr_keys_of(counts))]
    write_stamped(Path(index_dir) / (OCR_PENDING_FILE if pending else OCR_FILE), generation, rows, OCR_END)


def load_keys_file(path: Path, stamp: str) -> frozenset[str] | None:
    """The keys of the file whose first line is `stamp` (a generation's), or None when it is not that
    generation's or not sound (missing, truncated, damaged)."""
    keys = read_stamped(path, stamp, OCR_END)
    if keys is None or not all(keys) or any("\t" in k or k.startswith("#") for k in keys):
        return None
    return frozenset(keys)


def load_keys(index_dir: str | os.PathLike, generation: int) -> frozenset[str] | None:
    """The OCR keys of `generation` (published, or pending when a run was killed before publishing them),
    or None when neither file is that generation's (or sound)."""
    for name in (OCR_FILE, OCR_PENDING_FILE):
        keys = load_keys_file(Path(index_dir) / name, f"{STAMP}{generation}")
        if keys is not None:
            return keys
    return None


def _read(path: Path) -> tuple[dict[str, int], str | None]:
    """For suggestions: whatever sound words the file has (a damaged file gives none, never an error),
    and its first line (the generation's stamp)."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}, None
    return parse_counts([line for line in lines if not line.startswith("#")]) or {}, lines[0] if lines else None


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> tuple[list[str], dict[str, int], str | None]:
    counts, stamp = _read(Path(path))
    return sorted(counts), counts, stamp


def _loaded(index_dir: str | os.PathLike) -> tuple[list[str], dict[str, int], str | None]:
    path = Path(index_dir) / SPELLING_FILE
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return [], {}, None
    return _load(str(path), mtime)


def words(index_dir: str | os.PathLike) -> tuple[list[str], dict[str, int]]:
    """(sorted words, meetings per word); cached until the file changes."""
    wordlist, counts, _ = _loaded(index_dir)
    return wordlist, counts


def ocr_keys(index_dir: str | os.PathLike) -> frozenset[str]:
    """The OCR keys of the words `words` gives: from the file written with them when it is theirs (the same
    generation's stamp), else derived from them (an index written before the file was, a damaged one);
    cached until either file changes."""
    _, counts, stamp = _loaded(index_dir)
    path = Path(index_dir) / OCR_FILE
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = None
    return _keys(str(path), mtime, stamp, id(counts), counts)


_KEYS: dict[tuple, frozenset[str]] = {}


def _keys(path: str, mtime: float | None, stamp: str | None, counts_id: int, counts: dict[str, int]) -> frozenset[str]:
    """`ocr_keys`, remembered for the one newest (file, its stamp, word list)."""
    key = (path, mtime, stamp, counts_id)
    found = _KEYS.get(key)
    if found is None:
        found = (load_keys_file(Path(path), stamp) if mtime is not None and stamp is not None else None)
        if found is None:
            found = ocr_keys_of(counts)
        _KEYS.clear()
        _KEYS[key] = found
    return found


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
