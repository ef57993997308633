"""Queries, ranking, facets and the `referat` CLI. The top of the one-way flow corpus -> indexer -> search.

`search.open(dir)` gives a long-lived, thread-safe Index; `search.run(dir, ...)` is one search with it.
"""
from typing import TYPE_CHECKING

from corpus.lazy import lazy_exports

if TYPE_CHECKING:  # the exports, imported on first use (corpus.lazy)
    from .index import Index, open
    from .query import QueryError
    from .result import Hit, ItemView, Result, Stats
    from .run import run, show, stats

lazy_exports(__name__)

__all__ = ["Hit", "Index", "ItemView", "QueryError", "Result", "Stats", "open", "run", "show", "stats"]
