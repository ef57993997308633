"""Danish analysis and writing the index through its engine (indexer.engine). Imports corpus, never search."""
from corpus.lazy import lazy_exports

lazy_exports(__name__, {
    **dict.fromkeys(["BuildReport", "build", "item_documents", "reindex"], ".build"),
    "IndexLocked": ".lock",
    **dict.fromkeys(["FACET_FIELDS", "SECTION_FIELDS"], ".schema"),
    "build_schema": ".engines.whoosh.schema",
    "EngineConfig": ".engine",
    "open_index": ".engines.whoosh.store",
    **dict.fromkeys(["IndexMissing", "IndexWriteFailed", "Interrupted", "default_index_dir", "os_error_text",
                     "read_meta"], ".store"),
})

__all__ = [
                    "FACET_FIELDS",
                    "SECTION_FIELDS",
                    "BuildReport",
                    "EngineConfig",
                    "IndexLocked",
                    "IndexMissing",
                    "IndexWriteFailed",
                    "Interrupted",
                    "build",
                    "build_schema",
                    "default_index_dir",
                    "item_documents",
                    "open_index",
                    "os_error_text",
                    "read_meta",
                    "reindex",
]
