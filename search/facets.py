"""Filters and counts for the facets of indexer.facets: how each kind of facet turns a user's values
into a filter (a search.tree node), and how the facet counts of a result set are made."""
from __future__ import annotations

import re

from indexer.facets import BY_NAME, FACETS, Facet
from indexer.schema import SECTION_FIELDS

from .names import UnknownName, resolve
from .query import QueryError, analyse
from .tree import Node, Or, Phrase, Range, Term

COUNTED = tuple(f for f in FACETS if f.counted)
# Counted by a column each: exact values and years. Sections are counted from what matched.
COLUMN_COUNTED = tuple(f for f in COUNTED if f.kind in ("name", "year"))
SECTION_ALIASES = {"det indstilles": "indstilling", "beskrivelse af sagen": "sagsfremstilling"}


def parse_years(value: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d{4})\s*(?:(?:-|–|\.\.)\s*(\d{4}))?\s*", str(value or ""))
    if not m:
        raise QueryError(f"invalid year '{value}': use YYYY or a range YYYY-YYYY", "bad_year", value=value)
    start, end = int(m[1]), int(m[2] or m[1])
    if start > end:
        raise QueryError(f"invalid year range '{value}': the first year is after the second", "bad_year_range",
                         value=value)
    return start, end


def section_name(value: str) -> str:
    """The canonical section a user means: its name or one of its labels (corpus.labels)."""
    from corpus.labels import match_label

    name = " ".join(str(value).strip().lower().split())
    if name in SECTION_FIELDS:
        return name
    label = match_label(name)
    if label and not label[1]:
        return label[0]
    raise QueryError(f"unknown section '{value}'; one of {', '.join(SECTION_FIELDS)}", "unknown_section", value=value,
                     known=", ".join(SECTION_FIELDS))


def _text_filter(facet: Facet, value: str, settings: dict | None = None) -> Node:
    words = analyse([facet.field], value, settings)[facet.field]
    if not words:
        raise QueryError(f"nothing to look for in {facet.name} '{value}'", "nothing_in_value", facet=facet.name,
                         value=value)
    return Term(facet.field, words[0]) if len(words) == 1 else Phrase(facet.field, tuple(words))


def resolve_names(facet: Facet, wanted: list[str], known, registry_file: str | None) -> list[str]:
    """The exact values a user's forgiving names mean, among `known` and the facet's candidates."""
    candidates = sorted(set(known) | set(facet.candidates(registry_file)))
    try:
        return [resolve(facet.name.replace("_", " "), v, candidates) for v in wanted]
    except UnknownName as exc:
        raise QueryError(str(exc), "ambiguous_name" if exc.candidates else "unknown_name", facet=facet.name,
                         value=exc.value, candidates=", ".join(exc.candidates)) from None


def build_filters(values: dict[str, list[str]], known, registry_file: str | None,
                  settings: dict | None = None) -> list[Node]:
    """One filter per facet given (its values or'ed; facets and'ed). `known(field)` lists the
    values the index holds for a field; `settings` say how the index analyses text values (search.query.analyse)."""
    filters: list[Node] = []
    for name, wanted in values.items():
        if not wanted:
            continue
        facet = BY_NAME[name]
        if facet.kind == "name":
            resolved = resolve_names(facet, wanted, known(facet.field), registry_file)
            filters.append(Or(tuple(Term(facet.field, v) for v in resolved)))
        elif facet.kind == "year":
            ranges = [parse_years(v) for v in wanted]
            filters.append(Or(tuple(Range(facet.field, lo, hi) for lo, hi in ranges)))
        elif facet.kind == "text":
            filters.append(Or(tuple(_text_filter(facet, v, settings) for v in wanted)))
    return filters


def counts(count, matched_sections: dict[str, int] | None) -> dict[str, dict[str, int]]:
    """Counts per facet value over the whole result set, in the table's order; `count(field)` gives
    {value: items} for a column-stored field.

    `matched_sections` are the per-section counts of items whose query words matched there; without
    words to match (a listing), the sections the items have are counted.
    """
    out: dict[str, dict[str, int]] = {}
    for facet in COUNTED:
        if facet.kind == "section":
            out[facet.name] = _sorted_counts(matched_sections if matched_sections is not None
                                             else _sections_present(count("section_mask")))
        else:
            out[facet.name] = _sorted_counts(count(facet.field))
    return out


def _sorted_counts(counts: dict) -> dict[str, int]:
    clean = {str(k): v for k, v in counts.items() if k not in (None, "", b"") and v}
    return dict(sorted(clean.items(), key=lambda kv: (-kv[1], kv[0])))


def _sections_present(by_mask: dict[str, int]) -> dict[str, int]:
    """Per-section counts from the counts of each combination of sections (the section_mask column)."""
    present: dict[str, int] = {}
    for mask, n in by_mask.items():
        for name, bit in zip(SECTION_FIELDS, mask, strict=False):
            if bit == "1":
                present[name] = present.get(name, 0) + n
    return present


def stored_facets(stored: dict) -> dict[str, object]:
    """An item's facet values by facet name, from its stored fields."""
    return {f.name: stored.get(f.field) for f in FACETS if f.kind in ("name", "year")}
