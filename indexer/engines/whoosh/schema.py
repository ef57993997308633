"""The Whoosh schema, made from the engine-neutral field table (indexer.schema.FIELDS).

The classes here and the tokenizers (indexer.engines.whoosh.analysis) are pickled into every index's
table of contents by module path: moving them is a SCHEMA_VERSION change (the index is rebuilt).
"""
from __future__ import annotations

import sys
from array import array

from whoosh import columns
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, FieldType, Schema
from whoosh.formats import Positions

from ...schema import FIELDS, Field
from .analysis import tokenizer

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


def _field(spec: Field, fold: bool, exceptions: bool) -> FieldType:
    if spec.kind == "text":
        return _text(tokenizer(spec.analysis or "text", fold, exceptions), stored=spec.stored)
    if spec.kind == "id":
        return ID(stored=spec.stored, unique=spec.unique, sortable=_facet_column() if spec.column else False)
    if spec.kind == "keyword":
        return KEYWORD(stored=spec.stored, commas=True, lowercase=True)
    if spec.kind == "year":
        return NUMERIC(int, stored=spec.stored, sortable=spec.column)
    return STORED()


def build_schema(fold: bool = True, exceptions: bool = True) -> Schema:
    """`fold` and `exceptions` switch off parts of the Danish analysis (to measure what they buy)."""
    return Schema(**{spec.name: _field(spec, fold, exceptions) for spec in FIELDS})


def analysis_settings(schema: Schema) -> dict:
    """The parts of the Danish analysis an index was made without (indexer.build's `analysis`), as its
    schema's text analyzers record them: what the side files and a query's words are analysed with."""
    title = schema["title"].analyzer
    return {k: v for k, v in (("fold", title.fold), ("exceptions", title.exceptions)) if not v}
