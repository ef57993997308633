"""What the web app may tell the world about where an item comes from: never a path of the server.

The library's JSON (search.result, search.meetings) is for the user's own terminal and names files by
their paths. A public server shows a source as its number and a URL of this server (`/source/ITEM?kopi=N`,
at the item's page or place) and, when the document was fetched from a portal, the publisher's URL.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from indexer.meetings import Source

ITEM_ANCHOR = "referat-punkt"  # the id the served HTML source gives the item's heading
PRIVATE = frozenset({"path", "uri", "files", "content_hash"})  # the server's paths, and what only it needs


def is_html(source: Source) -> bool:
    """A source that is a web page (`html`, `firstagenda-html`, ...): served rewritten, opened at the item."""
    return (source.format or "").endswith("html") or Path(source.path).suffix.lower() in (".html", ".htm")


def source_url(item_id: str, n: int, source: Source) -> str:
    """This server's URL of an item's `n`-th source, opening at the item: a PDF at its page, HTML at the
    item's heading."""
    url = f"/source/{quote(item_id, safe='')}?kopi={n}"
    if source.format == "pdf" and source.page:
        return f"{url}#page={source.page}"
    if is_html(source):
        return f"{url}#{ITEM_ANCHOR}"
    return url


def public_sources(item_id: str, sources: list[Source], publisher: Callable[[str], str | None]) -> list[dict]:
    return [{"n": n, "url": source_url(item_id, n, s), "name": Path(s.path).name, "format": s.format,
             "kind": s.kind, "page": s.page, "publisher_url": publisher(s.path)}
            for n, s in enumerate(sources, start=1)]


def public(data, publisher: Callable[[str], str | None] = lambda path: None):
    """`data` (a library object's to_json()) without the server's paths: every `sources` list of an
    object with an `id` becomes public sources, every path-bearing key goes."""
    if isinstance(data, list):
        return [public(v, publisher) for v in data]
    if not isinstance(data, dict):
        return data
    out = {k: public(v, publisher) for k, v in data.items() if k not in PRIVATE and k != "sources"}
    if "sources" in data:
        sources = [Source(**{k: v for k, v in s.items() if k != "uri"}) for s in data["sources"] or []]
        out["sources"] = public_sources(data.get("id", ""), sources, publisher)
    return out
