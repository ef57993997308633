"""The Whoosh engine, writing side: an index's items in Whoosh segment files in the index folder itself
(engine.py: the WriteEngine; schema.py, analysis.py: what Whoosh pickles into an index; writers.py,
postings.py, flat.py: writing segments; store.py: opening an index; private.py: the private Whoosh names
all of it relies on). Kept light: a search opens an index through store.py without loading the writer."""
from __future__ import annotations

import os

from ...engine import EngineConfig


def open_engine(index_dir: str | os.PathLike, config: EngineConfig | None = None):
    """The factory indexer.engine.ENGINES names: an indexer.engine.WriteEngine."""
    from .engine import WhooshWriteEngine

    return WhooshWriteEngine(index_dir, config)
