"""KMD/Fujitsu eDoc agenda pages (HTML made by eDoc's XSLT, `xslt*` classes).

The page lists the items twice: a table of contents (`xsltContentHeader`, links only) and the items
themselves. Each item opens with a title table (`div.xsltTitle`: the number, then the title), then a
table of case facts (`xsltSubTitle`: `Sagsnr.:`, `Sagsbehandler:`, `Åben` / `Lukket`), then its fields
as `div.xsltHeader` captions (`Præsentation:`, `Forvaltningen foreslår:`, `Sagsbeskrivelse:`, ...) each
followed by its text. The page title names the committee, the document kind and the date.
"""
from __future__ import annotations

import re

from ..dates import meeting_date
from ..model import Meeting
from ..readers import Line, decode_text
from .common import NotAMeeting, Source, closed_title, html_to_lines, make_item, make_meeting, sections_from_lines

FORMAT = "edoc-html"


def sniff(data: bytes) -> bool:
    head = data[:200_000]
    return b"xsltTitle" in head and b"xsltOuter" in head


def read(source: Source) -> Meeting:
    from bs4 import BeautifulSoup, Tag

    soup = BeautifulSoup(decode_text(source.data, html=True), "html.parser")
    items: list[dict] = []
    for outer in soup.select("div.xsltOuter"):
        for block in outer.children:
            if not isinstance(block, Tag):
                continue
            titles = block.select("div.xsltTitle")
            if len(titles) >= 2:
                number = _text(titles[0]).rstrip(".")
                items.append({"number": number, "title": _text(titles[1]), "facts": [], "lines": [], "attachments": []})
            elif not items:
                continue
            elif block.select("div.xsltSubTitle") and not items[-1]["lines"]:
                items[-1]["facts"] += [_text(t) for t in block.select("div.xsltSubTitle")]
            elif "xsltHeader" in (block.get("class") or []):
                items[-1]["lines"].append(Line(_text(block), heading=3))
            elif "xsltItemsHeader" not in (block.get("class") or []):
                items[-1]["lines"] += html_to_lines(str(block))
                found = block.select(".xsltAttachment")
                if "xsltAttachment" in block.get_attribute_list("class"):
                    found.append(block)
                items[-1]["attachments"] += [_text(a) for a in found]
    if not items:
        raise NotAMeeting("an eDoc page without agenda items")
    built = []
    for position, item in enumerate(items, start=1):
        title, marked = closed_title(item["title"])
        facts = " ".join(item["facts"])
        case = re.search(r"Sagsnr\.?:?\s*([\w./-]*\d[\w./-]*)", facts)
        built.append(make_item(
            source, position, item["number"] or str(position), title,
            sections=sections_from_lines(item["lines"]),
            case_numbers=(case.group(1),) if case else (),
            closed=marked or bool(re.search(r"\bLukket\b", facts)),
            attachments=tuple(item["attachments"]),
        ))
    page_title = _text(soup.title) if soup.title else ""
    body, _, rest = page_title.partition(" - ")
    when = " ".join(_text(t) for t in soup.select(".xsltDateAndLocation")) or rest
    date, _ = meeting_date(f"Mødedato: {when}", when)
    return make_meeting(source, FORMAT, body=body.strip() or None, date=date, items=built,
                        title_lines=(rest, _text(soup.select_one(".xsltAgendaTitle"))))


def _text(tag) -> str:
    return " ".join(tag.get_text(" ").split()) if tag is not None else ""
