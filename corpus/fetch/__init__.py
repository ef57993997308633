"""Fetching minutes from where they are published: FirstAgenda Publication portals.

`fetch(folder, sources)` downloads each new or changed meeting (its JSON and, where the portal offers
one, its PDF) into a folder a person can browse; the sources are data (`sources.py`). Indexing what was
fetched is the caller's step (`referat fetch` runs indexer.reindex on the folder); from the index package
this one borrows only its atomic write and its lock.
"""
from .client import Committee, Http, MeetingRef, Politeness, Portal, PortalError
from .run import FetchReport, SourceReport, fetch
from .sources import (
    Source,
    SourceError,
    SourceList,
    add_source,
    known_sources,
    load_sources,
    remove_source,
    save_sources,
)
from .store import FetchBusy

__all__ = [
    "Committee", "FetchBusy", "FetchReport", "Http", "MeetingRef", "Politeness", "Portal", "PortalError",
    "Source", "SourceError", "SourceList", "SourceReport", "add_source", "fetch", "known_sources", "load_sources",
    "remove_source", "save_sources",
]
