"""search.tree nodes as OpenSearch query DSL, scored as the Whoosh engine scores them where the core
DSL can (no painless): a term's boost carries the factor that turns Lucene's BM25 idf into
Whoosh's BM25F (`term_weight`), a phrase scores as the sum of its words (search.docsets),
a word over several fields is a dis_max with FIELD_TIEBREAK. The coordination of MinimumMatch and of a
scaled Or is not expressible there: the engine computes it from the named clauses (search.engines.
opensearch.rank).
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

from indexer.analysis import exact_analyzer
from indexer.engines.opensearch.mapping import EXACT_FIELD
from indexer.schema import FORM_SOURCES, form_field

from ...query import FIELD_TIEBREAK
from ...tree import (
    And,
    AndNot,
    DisMax,
    Every,
    Exact,
    MinimumMatch,
    Node,
    Not,
    Nothing,
    Or,
    Phrase,
    Prefix,
    Range,
    Term,
    children,
)
from .layout import PAIRS, is_text, pair_term, stack

Weight = Callable[[str, str, str], float]  # (field searched, analysed field, term) -> the factor on its boost
Stacked = Callable[[str, str], bool]  # (text field, term) -> whether the term is in the field's stack


def whoosh_idf(doc_count: int, found: int) -> float:
    """Whoosh's BM25F idf (search.docsets.scores)."""
    return math.log(doc_count / (found + 1)) + 1


def lucene_idf(field_docs: int, found: int) -> float:
    """Lucene's BM25 idf over the documents that have the field."""
    return math.log(1 + (field_docs - found + 0.5) / (found + 0.5))


def term_weight(doc_count: int, found: int, field_docs: int, field_found: int) -> float:
    """The factor that makes the cluster's BM25 score of a term Whoosh's: Whoosh's idf (of the term in
    the item's field, `found` of `doc_count` items) for Lucene's (of the term in the field searched,
    `field_found` of the `field_docs` that have it). OpenSearch's BM25 keeps the (k1 + 1) of the tf part,
    as Whoosh does. 1 for a term no item has."""
    if not found or not field_docs or not field_found:
        return 1.0
    return whoosh_idf(doc_count, found) / lucene_idf(field_docs, field_found)


@dataclass(frozen=True)
class Context:
    """What compiling needs to know of the index: term weights, which terms are stacked (a
    hyphenated word's part shares its position with the whole word, in `<field>_stack`), and whether
    every item has its text fields' pairs (a phrase's adjacent words are then a term: phrase)."""
    weight: Weight
    stacked: Stacked
    pairs: bool = False

    @staticmethod
    def plain(pairs: bool = False) -> Context:
        """For filters: no weights, and every text term looked for in both layers."""
        return Context(lambda *_: 1.0, lambda *_: True, pairs)


def named(query: dict, name: str) -> dict:
    """`query` reported under `name` in a hit's matched_queries (a one-clause bool scores as its clause)."""
    return {"bool": {"must": [query], "_name": name}}


def term_leaves(node: Node) -> list[Term]:
    """The Term leaves of `node` that it looks for (not under Not, not AndNot's negative side)."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return []
    if isinstance(node, AndNot):
        return term_leaves(node.positive)
    return [t for kid in children(node) for t in term_leaves(kid)]


def term(field: str, text: str, boost: float, context: Context) -> dict:
    """One analysed term of a field: in a text field, at its own position or stacked on another's."""
    if not is_text(field):
        return {"term": {field: {"value": text, "boost": boost}}}
    main = {"term": {field: {"value": text, "boost": boost * context.weight(field, field, text)}}}
    if not context.stacked(field, text):
        return main
    stacked = {"term": {stack(field): {"value": text, "boost": boost * context.weight(stack(field), field, text)}}}
    return {"dis_max": {"queries": [main, stacked]}}


def compile_node(node: Node, context: Context, leaf_names: dict[Term, str] | None = None) -> dict:
    """The DSL of `node`; `leaf_names` names Term leaves (a scaled Or's coordination counts them)."""
    def go(n: Node) -> dict:
        return compile_node(n, context, leaf_names)

    if isinstance(node, Term):
        query = term(node.field, node.text, node.boost, context)
        if leaf_names and node in leaf_names:
            query = named(query, leaf_names[node])
        return query
    if isinstance(node, Phrase):
        return phrase(node, context)
    if isinstance(node, Prefix):
        fields = [node.field, stack(node.field)] if is_text(node.field) else [node.field]
        return {"bool": {"should": [{"prefix": {f: {"value": node.text, "rewrite": "scoring_boolean"}}}
                                    for f in fields], "minimum_should_match": 1, "boost": node.boost}}
    if isinstance(node, Range):
        bounds = {k: v for k, v in (("gte", node.low), ("lte", node.high)) if v is not None}
        return {"range": {node.field: bounds}}
    if isinstance(node, Every):
        return {"match_all": {"boost": node.boost}}
    if isinstance(node, Nothing):
        return {"match_none": {}}
    if isinstance(node, And):
        return {"bool": {"must": [go(k) for k in node.children], "boost": node.boost}}
    if isinstance(node, Or) and one_word_in_fields(node):
        return {"dis_max": {"queries": [go(k) for k in node.children], "tie_breaker": FIELD_TIEBREAK,
                            "boost": node.boost}}
    if isinstance(node, Or):
        return {"bool": {"should": [go(k) for k in node.children], "minimum_should_match": 1,
                         "boost": node.boost}}
    if isinstance(node, DisMax):
        return {"dis_max": {"queries": [go(k) for k in node.children], "tie_breaker": node.tiebreak,
                            "boost": node.boost}}
    if isinstance(node, MinimumMatch):
        return {"bool": {"should": [named(go(k), word_name(i)) for i, k in enumerate(node.children)],
                         "minimum_should_match": node.minimum, "boost": node.boost}}
    if isinstance(node, Not):
        return {"bool": {"must": [{"match_all": {"boost": node.boost}}], "must_not": [go(node.child)]}}
    if isinstance(node, AndNot):
        return {"bool": {"must": [go(node.positive)], "must_not": [go(node.negative)], "boost": node.boost}}
    if isinstance(node, Exact):
        return {"bool": {"must": [go(node.child)], "filter": [exact_form(node.form, node.fields, context)],
                         "boost": node.boost}}
    raise TypeError(f"not a query tree node: {node!r}")


def one_word_in_fields(node: Or) -> bool:
    """Whether an Or is one word looked for in several text fields (search.query's per-word group): its
    best field counts whole and the others by FIELD_TIEBREAK, as the Whoosh engine ranks it, so an item
    that repeats a word in every section does not outrank the one whose title it is."""
    kids = node.children
    return (all(isinstance(k, Term) and is_text(k.field) for k in kids)
            and len({k.text for k in kids if isinstance(k, Term)}) == 1
            and len({k.field for k in kids if isinstance(k, Term)}) > 1)


def word_name(i: int) -> str:
    """The name of a graded query's i-th word clause in matched_queries."""
    return f"w{i}"


def span_word(field: str, word: str, context: Context) -> dict:
    """A word at its position in a text field: its own, or stacked there (masked as the field)."""
    own = {"span_term": {field: word}}
    if not context.stacked(field, word):
        return own
    masked = {"span_field_masking": {"query": {"span_term": {stack(field): word}}, "field": field}}
    return {"span_or": {"clauses": [own, masked]}}


def span_near(field: str, words: tuple[str, ...], slop: int, context: Context) -> dict:
    """Words in order, each at most `slop` positions after the one before (Whoosh's SpanNear2):
    Lucene's ordered span_near counts the gaps of all words together, so longer phrases with a slop
    above 1 nest pairs (exact for the default slop of 1, where every gap is 0)."""
    gap = max(0, slop - 1)
    clause = span_word(field, words[0], context)
    for word in words[1:]:
        clause = {"span_near": {"clauses": [clause, span_word(field, word, context)], "slop": gap,
                                "in_order": True}}
    return clause


def phrase(node: Phrase, context: Context) -> dict:
    """Items with the words in order, scored as the sum of the words' term scores (search.docsets).
    Next to each other (slop 1), with the index's pairs, each two words are a term of the field's pairs:
    of two words, that is the whole phrase; of more, the positions are placed only in the items that have
    every pair."""
    words = tuple(node.words)
    terms = [term(node.field, w, 1.0, context) for w in words]
    if len(words) == 1:
        return {"bool": {"must": terms, "boost": node.boost}}
    placed = [span_near(node.field, words, node.slop, context)]
    if context.pairs and node.slop == 1:
        adjacent = [{"term": {node.field + PAIRS: pair_term(a, b)}} for a, b in pairwise(words)]
        placed = adjacent if len(words) == 2 else [*adjacent, *placed]
    return {"bool": {"filter": placed, "must": terms, "boost": node.boost}}


def exact_form(form: str, fields: tuple[str, ...], context: Context) -> dict:
    """The words of `form` as written (the exact analysis), next to each other in one of `fields` (of
    indexer.schema.FORM_SOURCES; () for any), or anywhere in an item written before the forms had a field
    per source (its `exact` field: indexer.engines.opensearch.mapping)."""
    words = tuple(t.text for t in exact_analyzer().tokens(form, "query"))
    if not words:
        return {"match_none": {}}
    targets = [*(form_field(f) for f in fields or FORM_SOURCES), EXACT_FIELD]
    found = [term(t, words[0], 1.0, context) if len(words) == 1 else span_near(t, words, 1, context)
             for t in targets]
    return {"bool": {"should": found, "minimum_should_match": 1}}
