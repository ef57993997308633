"""Fetching minutes from where they are published: FirstAgenda Publication portals.

`fetch(folder, sources)` downloads each new or changed meeting (its JSON and, where the portal offers
them, its PDF and its attachments' PDFs) into a folder a person can browse; the sources are data
(`sources.py`). Indexing what was
fetched is the caller's step (`referat fetch` reindexes the folder); its atomic writes
and its lock are corpus.files, which the index uses too.
"""
from typing import TYPE_CHECKING

from ..lazy import lazy_exports

# The default caps on attachment PDFs: a file larger than this is skipped, and a run downloads at most
# that much (the rest come in the next runs).
ATTACHMENT_MB = 25.0
ATTACHMENTS_PER_RUN_MB = 1000.0

if TYPE_CHECKING:  # the exports, imported on first use (corpus.lazy)
    from .client import Committee, Http, MeetingRef, Politeness, Portal, PortalError
    from .run import AttachmentCaps, FetchReport, SourceReport, fetch
    from .sources import (
        Source,
        SourceError,
        SourceList,
        add_source,
        known_sources,
        load_sources,
        place_of,
        places,
        remove_source,
        save_sources,
        source_place,
    )
    from .store import FetchBusy

lazy_exports(__name__)

__all__ = [
    "AttachmentCaps", "Committee", "FetchBusy", "FetchReport", "Http", "MeetingRef", "Politeness", "Portal",
    "PortalError",
    "Source", "SourceError", "SourceList", "SourceReport", "add_source", "fetch", "known_sources", "load_sources",
    "place_of", "places", "remove_source", "save_sources", "source_place",
]
