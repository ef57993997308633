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

COMPOUND_FILE = "compounds.json"
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


def save_map(ix, index_dir: str | os.PathLike) -> None:
    with ix.reader() as reader:
        fields = [f for f in TEXT_FIELDS if f in reader.schema]
        parts = build_map(vocabulary_of(reader, fields),
                          lambda term: sum(reader.doc_frequency(f, term) for f in fields))
    target = Path(index_dir) / COMPOUND_FILE
    tmp = target.with_name(COMPOUND_FILE + ".tmp")
    tmp.write_text(json.dumps({"generation": ix.latest_generation(), "parts": parts}, ensure_ascii=False), "utf-8")
    os.replace(tmp, target)


def load_map(index_dir: str | os.PathLike) -> dict[str, list[str]]:
    try:
        return json.loads((Path(index_dir) / COMPOUND_FILE).read_text("utf-8"))["parts"]
    except (OSError, ValueError, KeyError):
        return {}
