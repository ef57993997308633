"""The one Whoosh schema: one document per agenda item.

Each piece of text is indexed once: the title and every section in a field of its own (searched
together, or one alone with --section), nothing in a second all-text or unstemmed copy. Exact-form
search (`=godkendt`) finds candidates through the stemmed fields and checks the stored text instead.
"""
from __future__ import annotations

import sys
from array import array

from whoosh import columns
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.formats import Positions

from corpus import SECTION_NAMES

from .analysis import danish_analyzer, exact_analyzer, ocr_analyzer
from .facets import FACETS

# Sections searched on their own with --section, in the order they are shown (named by corpus).
SECTION_FIELDS = SECTION_NAMES
# Facet fields of exact values (indexer.facets), column-stored so that grouping and sorting are cheap.
FACET_FIELDS = tuple(f.field for f in FACETS if f.kind == "name")
# The attachments' text: searched with everything, and as part of the `bilag` section (--in bilag).
ATTACHMENT_FIELD = "attachment"
SECTION_SCOPES = {"bilag": ("bilag", ATTACHMENT_FIELD)}  # a section whose search covers more fields
# Raised whenever fields or analysis change; an index of another version is rebuilt by index/reindex.
SCHEMA_VERSION = 12


_UINT32 = next(code for code in "IL" if array(code).itemsize == 4)


class PackedPositions(Positions):
    """Word positions kept as raw little-endian 32-bit integers, where Whoosh's Positions pickles each
    posting's list of gaps: a block's positions then decode in one numpy call (search.docsets checks
    phrases that way), writing them is a copy, and a position is 4 bytes instead of a pickle's 12 for
    the usual single one."""

    def encode(self, poslist) -> bytes:
        packed = array(_UINT32, poslist)
        if sys.byteorder == "big":
            packed.byteswap()
        return packed.tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        packed = array(_UINT32)
        packed.frombytes(valuestring)
        if sys.byteorder == "big":
            packed.byteswap()
        return packed.tolist()

    def decode_frequency(self, valuestring: bytes) -> int:
        return len(valuestring) // 4

    def decode_weight(self, valuestring: bytes) -> float:
        return self.decode_frequency(valuestring) * self.field_boost

    def decode_position_boosts(self, valuestring: bytes) -> list[tuple[int, float]]:
        return [(pos, 1) for pos in self.decode_positions(valuestring)]

    def combine(self, vs) -> bytes:
        return self.encode(sorted({pos for v in vs for pos in self.decode_positions(v)}))


def _text(analyzer, **options) -> TEXT:
    """A text field with positions (for phrases), kept as PackedPositions."""
    field = TEXT(analyzer=analyzer, phrase=True, **options)
    field.format = PackedPositions(field_boost=field.format.field_boost)
    return field


def _facet_column():
    """Few distinct values, many documents: a table of values plus a small reference per document,
    which a searcher loads in one read (Whoosh's default variable-bytes column reads an offset per
    document on every open)."""
    return columns.RefBytesColumn()


def build_schema(fold: bool = True, exceptions: bool = True) -> Schema:
    """`fold` and `exceptions` switch off parts of the Danish analysis (to measure what they buy)."""
    analyzer = danish_analyzer(fold=fold, exceptions=exceptions)
    fields = dict(
        id=ID(stored=True, unique=True),
        path=ID(stored=True, sortable=_facet_column()),
        content_hash=STORED(),
        digest=STORED(),
        position=STORED(),
        order=ID(sortable=_facet_column()),  # "0007": sorts items of one meeting in their printed order
        number=STORED(),
        title=_text(analyzer, stored=True),
        time=STORED(),
        presenter=STORED(),
        date=ID(stored=True, sortable=_facet_column()),
        sections=STORED(),
        # Which sections an item has, as one column value ("010110", SECTION_FIELDS order): counting
        # the section facet reads this column instead of walking every posting of a keyword field.
        section_mask=ID(sortable=_facet_column()),
        case_numbers=KEYWORD(stored=True, commas=True, lowercase=True),
        participants=_text(analyzer),
        # Never written: it only gives `=word` in a query a field to parse into (see search.query).
        exact=_text(exact_analyzer()),
        # Scanned documents only: every word reduced by ocr_key, so `høring` finds `hgring` there and
        # nowhere else.
        ocr=_text(ocr_analyzer()),
        content=STORED(),
        # The meeting model (indexer.meetings): the item's meeting and every file it was read from
        # (indexer.meetings.pack_sources: format, version, position, page or line; the primary source
        # first). Versions, case keys and formality derive from these and the fields above when asked;
        # `order` is the item's place in the merged agenda.
        meeting=ID(stored=True),
        sources=STORED(),
        # The case its hits are grouped by (indexer.cases.group_key), as a column: grouping a ranked list
        # reads one code per document.
        case=ID(stored=True, sortable=_facet_column()),
        # What the reader noted about the item (corpus.model.AgendaItem): closed, listed only in the
        # agenda list, its group header, and its warnings, so `show` can say them.
        marks=STORED(),
        # The text of the item's attachments (bilag), all pages, in a field of its own ranked below the
        # item's own text; `attachments` keeps each one (indexer.meetings.pack_attachments) for the page
        # and passage a hit is on.
        **{ATTACHMENT_FIELD: _text(analyzer)},
        attachments=STORED(),
    )
    for name in SECTION_FIELDS:
        fields[name] = _text(analyzer)
    for facet in FACETS:
        if facet.kind == "name":
            fields[facet.field] = ID(stored=True, sortable=_facet_column())
        elif facet.kind == "year":
            fields[facet.field] = NUMERIC(int, stored=True, sortable=True)
    return Schema(**fields)


def section_mask(present) -> str:
    return "".join("1" if name in present else "0" for name in SECTION_FIELDS)


def pack_sections(sections: dict[str, str]) -> dict[str, str]:
    """Stored as they are: Whoosh pickles and zlib-compresses each document's stored fields itself."""
    return dict(sections)


def unpack_sections(stored) -> dict[str, str]:
    return dict(stored or {})
