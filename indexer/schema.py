"""The fields of an item, declared once for every engine: one document per agenda item.

Each piece of text is indexed once: the title and every section in a field of its own (searched
together, or one alone with --section), nothing in a second all-text or unstemmed copy. Exact-form
search (`=godkendt`) finds candidates through the stemmed fields and checks the stored text instead.
The Whoosh engine makes its schema from FIELDS (indexer.engines.whoosh.schema), the OpenSearch engine
its mapping; `boost` is the field's ranking weight (BM25F field boost) where it is not 1.
"""
from __future__ import annotations

from dataclasses import dataclass

from corpus.model import SECTION_NAMES

from .facets import FACETS

# Sections searched on their own with --section, in the order they are shown (named by corpus).
SECTION_FIELDS = SECTION_NAMES
# Facet fields of exact values (indexer.facets), column-stored so that grouping and sorting are cheap.
FACET_FIELDS = tuple(f.field for f in FACETS if f.kind == "name")
# The fields whose indexed values an engine lists (Engine.values: facet counts, the names a filter
# resolves): the facets of exact values and of years, and which sections an item has.
VALUED_FIELDS = (*(f.field for f in FACETS if f.kind in ("name", "year")), "section_mask")
# The attachments' text: searched with everything, and as part of the `bilag` section (--in bilag).
ATTACHMENT_FIELD = "attachment"
SECTION_SCOPES = {"bilag": ("bilag", ATTACHMENT_FIELD)}  # a section whose search covers more fields
# The fields whose text as written an exact form (`=godkendt`) is looked for in, each on its own: a form in
# one of them (`beslutning:=godkendt`, `--section beslutning`) is not found in another.
FORM_SOURCES = ("title", *SECTION_FIELDS, ATTACHMENT_FIELD)
# Raised whenever fields or analysis change, or the classes an engine records in its index move; an
# index of another version is rebuilt by index/reindex.
SCHEMA_VERSION = 14

KINDS = ("id", "keyword", "text", "stored", "year")


def form_field(source: str) -> str:
    """The query language's name for the forms of one of FORM_SOURCES (`beslutning:=godkendt` is read as
    `exact_beslutning:godkendt`), and the OpenSearch field that holds them."""
    return f"exact_{source}"


@dataclass(frozen=True)
class Field:
    """One field of an item. `kind`: "id" (one exact value, searchable), "keyword" (comma-separated
    exact values), "text" (analysed words with positions, by `analysis`: indexer.analysis.KINDS),
    "stored" (kept, never searched), "year" (a number). `column`: kept per item for sorting, grouping
    and facet counts. `boost`: the ranking weight of a text field."""
    name: str
    kind: str
    stored: bool = False
    column: bool = False
    unique: bool = False
    analysis: str | None = None
    boost: float = 1.0
    holds: str = ""


def _fields() -> tuple[Field, ...]:
    fields = [
        Field("id", "id", stored=True, unique=True, holds="the item's id (indexer.meetings)"),
        Field("path", "id", stored=True, column=True, holds="the primary source's file"),
        Field("content_hash", "stored", holds="the primary source's content hash"),
        Field("digest", "stored", holds="changes when what a reader sees changes (alerts)"),
        Field("position", "stored", holds="the item's place in its primary source"),
        Field("order", "id", column=True, holds='"00007": the item\'s place in the merged agenda'),
        Field("number", "stored", holds="the printed item number"),
        Field("title", "text", stored=True, analysis="text", boost=4.0, holds="the item's title"),
        Field("time", "stored"),
        Field("presenter", "stored"),
        Field("date", "id", stored=True, column=True, holds="the meeting's date, ISO"),
        Field("sections", "stored", holds="the names of the sections the item has"),
        Field("section_mask", "id", column=True,
              holds='which sections an item has ("010110", SECTION_FIELDS order): the section facet'),
        Field("case_numbers", "keyword", stored=True, holds="the case numbers the item names"),
        Field("participants", "text", analysis="text", boost=0.1, holds="the meeting's participants"),
        Field("exact", "text", analysis="exact",
              holds="never written: gives `=word` in a query a field to parse into (search.query)"),
        Field("ocr", "text", analysis="ocr", boost=0.8,
              holds="scanned documents only: every word reduced by ocr_key (`høring` finds `hgring`)"),
        Field("content", "stored", holds="every section's text (pack_sections)"),
        Field("meeting", "id", stored=True, holds="the item's meeting (indexer.meetings)"),
        Field("sources", "stored", holds="every file the item was read from (indexer.meetings.pack_sources)"),
        Field("case", "id", stored=True, column=True, holds="the case its hits are grouped by (indexer.cases)"),
        Field("marks", "stored", holds="what the reader noted: closed, listed only, group, warnings"),
        Field(ATTACHMENT_FIELD, "text", analysis="text", boost=0.4, holds="the text of the item's bilag"),
        Field("attachments", "stored", holds="each bilag (indexer.meetings.pack_attachments)"),
    ]
    boosts = {"beslutning": 1.6, "indstilling": 1.3}
    fields += [Field(name, "text", analysis="text", boost=boosts.get(name, 1.0), holds=f"the {name} section")
               for name in SECTION_FIELDS]
    for facet in FACETS:
        if facet.kind == "name":
            fields.append(Field(facet.field, "id", stored=True, column=True, holds=f"the {facet.name} facet"))
        elif facet.kind == "year":
            fields.append(Field(facet.field, "year", stored=True, column=True, holds=f"the {facet.name} facet"))
    return tuple(fields)


FIELDS = _fields()
BY_FIELD = {f.name: f for f in FIELDS}
TEXT_FIELDS = tuple(f.name for f in FIELDS if f.kind == "text")


def section_mask(present) -> str:
    return "".join("1" if name in present else "0" for name in SECTION_FIELDS)


def pack_sections(sections: dict[str, str]) -> dict[str, str]:
    """Stored as they are: an engine compresses each document's stored fields itself."""
    return dict(sections)


def unpack_sections(stored) -> dict[str, str]:
    return dict(stored or {})
