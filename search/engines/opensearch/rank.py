"""The scores the core DSL gives only through function_score: a query's coordination.

A graded query (MinimumMatch) multiplies an item's score by (the idf weight of the words it has / of
all)^COORDINATION_POWER; the any-word fallback (a scaled Or) by Whoosh's short-query coordination. The
factor depends only on which words (term leaves) an item has, so the cluster applies it: a function per
set of words for a graded query (in_cluster), a step per leaf matched for a scaled Or (counted_leaves),
and ranks, pages and counts the query in one search. Where it cannot (too many sets of words), the engine
rescores its best candidates here: each hit's matched_queries say which words it has (search.engines.
opensearch.compile names them), and each rescoring has an upper bound given the unscaled score, so the
engine knows when the candidates it fetched are surely the best ones.
"""
from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from ...expand import COORDINATION_POWER


@dataclass(frozen=True)
class Rescore:
    """`score(base, names)` an item's final score from its DSL score and its matched clause names;
    `bound(base)` the most any item of DSL score `base` can get."""
    score: Callable[[float, Collection[str]], float]
    bound: Callable[[float], float]


def coordination(weights: dict[str, float]) -> Rescore:
    """MinimumMatch: `weights` maps each word's clause name to its word_weight."""
    total = sum(weights.values()) or 1.0

    def score(base: float, names: Collection[str]) -> float:
        have = sum(w for name, w in weights.items() if name in names)
        return base * (have / total) ** COORDINATION_POWER

    return Rescore(score, lambda base: base)


def scaled_or(names: Collection[str], scale: float) -> Rescore:
    """Whoosh's CoordMatcher ("SQR") over `names`, the query's term clauses that exist in the index."""
    count = len(names)

    def sqr(base: float, matching: int) -> float:
        if count == 0 or count == scale:
            return 0.0
        return (base + (matching - 1) / (count - scale) ** 2) * ((count - 1) / count)

    return Rescore(lambda base, got: sqr(base, sum(1 for n in names if n in got)), lambda base: sqr(base, count))


def in_cluster(query: dict, sets: list[tuple[dict, float]]) -> tuple[dict, Callable[[float], float]]:
    """A graded query rescored by the cluster: `sets` are (a filter for a set of words, the factor of an
    item with those words), larger sets first; the first whose words an item has is the set it has, and
    its factor multiplies the item's score. Its scores are the rescored ones (in float32)."""
    functions = [{"filter": words, "weight": factor} for words, factor in sets]
    return {"function_score": {"query": query, "functions": functions, "score_mode": "first",
                               "boost_mode": "multiply"}}, float


def counted_leaves(query: dict, leaves: list[dict], scale: float) -> tuple[dict, Callable[[float], float]] | None:
    """The scaled Or's coordination (scaled_or) by the cluster: each of the `leaves` an item matches adds
    a step to its score, and one more step every item gets (so that the sum is never empty, which
    OpenSearch would count as 1); the rescored score is then (score - 2 steps) times (count - 1) / count.
    None when every item would score the same (fewer than two leaves, or as many as `scale`)."""
    count = len(leaves)
    if count < 2 or count == scale:
        return None
    step = 1 / (count - scale) ** 2
    functions = [{"weight": step}, *({"filter": leaf, "weight": step} for leaf in leaves)]
    scored = {"function_score": {"query": query, "functions": functions, "score_mode": "sum", "boost_mode": "sum"}}
    return scored, lambda score: (score - 2 * step) * ((count - 1) / count)
