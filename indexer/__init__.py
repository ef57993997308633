"""Danish analysis and writing the Whoosh index. Imports corpus, never search."""
from .build import BuildReport, build, item_documents, reindex
from .lock import IndexLocked
from .schema import FACET_FIELDS, SECTION_FIELDS, build_schema
from .store import IndexMissing, default_index_dir, open_index, read_meta

__all__ = [
    "BuildReport", "build", "item_documents", "reindex", "IndexLocked", "FACET_FIELDS", "SECTION_FIELDS",
    "build_schema", "IndexMissing", "default_index_dir", "open_index", "read_meta",
]
