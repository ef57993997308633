"""FirstAgenda Publication: the API's meeting JSON and the meeting page a browser saves.

The JSON (`/api/agenda/dagsorden/{id}`) names the committee (`Udvalg.Navn`), the meeting (`Moede`) and
its items (`Dagsordenpunkter[]`: `Punktnummer`, `Navn`, `SagsNummer`, `Felter[].Html`, `Bilag[]`). The
saved page shows the same items as `tr.punktrow` rows: number in `span.label`, title in `h2.overskrift`,
case number in `span.sagsnummer`, the fields in `div.punkt`, attachments as `a.bilag-link`. In both, the
sections are the headings inside the fields' HTML. A FirstAgenda page without item rows (the front page
that lists meetings) is not a meeting.

A committee whose name starts with a dot (`.Spørgsmål / Svar til Byrådet`) is the publisher's
pseudo-committee, sorted first in the portal's list: a place to publish questions and answers, not a body
that meets. It is kind `other`, and its 1 January / 31 December dates are placeholders, not meeting dates.
"""
from __future__ import annotations

import json

from ..bodies import OTHER
from ..dates import meeting_date
from ..model import Attachment, Meeting
from ..readers import Line, ReadError, decode_text
from .common import (
    NotAMeeting,
    Source,
    closed_title,
    export_date,
    html_to_lines,
    make_item,
    make_meeting,
    sections_from_html,
    sections_from_lines,
)

FORMAT_JSON = "firstagenda-json"
FORMAT_PAGE = "firstagenda-html"


def sniff_json(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{") and b'"Dagsordenpunkter"' in data


def read_json(source: Source) -> Meeting:
    try:
        doc = json.loads(decode_text(source.data))
    except json.JSONDecodeError as exc:
        raise ReadError(f"damaged or truncated FirstAgenda JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("Dagsordenpunkter"), list):
        raise NotAMeeting("JSON without FirstAgenda agenda items (Dagsordenpunkter)")
    committee = _dict(doc.get("Udvalg"))
    meeting = _dict(doc.get("Moede"))
    items = []
    for position, point in enumerate((p for p in doc["Dagsordenpunkter"] if isinstance(p, dict)), start=1):
        title, closed = closed_title(str(point.get("Navn") or point.get("Caption") or ""))
        lines: list[Line] = []
        for field in _dicts(point.get("Felter")):
            caption = " ".join(str(field.get("Navn") or "").split())
            content = html_to_lines(str(field.get("Html") or "")) or [
                Line(t) for t in str(field.get("Tekst") or "").split("\n") if t.strip()]
            if caption and content:
                lines.append(Line(caption, heading=3))
            lines += content
        items.append(make_item(
            source, position, str(point.get("Punktnummer") or point.get("Number") or position), title,
            sections=sections_from_lines(lines),
            case_numbers=(str(point.get("SagsNummer") or point.get("CaseNumber") or ""),),
            closed=closed,
            attachments=tuple(Attachment(str(b.get("Navn") or ""), ref=str(b.get("Id") or "") or None)
                              for b in _dicts(point.get("Bilag"))),
        ))
    title_lines = ("Tillægsdagsorden" if doc.get("TillaegsDagsorden") else "", str(meeting.get("Navn") or ""))
    participants = tuple(str(p.get("Name") or "") for p in _dicts(meeting.get("Moededeltagere"))
                         if not p.get("Absent"))
    name = " ".join(str(committee.get("Navn") or "").split())
    date = export_date(str(meeting.get("Dato") or meeting.get("MeetingBeginUtc") or ""))
    pseudo = name.startswith(".")
    warnings: tuple[str, ...] = ()
    if pseudo and date and date[5:] in _PLACEHOLDER_DAYS:
        date, warnings = None, (f"{date} is the publisher's placeholder date, not a meeting date",)
    return make_meeting(source, FORMAT_JSON, body=name.lstrip(". ") or None, date=date, items=items,
                        title_lines=title_lines, participants=participants, warnings=warnings,
                        body_kind=OTHER if pseudo else None)


_PLACEHOLDER_DAYS = ("01-01", "12-31")


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _dicts(value) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


_PAGE_MARKS = (b"punktrow", b"firstagenda.com")


def sniff_page(data: bytes) -> bool:
    lower = data[:200_000].lower()
    return (b"<html" in lower[:4096] or b"<!doctype html" in lower[:4096]) and any(m in lower for m in _PAGE_MARKS)


def read_page(source: Source) -> Meeting:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode_text(source.data, html=True), "html.parser")
    rows = soup.select("tr.punktrow")
    if not rows:
        title = " ".join((soup.title.get_text() if soup.title else "FirstAgenda page").split())
        raise NotAMeeting(f"a FirstAgenda page without agenda items ({title})")
    fields = _header_fields(soup)
    items = []
    for position, row in enumerate(rows, start=1):
        number = _text(row.select_one("span.label")) or str(position)
        title, closed = closed_title(_text(row.select_one("h2.overskrift, .overskrift")))
        body = row.select_one("div.punkt")
        items.append(make_item(
            source, position, number, title,
            sections=sections_from_html(str(body)) if body else (),
            case_numbers=(_text(row.select_one(".sagsnummer")),),
            closed=closed or bool(row.select_one(".lukket, .closed")) or any(
                _text(tag).lower() in _CLOSED_MARKS for tag in row.select("span.label, span.badge")),
            attachments=tuple(_text(a) for a in row.select("a.bilag-link")),
        ))
    heading = _text(soup.select_one("h1.dato, .title h1, h1"))
    date_text = fields.get("mødedato") or heading
    date, _ = meeting_date(f"Mødedato: {date_text}", date_text)
    return make_meeting(source, FORMAT_PAGE, body=fields.get("udvalg") or None, date=date, items=items,
                        title_lines=(heading,), evidence="\n".join(f"{k}: {v}" for k, v in fields.items()))


_CLOSED_MARKS = ("lukket", "lukket punkt")


def _header_fields(soup) -> dict[str, str]:
    """The meeting's facts table: rows of `Udvalg:` / `Mødedato:` / `Mødested:` and their values."""
    fields: dict[str, str] = {}
    for tr in soup.find_all("tr"):
        if "punktrow" in (tr.get("class") or []):
            continue
        cells = tr.find_all(["td", "th"], recursive=False)
        if len(cells) == 2:
            key = _text(cells[0])
            if key.endswith(":"):
                fields.setdefault(key[:-1].strip().lower(), _text(cells[1]))
    return fields


def _text(tag) -> str:
    return " ".join(tag.get_text(" ").split()) if tag is not None else ""
