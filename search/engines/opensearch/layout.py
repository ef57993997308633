"""Where an item's fields live in an OpenSearch document of referat's index.

The document's `_source` is the item's stored fields as indexer.build makes them (what a hit shows),
and beside them one object, `q`, holds what is searched: each field of indexer.schema under its own
name, text fields as the Python-analysed terms separated by spaces (a whitespace analyzer reads them),
the others as keywords or numbers. Keeping the searched copy apart lets a field be stored as written
(a title) and searched as terms, or stored as one string (case numbers "a,b") and searched as a list.
"""
from __future__ import annotations

from indexer.facets import FACETS
from indexer.schema import ATTACHMENT_FIELD, SECTION_FIELDS

SEARCHED = "q"  # the object of searched fields
TEXT_FIELDS = ("title", *SECTION_FIELDS, "participants", ATTACHMENT_FIELD, "ocr", "exact")
NUMBER_FIELDS = tuple(f.field for f in FACETS if f.kind == "year")
KEYWORD_FIELDS = ("id", "path", "order", "date", "section_mask", "case_numbers", "meeting", "case",
                  *(f.field for f in FACETS if f.kind == "name"))
SIMILARITY = "referat_bm25"
BM25_K1, BM25_B = 1.2, 0.75  # Whoosh's BM25F defaults (search.engine.RANKING)
META_GENERATION = "generation"  # the index mapping's _meta entry: the newest committed generation


def searched(field: str) -> str:
    """The document path of a field as searched (`title` -> `q.title`)."""
    return f"{SEARCHED}.{field}"


def is_text(field: str) -> bool:
    return field in TEXT_FIELDS
