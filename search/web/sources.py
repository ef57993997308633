"""An HTML source as this server shows it: as published, but without links that lead nowhere and opened
at the item.

A published page links its attachments, style sheets and logo relative to the portal it came from; on
this server those links would 404 (or reach files beside the source). Each relative link is pointed at
the publisher's page when the document was fetched from one, and removed otherwise. The item's heading
gets an id (search.web.public.ITEM_ANCHOR) that the links to the source carry as their fragment.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from .public import ITEM_ANCHOR

LINKING = {"a": "href", "area": "href", "link": "href", "img": "src", "script": "src", "iframe": "src",
           "source": "src", "embed": "src", "object": "data", "form": "action", "video": "src", "audio": "src"}
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "p", "td")


def _relative(url: str) -> bool:
    url = url.strip()
    return bool(url) and not url.startswith("#") and not urlsplit(url).scheme and not url.startswith("//")


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def served_html(document: bytes, *, title: str, publisher: str | None) -> bytes:
    """The document in UTF-8 with its relative links resolved against `publisher` (or removed), and the
    first element that holds the item's `title` marked as the item's anchor."""
    soup = BeautifulSoup(document, "html.parser")
    for base in soup.find_all("base"):  # the document's own base, relative to its publisher
        href = base.get("href")
        if publisher and isinstance(href, str) and href:
            publisher = urljoin(publisher, href.strip())
        base.decompose()
    for tag, attribute in LINKING.items():
        for element in soup.find_all(tag):
            value = element.get(attribute)
            if not isinstance(value, str) or not value or not _relative(value):
                continue
            if publisher:
                element[attribute] = urljoin(publisher, value.strip())
            elif tag in ("a", "area", "form"):
                del element[attribute]
            else:
                element.decompose()
    for element in soup.find_all(srcset=True):
        del element["srcset"]
    _mark(soup, _words(title))
    return soup.encode("utf-8")


def _mark(soup, wanted: str) -> None:
    """The id of the item's anchor on the element whose own text holds the title (else on the smallest
    heading-like element that holds it: a title split over several text nodes)."""
    if not wanted:
        return
    found = next((text.parent for text in soup.find_all(string=True)
                  if text.parent is not None and text.parent.name not in ("script", "style", "title")
                  and wanted in _words(text)), None)
    if found is None:
        candidates = [e for e in soup.find_all(HEADINGS) if wanted in _words(e.get_text(" "))]
        found = min(candidates, key=lambda e: len(e.get_text()), default=None)
    if found is None:
        return
    if found.get("id"):
        found.insert(0, soup.new_tag("a", id=ITEM_ANCHOR))
    else:
        found["id"] = ITEM_ANCHOR
