"""Queries, ranking, facets and the `referat` CLI. The top of the one-way flow corpus -> indexer -> search.

`search.open(dir)` gives a long-lived, thread-safe Index; `search.run(dir, ...)` is one search with it.
"""
from corpus.lazy import lazy_exports

lazy_exports(__name__, {
    "Index": ".index", "open": ".index", "QueryError": ".query",
    **dict.fromkeys(["Hit", "ItemView", "Result", "Stats"], ".result"),
    **dict.fromkeys(["run", "show", "stats"], ".run"),
})

__all__ = ["Hit", "Index", "ItemView", "QueryError", "Result", "Stats", "open", "run", "show", "stats"]
