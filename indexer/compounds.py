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


def build_map(vocabulary: dict[str, int]) -> dict[str, list[str]]:
    """Part -> compounds containing it, most frequent first (terms with their document frequencies)."""
    parts: dict[str, list[str]] = {}
    for term in vocabulary:
        if len(term) < 2 * MIN_PART:
            continue
        for modifier, head in splits(term, vocabulary):
            for part in (modifier, head):
                parts.setdefault(part, []).append(term)
    return {part: sorted(set(terms), key=lambda t: -vocabulary[t])[:MAX_PER_PART] for part, terms in parts.items()}


def vocabulary_of(reader, fields: Iterable[str] = TEXT_FIELDS) -> dict[str, int]:
    vocab: dict[str, int] = {}
    for fieldname in fields:
        if fieldname not in reader.schema:
            continue
        for text, info in reader.iter_field(fieldname):
            term = text.decode("utf-8") if isinstance(text, bytes) else text
            vocab[term] = vocab.get(term, 0) + info.doc_frequency()
    return vocab


def save_map(ix, index_dir: str | os.PathLike) -> None:
    with ix.reader() as reader:
        parts = build_map(vocabulary_of(reader))
    target = Path(index_dir) / COMPOUND_FILE
    tmp = target.with_name(COMPOUND_FILE + ".tmp")
    tmp.write_text(json.dumps({"generation": ix.latest_generation(), "parts": parts}, ensure_ascii=False), "utf-8")
    os.replace(tmp, target)


def load_map(index_dir: str | os.PathLike) -> dict[str, list[str]]:
    try:
        return json.loads((Path(index_dir) / COMPOUND_FILE).read_text("utf-8"))["parts"]
    except (OSError, ValueError, KeyError):
        return {}
