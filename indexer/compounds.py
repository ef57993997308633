"""Danish compounds, split with a lexicon derived from the index's own vocabulary.

A stemmed term such as `samarbejdsaftal` is a compound when it is two indexed terms glued together,
directly or with a linking -s- or -e- (`samarbejd` + s + `aftal`). The map from each part to the
compounds it appears in lets a search for `aftale` also find `samarbejdsaftale` (ranked lower), and
`split()` lets a search for a compound also find its parts written apart.

The lexicon is made from the term counts of the text fields (in how many items' fields each term is),
kept in terms-N.txt beside compounds-N.json: a run adds the terms of the items it writes and subtracts
those of the items it deletes, each analysed as the writer analyses them (indexer.side_files), so no
run reads the index's term lists or every stored item. Both files are written before the commit of
generation N; only when one is missing or damaged are the counts derived again from every stored item.
"""
from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from .schema import SECTION_FIELDS, unpack_sections
from .store import STAMP, parse_counts, read_stamped, write_atomic, write_stamped

COMPOUND_FILE = "compounds-{generation}.json"
TERMS_FILE = "terms-{generation}.txt"
END = "#terms\t"  # the last line: the number of terms, so a truncated file is known as such
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


def analyzers_of(settings: Mapping | None = None) -> dict:
    """Field -> analysis of the text fields the lexicon is made from, as the index analyses them
    (`settings`: the engine's analysis_settings, parts of the Danish analysis switched off)."""
    from .analysis import analysis
    from .schema import BY_FIELD

    return {name: analysis(BY_FIELD[name].analysis or "text", **(settings or {})) for name in TEXT_FIELDS}


def count_terms(documents: Iterable[Mapping], analyzers: Mapping, counts: Counter | None = None) -> Counter:
    """The term counts of `documents` (added to `counts`): each term of an item's text fields, once per
    field it is in, analysed as the writer analyses it. The same for items about to be written and for
    stored ones (their sections are kept in `content`)."""
    counts = Counter() if counts is None else counts
    for doc in documents:
        sections = unpack_sections(doc.get("content"))
        for name, analyzer in analyzers.items():
            value = doc.get("title") if name == "title" else sections.get(name)
            if value:
                counts.update(analyzer.positions(value).keys())
    return counts


def map_of_counts(counts: Mapping[str, int]) -> dict[str, list[str]]:
    """The lexicon of the terms that some item has, most frequent compounds first."""
    return build_map({t for t, n in counts.items() if n > 0}, lambda term: counts[term])


def _path(index_dir, generation: int) -> Path:
    return Path(index_dir) / COMPOUND_FILE.format(generation=generation)


def _terms_path(index_dir, generation: int) -> Path:
    return Path(index_dir) / TERMS_FILE.format(generation=generation)


def save(index_dir: str | os.PathLike, generation: int, counts: Counter) -> None:
    """The term counts and the lexicon of `generation` (before its commit); those of generations before
    the current one (`generation` - 1) are removed."""
    rows = [f"{t}\t{n}\n" for t, n in sorted(counts.items()) if n > 0]
    write_stamped(_terms_path(index_dir, generation), generation, rows, END)
    write_atomic(_path(index_dir, generation), json.dumps(map_of_counts(counts), ensure_ascii=False, sort_keys=True))
    for pattern in (COMPOUND_FILE, TERMS_FILE):
        for old in Path(index_dir).glob(pattern.format(generation="*")):
            number = old.name.split("-")[-1].split(".")[0]
            if number.isdigit() and int(number) < generation - 1:
                old.unlink(missing_ok=True)


def load_counts(index_dir: str | os.PathLike, generation: int) -> Counter | None:
    """The term counts of `generation`, or None when its file is missing or damaged."""
    rows = read_stamped(_terms_path(index_dir, generation), f"{STAMP}{generation}", END)
    counts = None if rows is None else parse_counts(rows)
    return None if counts is None else Counter(counts)


def derive_counts(engine) -> Counter:
    """The term counts of every stored item of `engine` (an indexer.engine.WriteEngine): only when the
    file of its generation is missing or damaged."""
    return count_terms(engine.all_documents(), analyzers_of(engine.analysis_settings()))


def save_map(engine, index_dir: str | os.PathLike) -> None:
    """Derive the counts and the lexicon of the current generation again from every stored item (a file
    missing or damaged: `referat check --repair`, or the next run)."""
    save(index_dir, engine.generation(), derive_counts(engine))


def is_sound(index_dir: str | os.PathLike, generation: int) -> bool:
    """Whether the map and the term counts of `generation` are there and read as such."""
    try:
        data = json.loads(_path(index_dir, generation).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and load_counts(index_dir, generation) is not None


def load_map(engine, index_dir: str | os.PathLike, generation: int | None = None) -> dict[str, list[str]]:
    """The map of exactly `generation` (the one `engine` is at, by default), so that a search running while a
    commit lands never pairs one generation's items with another's compounds. Before its generation's file is
    written (or when it is damaged) the map is made from every stored item (the same result, later)."""
    try:
        data = json.loads(_path(index_dir, engine.generation() if generation is None else generation)
                          .read_text("utf-8"))
        if isinstance(data, dict):
            return data
    except (OSError, ValueError):
        pass
    return map_of_counts(derive_counts(engine))
