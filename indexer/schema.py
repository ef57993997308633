"""The one Whoosh schema: one document per agenda item."""
from __future__ import annotations

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import danish_analyzer, exact_analyzer

# Sections searched on their own with --section, in the order they are shown.
SECTION_FIELDS = ("tekst", "indstilling", "sagsfremstilling", "referat", "beslutning", "bilag")
# Facet fields: exact values, column-stored so that grouping and sorting are cheap.
FACET_FIELDS = ("cluster", "region", "forum")


def build_schema() -> Schema:
    analyzer = danish_analyzer()
    fields = dict(
        id=ID(stored=True, unique=True),
        path=ID(stored=True),
        content_hash=ID(stored=True),
        digest=ID(stored=True),
        position=NUMERIC(int, stored=True, sortable=True),
        number=ID(stored=True),
        title=TEXT(analyzer=analyzer, stored=True, phrase=True),
        time=STORED(),
        presenter=STORED(),
        cluster=ID(stored=True, sortable=True),
        region=ID(stored=True, sortable=True),
        forum=ID(stored=True, sortable=True),
        date=ID(stored=True, sortable=True),
        year=NUMERIC(int, stored=True, sortable=True),
        sections=KEYWORD(stored=True, commas=True, scorable=False),
        case_numbers=KEYWORD(stored=True, commas=True, lowercase=True),
        participants=TEXT(analyzer=analyzer),
        exact=TEXT(analyzer=exact_analyzer(), phrase=True),
        content=STORED(),
    )
    for name in SECTION_FIELDS:
        fields[name] = TEXT(analyzer=analyzer, phrase=True)
    return Schema(**fields)
