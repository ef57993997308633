"""An Atom feed (RFC 4287) of a search's newest items, so a topic can be followed in a feed reader."""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable

from .. import Hit, Result
from ..format import who_met
from .render import plain

ATOM = "http://www.w3.org/2005/Atom"


def _timestamp(iso_date: str | None) -> str:
    """A meeting date as an Atom timestamp (midnight UTC); items without a date get the epoch."""
    try:
        day = dt.date.fromisoformat(iso_date or "")
    except ValueError:
        day = dt.date(1970, 1, 1)
    return f"{day.isoformat()}T00:00:00Z"


def atom(result: Result, *, title: str, self_url: str, page_url: str, item_url: Callable[[Hit], str]) -> bytes:
    """The feed document; every text goes through ElementTree, which escapes it."""
    ET.register_namespace("", ATOM)

    def sub(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
        node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            node.text = text
        return node

    feed = ET.Element(f"{{{ATOM}}}feed")
    sub(feed, "id", self_url)
    sub(feed, "title", title)
    dates = [h.date for h in result.hits if h.date]
    sub(feed, "updated", _timestamp(max(dates)) if dates else _timestamp(None))
    sub(sub(feed, "author"), "name", "referat")
    sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=page_url, type="text/html")
    for hit in result.hits:
        url = item_url(hit)
        entry = sub(feed, "entry")
        sub(entry, "id", url)
        sub(entry, "title", f"{hit.number}. {hit.title}" if hit.number else hit.title)
        sub(entry, "updated", _timestamp(hit.date))
        sub(entry, "link", rel="alternate", href=url, type="text/html")
        sub(sub(entry, "author"), "name", " · ".join(x for x in who_met(hit) if x) or "referat")
        sub(entry, "summary", plain(hit.snippet))
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8", xml_declaration=False)
