"""Reading the Atom feed of the web app in tests: the elements a feed must have, or a failed assertion."""
from __future__ import annotations

import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"


def child(element: ET.Element, path: str) -> ET.Element:
    """The element at `path` (Atom names, without their namespace)."""
    found = element.find(ATOM + path)
    assert found is not None, path
    return found


def text(element: ET.Element, path: str) -> str:
    return child(element, path).text or ""


def href(element: ET.Element, path: str = "link") -> str:
    link = child(element, path).get("href")
    assert link is not None, path
    return link
