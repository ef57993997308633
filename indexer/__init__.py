"""Danish analysis and writing the Whoosh index. Imports corpus, never search."""
from typing import TYPE_CHECKING

from corpus.lazy import lazy_exports

if TYPE_CHECKING:  # the exports, imported on first use (corpus.lazy)
    from .build import BuildReport, build, item_documents, reindex
    from .lock import IndexLocked
    from .schema import FACET_FIELDS, SECTION_FIELDS, build_schema
    from .store import (
        IndexMissing,
        IndexWriteFailed,
        Interrupted,
        default_index_dir,
        open_index,
        os_error_text,
        read_meta,
    )

lazy_exports(__name__)

__all__ = [
    "FACET_FIELDS", "SECTION_FIELDS", "BuildReport", "IndexLocked", "IndexMissing", "IndexWriteFailed",
    "Interrupted", "build", "build_schema", "default_index_dir", "item_documents", "open_index",
    "os_error_text", "read_meta", "reindex",
]
