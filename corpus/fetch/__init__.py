"""Fetching minutes from where they are published: FirstAgenda Publication portals.

`fetch(folder, sources)` downloads each new or changed meeting (its JSON and, where the portal offers
them, its PDF and its attachments' PDFs) into a folder a person can browse; the sources are data
(`sources.py`). Indexing what was
fetched is the caller's step (`referat fetch` reindexes the folder); its atomic writes
and its lock are corpus.files, which the index uses too.
"""
from ..lazy import lazy_exports

# The default caps on attachment PDFs: a file larger than this is skipped, and a run downloads at most
# that much (the rest come in the next runs).
ATTACHMENT_MB = 25.0
ATTACHMENTS_PER_RUN_MB = 1000.0

lazy_exports(__name__, {
    **dict.fromkeys(["Committee", "Http", "MeetingRef", "Politeness", "Portal", "PortalError"], ".client"),
    **dict.fromkeys(["AttachmentCaps", "FetchReport", "SourceReport", "fetch"], ".run"),
    **dict.fromkeys(["Source", "SourceError", "SourceList", "add_source", "known_sources", "load_sources",
                     "places", "place_of", "remove_source", "save_sources", "source_place"], ".sources"),
    "FetchBusy": ".store",
})

__all__ = [
    "AttachmentCaps", "Committee", "FetchBusy", "FetchReport", "Http", "MeetingRef", "Politeness", "Portal",
    "PortalError",
    "Source", "SourceError", "SourceList", "SourceReport", "add_source", "fetch", "known_sources", "load_sources",
    "place_of", "places", "remove_source", "save_sources", "source_place",
]
