"""Queries, ranking, facets and the `referat` CLI. The top of the one-way flow corpus -> indexer -> search."""
from .query import QueryError
from .run import Hit, ItemView, Result, Stats, run, show, stats

__all__ = ["Hit", "ItemView", "QueryError", "Result", "Stats", "run", "show", "stats"]
