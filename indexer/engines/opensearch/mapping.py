"""The OpenSearch mapping, derived once from the field table (indexer.schema.FIELDS).

Text is analysed in Python by indexer.analysis, the very tokenizers Whoosh uses, and sent as terms
joined by spaces into fields of the core `whitespace` analyzer, which keeps them as they are. Positions
follow indexer.analysis: a dropped stop word leaves no gap, a hyphenated word holds its whole form and
its parts (`telekol`@p, `tele`@p, `kol`@p+1), a suspended modifier its full forms at its own position.
A whitespace field has one term per position, so each text field is two:

- `<field>`: the first term made at each position, so every position is there and a phrase of them
  matches exactly where Whoosh's does;
- `<field>_stack`: the further terms of a position (a hyphenated word's first part, a modifier's full
  forms). Its first value holds each position's second term AT THAT POSITION (FILLER elsewhere), so a
  search can align it with `<field>` (span_near over span_field_masking); its second value holds the
  third and later terms, searchable as terms only (phrases over those differ from Whoosh's). On the
  real archive of one municipality (2,873 items) 9.0 % of the (term, position) pairs are such third
  terms, nearly all full forms of a suspended modifier (`Teknik- og Miljøudvalget`): a phrase that
  ends in such a form may match in Whoosh and not here.
- `<field>_pairs`: each term of a position (of those two layers) followed by each of the next
  position's, as one keyword `a b`: a phrase of two words is one term looked up, not the positions of
  two (a compound's parts, `data opfølgning`, ask every item that has both words to place them: 156 ms
  at 1M). An index records in `_meta` (`pairs`) whether all its items have them; one made before them
  gains the field, not the flag, until it is built again, and its phrases are placed as before.

The exact forms (=godkendt: lowercased, unstemmed words) are written too, so that they match in the
cluster: each of the title, the sections and the attachments' text (indexer.schema.FORM_SOURCES) in a
field of its own, `exact_<field>` (a form asked in the decision is not found in the proposal). Items
written before those fields hold them all in `exact`: a writer adds the fields to such an index, and
searches look in `exact` too, where those items' forms are found anywhere in the item as before.

Keyword fields (ids, facets, the meeting, the case) have doc values for filters, sorting and
aggregations; `year` is an integer; whatever Whoosh stores is kept as it is under `stored` (not
indexed), which is what `documents()` returns.
"""
from __future__ import annotations

from functools import cache

from ...schema import FIELDS, FORM_SOURCES, form_field

STACK = "_stack"  # suffix of a text field's second field (the terms that share a position)
PAIRS = "_pairs"  # suffix of a text field's adjacent pairs of terms (documents.pairs)
FILLER = "·"  # an empty position of `<field>_stack`; no analyzer of indexer.analysis makes it (not \w)
STORED = "stored"  # the object holding Whoosh's stored fields, returned as they are
BOOST = "boost"  # the item's weight (Whoosh's document `_boost`: a formality weighs 0.5), for function_score
EXACT_FIELD = "exact"
FORM_FIELDS = tuple(form_field(name) for name in FORM_SOURCES)  # each source's exact forms
OVERFLOW_GAP = 100  # between `<field>_stack`'s aligned value and its overflow: no phrase spans the two
# Whoosh's BM25F defaults (search.engine RANKING = scoring.BM25F(): B=0.75, K1=1.2, the same for each field).
BM25_K1 = 1.2
BM25_B = 0.75
SIMILARITY = "referat_bm25"


ROLE_OF_KIND = {"text": "text", "keyword": "keywords", "year": "integer", "id": "keyword", "stored": "stored"}


@cache
def field_roles() -> dict[str, str]:
    """Each field's role here (indexer.schema's kinds): text | keyword | keywords (comma list) | integer | stored."""
    return {f.name: ROLE_OF_KIND[f.kind] for f in FIELDS}


@cache
def stored_fields() -> frozenset[str]:
    """The fields Whoosh stores (and gives back as a document's stored fields)."""
    return frozenset(f.name for f in FIELDS if f.stored or f.kind == "stored")


def text_fields() -> tuple[str, ...]:
    return tuple(name for name, role in field_roles().items() if role == "text")


def mapping(generation: int, schema: int) -> dict:
    """The index's mappings, with the committed generation in `_meta` (written last, see engine)."""
    properties: dict[str, dict] = {STORED: {"type": "object", "enabled": False},
                                   BOOST: {"type": "float"}}
    for name, role in field_roles().items():
        if role == "text":
            text = {"type": "text", "analyzer": "whitespace", "similarity": SIMILARITY}
            properties[name] = text
            properties[name + STACK] = {**text, "position_increment_gap": OVERFLOW_GAP}
        elif role in ("keyword", "keywords"):
            properties[name] = {"type": "keyword", "doc_values": True}
        elif role == "integer":
            properties[name] = {"type": "integer"}
    properties.update(added_properties())
    return {
        "dynamic": "strict",
        "_meta": {"referat": {"generation": generation, "schema": schema, "pairs": True}},
        # the analysed text is only searched: it is never shown, so it is left out of _source
        "_source": {"excludes": [*(f for name in (*text_fields(), *FORM_FIELDS) for f in (name, name + STACK)),
                                 *(name + PAIRS for name in text_fields())]},
        "properties": properties,
    }


def settings(shards: int, replicas: int) -> dict:
    return {
        "number_of_shards": shards,
        "number_of_replicas": replicas,
        "similarity": {SIMILARITY: {"type": "BM25", "k1": BM25_K1, "b": BM25_B}},
    }


def pair_term(first: str, second: str) -> str:
    """The term of `<field>_pairs` for `first` at a position and `second` at the next: what the writer
    indexes (documents.pairs) and a phrase looks up (search's compile.phrase)."""
    return f"{first} {second}"


def added_properties() -> dict:
    """The fields a later referat added, also added to an index made before them (a mapping only grows):
    each source's exact forms and each text field's pairs (only ever filters: no norms, no frequencies)."""
    form = {"type": "text", "analyzer": "whitespace", "norms": False, "index_options": "positions"}
    forms = {f: spec for name in FORM_FIELDS
             for f, spec in ((name, form), (name + STACK, {**form, "position_increment_gap": OVERFLOW_GAP}))}
    return {**forms, **{name + PAIRS: {"type": "keyword", "doc_values": False} for name in text_fields()}}
