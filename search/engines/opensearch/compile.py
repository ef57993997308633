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

from indexer.analysis import exact_analyzer

from ...tree import And, AndNot, DisMax, Every, Exact, MinimumMatch, Node, Not, Nothing, Or, Phrase, Prefix, Range, Term
from .layout import is_text, searched

Weight = Callable[[str, str], float]  # (field, term) -> the factor on a term's boost (idf parity)


def whoosh_idf(doc_count: int, found: int) -> float:
    """Whoosh's BM25F idf (search.docsets.scores)."""
    return math.log(doc_count / (found + 1)) + 1


def lucene_idf(field_docs: int, found: int) -> float:
    """Lucene's BM25 idf over the documents that have the field."""
    return math.log(1 + (field_docs - found + 0.5) / (found + 0.5))


def term_weight(doc_count: int, field_docs: int, found: int) -> float:
    """The factor that makes the cluster's BM25 score of a term Whoosh's: Whoosh's idf for Lucene's
    (OpenSearch's BM25 keeps the (k1 + 1) of the tf part, as Whoosh does). 1 for a term no item has."""
    if not found or not field_docs:
        return 1.0
    return whoosh_idf(doc_count, found) / lucene_idf(field_docs, found)


def named(query: dict, name: str) -> dict:
    """`query` reported under `name` in a hit's matched_queries (a one-clause bool scores as its clause)."""
    return {"bool": {"must": [query], "_name": name}}


def term_leaves(node: Node) -> list[Term]:
    """The Term leaves under `node` (what Whoosh's coordination of a scaled Or counts)."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, (Not, AndNot)):
        return term_leaves(node.positive) if isinstance(node, AndNot) else []
    kids = getattr(node, "children", None) or ((node.child,) if isinstance(node, Exact) else ())
    return [t for kid in kids for t in term_leaves(kid)]


def compile_node(node: Node, weight: Weight, leaf_names: dict[Term, str] | None = None) -> dict:
    """The DSL of `node`; `leaf_names` names Term leaves (a scaled Or's coordination counts them)."""
    def go(n: Node) -> dict:
        return compile_node(n, weight, leaf_names)

    if isinstance(node, Term):
        boost = node.boost * (weight(node.field, node.text) if is_text(node.field) else 1.0)
        query = {"term": {searched(node.field): {"value": node.text, "boost": boost}}}
        if leaf_names and node in leaf_names:
            query = named(query, leaf_names[node])
        return query
    if isinstance(node, Phrase):
        return phrase(node, weight)
    if isinstance(node, Prefix):
        return {"prefix": {searched(node.field): {"value": node.text, "boost": node.boost,
                                                   "rewrite": "scoring_boolean"}}}
    if isinstance(node, Range):
        bounds = {k: v for k, v in (("gte", node.low), ("lte", node.high)) if v is not None}
        return {"range": {searched(node.field): bounds}}
    if isinstance(node, Every):
        return {"match_all": {"boost": node.boost}}
    if isinstance(node, Nothing):
        return {"match_none": {}}
    if isinstance(node, And):
        return {"bool": {"must": [go(k) for k in node.children], "boost": node.boost}}
    if isinstance(node, Or):
        return {"bool": {"should": [go(k) for k in node.children], "minimum_should_match": 1,
                         "boost": node.boost}}
    if isinstance(node, DisMax):
        return {"dis_max": {"queries": [go(k) for k in node.children], "tie_breaker": node.tiebreak,
                            "boost": node.boost}}
    if isinstance(node, MinimumMatch):
        return minimum_match(node, weight)
    if isinstance(node, Not):
        return {"bool": {"must": [{"match_all": {"boost": node.boost}}], "must_not": [go(node.child)]}}
    if isinstance(node, AndNot):
        return {"bool": {"must": [go(node.positive)], "must_not": [go(node.negative)], "boost": node.boost}}
    if isinstance(node, Exact):
        return {"bool": {"must": [go(node.child)], "filter": [exact_form(node.form)], "boost": node.boost}}
    raise TypeError(f"not a query tree node: {node!r}")


def word_name(i: int) -> str:
    return f"w{i}"


def minimum_match(node: MinimumMatch, weight: Weight) -> dict:
    """At least `minimum` of the words; each word's clause named (`word_name`) for the coordination."""
    return {"bool": {"should": [named(compile_node(k, weight), word_name(i)) for i, k in enumerate(node.children)],
                     "minimum_should_match": node.minimum, "boost": node.boost}}


def span_near(field: str, words: tuple[str, ...], slop: int) -> dict:
    """Words in order, each at most `slop` positions after the one before (Whoosh's SpanNear2):
    Lucene's ordered span_near counts the gaps of all words together, so longer phrases with a slop
    above 1 nest pairs (exact for the default slop of 1, where every gap is 0)."""
    gap = max(0, slop - 1)
    clause: dict = {"span_term": {searched(field): words[0]}}
    for word in words[1:]:
        clause = {"span_near": {"clauses": [clause, {"span_term": {searched(field): word}}], "slop": gap,
                                "in_order": True}}
    return clause


def phrase(node: Phrase, weight: Weight) -> dict:
    """Items with the words in order, scored as the sum of the words' term scores (search.docsets)."""
    words = tuple(node.words)
    terms = [{"term": {searched(node.field): {"value": w, "boost": weight(node.field, w)}}} for w in words]
    if len(words) == 1:
        return {"bool": {"must": terms, "boost": node.boost}}
    return {"bool": {"filter": [span_near(node.field, words, node.slop)], "must": terms, "boost": node.boost}}


def exact_form(form: str) -> dict:
    """The words of `form` as written (the `exact` field's analysis), next to each other."""
    words = tuple(t.text for t in exact_analyzer()(form, mode="query"))
    if not words:
        return {"match_none": {}}
    if len(words) == 1:
        return {"term": {searched("exact"): words[0]}}
    return span_near("exact", words, 1)


def filter_of(nodes: tuple[Node, ...], weight: Weight) -> list[dict]:
    return [compile_node(n, weight) for n in nodes]
