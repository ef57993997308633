"""One-shot searches for scripts and tests: open the index, do one thing, close it.

A long-lived process (the web app, the watch loop) keeps a `search.open(dir)` Index instead.
"""
from __future__ import annotations

import os

from .expand import FEATURES
from .index import open as open_index
from .result import ItemView, Result, Stats


def run(index_dir: str | os.PathLike, query: str = "", *, registry_file: str | None = None, features=FEATURES,
        **options) -> Result:
    """Search the index once (see Index.search for the options). Raises QueryError."""
    with open_index(index_dir, registry_file=registry_file) as ix:
        return ix.search(query, features=features, **options)


def show(index_dir: str | os.PathLike, item_id: str) -> ItemView:
    with open_index(index_dir) as ix:
        return ix.show(item_id)


def stats(index_dir: str | os.PathLike) -> Stats:
    with open_index(index_dir) as ix:
        return ix.stats()
