"""Danish compounds, split with a lexicon derived from the index's own vocabulary.

A stemmed term such as `samarbejdsaftal` is a compound when it is two indexed terms glued together,
directly or with a linking -s- or -e- (`samarbejd` + s + `aftal`). The map from each part to the
compounds it appears in lets a search for `aftale` also find `samarbejdsaftale` (ranked lower), and
`split()` lets a search for a compound also find its parts written apart.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from .schema import SECTION_FIELDS
from .store import write_atomic

COMPOUND_FILE = "compounds-{generation}.json"
TEXT_FIELDS = ("title", *SECTION_FIELDS)
MIN_PART = 4
MAX_PER_PART = 40


def splits(term: str, vocabulary, depth: int = 1) -> list[tuple[str, str]]:
    """Every way `term` is modifier (+ s/e) + head, the modifier an indexed term and the head one too,
    or (one level down) itself such a compound: plejehjem + s + lægeordning (læge + ordning)."""
    found = []
    for i in range(MIN_PART, len(term) - MIN_PART + 1):
        modifier, rest = term[:i], term[i:]
        if modifier not in vocabulary:
            continue
        for head in (rest, rest[1:] if rest[0] in "se" else None):
            if head and len(head) >= MIN_PART and (
                head in vocabulary or (depth > 0 and len(head) >= 2 * MIN_PART and splits(head, vocabulary, 0))
            ):
                found.append((modifier, head))
    return found


def build_map(vocabulary, frequency=lambda term: 0) -> dict[str, list[str]]:
    """Part -> compounds containing it, most frequent first; `frequency` is asked only for compounds."""
    parts: dict[str, list[str]] = {}
    for term in vocabulary:
        if len(term) < 2 * MIN_PART:
            continue
        for modifier, head in splits(term, vocabulary):
            for part in (modifier, head):
                parts.setdefault(part, []).append(term)
    counts = {t: frequency(t) for terms in parts.values() for t in terms}
    return {part: sorted(set(terms), key=lambda t: (-counts[t], t))[:MAX_PER_PART] for part, terms in parts.items()}


def vocabulary_of(reader, fields: Iterable[str] = TEXT_FIELDS) -> set[str]:
    """Every term of the text fields (term lists only: reading term statistics here costs seconds)."""
    vocab: set[str] = set()
    for fieldname in fields:
        if fieldname in reader.schema:
            vocab.update(t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.lexicon(fieldname))
    return vocab


def _map_of(reader) -> dict[str, list[str]]:
    fields = [f for f in TEXT_FIELDS if f in reader.schema]
    return build_map(vocabulary_of(reader, fields), lambda term: sum(reader.doc_frequency(f, term) for f in fields))


def _generation(ix, reader) -> int:
    """The generation `reader` reads: an index without segments (nothing indexed yet) reads through
    Whoosh's EmptyReader, which knows none, so the table of contents tells it."""
    generation = reader.generation()
    return ix.latest_generation() if generation is None else generation


def _path(index_dir, generation: int) -> Path:
    return Path(index_dir) / COMPOUND_FILE.format(generation=generation)


def save_map(ix, index_dir: str | os.PathLike) -> None:
    """Written once per index generation, after its commit; the two newest are kept."""
    with ix.reader() as reader:
        generation = _generation(ix, reader)
        write_atomic(_path(index_dir, generation), json.dumps(_map_of(reader), ensure_ascii=False))
    for old in Path(index_dir).glob(COMPOUND_FILE.format(generation="*")):
        number = old.name.split("-")[-1].split(".")[0]
        if number.isdigit() and int(number) < generation - 1:
            old.unlink(missing_ok=True)


def is_sound(index_dir: str | os.PathLike, generation: int) -> bool:
    """Whether the map of `generation` is there and reads as a map."""
    try:
        data = json.loads(_path(index_dir, generation).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict)


def load_map(index_dir: str | os.PathLike, reader) -> dict[str, list[str]]:
    """The map of exactly the generation `reader` reads, so that a search running while a commit
    lands never pairs one generation's items with another's compounds. A reader that comes before
    its generation's file is written builds the map itself (the same result, a little later)."""
    try:
        data = json.loads(_path(index_dir, reader.generation()).read_text("utf-8"))
        if isinstance(data, dict):
            return data
    except (OSError, ValueError):
        pass
    return _map_of(reader)
