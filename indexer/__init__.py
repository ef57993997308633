"""Danish analysis and writing the index through its engine (indexer.engine). Imports corpus, never search."""
from typing import TYPE_CHECKING

from corpus.lazy import lazy_exports

if TYPE_CHECKING:  # the exports, imported on first use (corpus.lazy)
    from .build import BuildReport, build, item_documents, reindex
    from .engine import EngineConfig
    from .engines.whoosh.schema import build_schema
    from .engines.whoosh.store import open_index
    from .lock import IndexLocked
    from .schema import FACET_FIELDS, SECTION_FIELDS
    from .store import (
        IndexMissing,
        IndexWriteFailed,
        Interrupted,
        default_index_dir,
        os_error_text,
        read_meta,
    )

lazy_exports(__name__)

__all__ = [
    "FACET_FIELDS", "SECTION_FIELDS", "BuildReport", "EngineConfig", "IndexLocked", "IndexMissing",
    "IndexWriteFailed", "Interrupted", "build", "build_schema", "default_index_dir", "item_documents",
    "open_index", "os_error_text", "read_meta", "reindex",
]
