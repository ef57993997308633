"""The scores the core DSL cannot give, computed in Python over a query's best candidates.

A graded query (MinimumMatch) multiplies an item's score by (the idf weight of the words it has / of
all)^COORDINATION_POWER; the any-word fallback (a scaled Or) by Whoosh's short-query coordination. Both
read which words an item has from the hit's matched_queries (search.engines.opensearch.compile names
them). Each rescoring has an upper bound given the unscaled score, so the engine knows when the
candidates it fetched are surely the best ones. A graded query's factor is one number for all items
that have the same words: its matches split into those sets (tiers) are ranked exactly from each tier's
best few, which the engine asks in one request when its first candidates do not settle the bound,
instead of reading more and more candidates.
"""
from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from ...expand import COORDINATION_POWER


@dataclass(frozen=True)
class Rescore:
    """`score(base, names)` an item's final score from its DSL score and its matched clause names;
    `bound(base)` the most any item of DSL score `base` can get; `tiers`, when given, makes the filters
    (DSL) that split the matches into sets within which `score` orders items as their DSL score does."""
    score: Callable[[float, Collection[str]], float]
    bound: Callable[[float], float]
    tiers: Callable[[], list[dict]] | None = field(default=None, compare=False)


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
