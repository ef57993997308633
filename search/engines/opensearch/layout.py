"""What the searching side reads of the OpenSearch index layout (indexer.engines.opensearch.mapping
declares it): fields under their Whoosh names at the top level, a text field's further terms of a
position in `<field>_stack` and its adjacent pairs of terms in `<field>_pairs`, the stored fields under
`stored`, the generation in `_meta`."""
from __future__ import annotations

from indexer.engines.opensearch.mapping import BOOST, FILLER, FORM_FIELDS, PAIRS, STACK, STORED, field_roles, pair_term


def is_text(field: str) -> bool:
    """A field of analysed words at positions, with its `_stack` (the exact forms' fields too)."""
    return field_roles().get(field) == "text" or field in FORM_FIELDS


def is_number(field: str) -> bool:
    return field_roles().get(field) == "integer"


def stack(field: str) -> str:
    """The field of a text field's terms that share a position with another."""
    return field + STACK


__all__ = ["BOOST", "FILLER", "PAIRS", "STORED", "is_number", "is_text", "pair_term", "stack"]
