"""Danish analysis and writing the Whoosh index. Imports corpus, never search."""
from corpus.lazy import lazy_exports

lazy_exports(__name__, {
    **dict.fromkeys(["BuildReport", "build", "item_documents", "reindex"], ".build"),
    "IndexLocked": ".lock",
    **dict.fromkeys(["FACET_FIELDS", "SECTION_FIELDS", "build_schema"], ".schema"),
    **dict.fromkeys(["IndexMissing", "IndexWriteFailed", "Interrupted", "default_index_dir", "open_index",
                     "os_error_text", "read_meta"], ".store"),
})

__all__ = [
                    "FACET_FIELDS",
                    "SECTION_FIELDS",
                    "BuildReport",
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
