"""What every structured reader shares: the source it reads, items and meetings built the same way.

A publisher's export names its items, numbers and sections itself; these helpers turn those fields into
the model without any reader guessing at structure from flattened text.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from ..attachments import listed_attachments
from ..bodies import describe_body
from ..dates import find_dates
from ..hygiene import clean_line, normalise
from ..kinds import document_kind
from ..labels import match_label
from ..model import AgendaItem, Attachment, Meeting, Section
from ..outcome import find_outcome
from ..readers import Line, NotAMeeting, html_lines
from ..registry import Registry


@dataclass(frozen=True)
class Source:
    """One file to read: where it came from, its bytes and their hash, the body registry, and the
    municipality its source belongs to (corpus.bodies.describe_body's `place`), when known."""

    path: str
    data: bytes
    digest: str
    registry: Registry
    place: str | None = None


_CLOSED = re.compile(r"^\s*(?:lukket(?:\s+punkt)?|fortrolig)\s*[:\-–]\s*", re.I)


def closed_title(title: str) -> tuple[str, bool]:
    """A title printed as `Lukket: X` is the closed item X."""
    stripped = _CLOSED.sub("", title, count=1)
    return " ".join(stripped.split()), stripped != title


def export_date(text: str | None) -> str | None:
    """The first full date in an export's date field (`2024-01-08T07:45`, `04-12-2012 13:00:00`, ...)."""
    for found in find_dates(text or ""):
        if found.year:
            return dt.date(found.year, found.month, found.day).isoformat()
    return None


def html_to_lines(markup: str) -> list[Line]:
    """Visible lines of an HTML fragment (headings marked), blank lines dropped."""
    if not markup or not markup.strip():
        return []
    return [line for line in html_lines(markup) if line.text.strip()]


def sections_from_lines(lines: list[Line]) -> tuple[Section, ...]:
    """Sections by the export's own headings and label lines.

    Every heading is a boundary: a heading that is a known label (corpus.labels) opens that section, any
    other heading (`Sagsprocedure`, `Økonomiske konsekvenser`) opens a `tekst` section that keeps the
    heading as its first line, so its text never runs on into the decision before it.
    """
    sections: list[Section] = []
    name, buffer = "tekst", list[str]()

    def close() -> None:
        text = "\n".join(" ".join(clean_line(line).split()) for line in buffer).strip()
        if text or name != "tekst":
            sections.append(Section(name, text))

    for line in lines:
        label = match_label(line.text)
        if label:
            close()
            name, inline = label
            buffer = [inline] if inline else []
        elif line.heading:
            close()
            name, buffer = "tekst", [line.text]
        else:
            buffer.append(line.text)
    close()
    return tuple(s for s in sections if s.text or s.name != "tekst")


def sections_from_html(markup: str) -> tuple[Section, ...]:
    return sections_from_lines(html_to_lines(markup))


def make_item(
    source: Source,
    position: int,
    number: str,
    title: str,
    *,
    sections: tuple[Section, ...] = (),
    case_numbers: tuple[str, ...] = (),
    closed: bool = False,
    group: str | None = None,
    attachments: tuple[str | Attachment, ...] = (),
    page: int | None = None,
) -> AgendaItem:
    sections = tuple(s for s in sections if s.text)  # an export's empty field says nothing
    item = AgendaItem(
        id=f"{source.digest[:12]}-{position}",
        position=position,
        number=number,
        title=" ".join(normalise(title).split()),
        case_numbers=tuple(dict.fromkeys(c for c in case_numbers if c)),
        sections=sections,
        closed=closed,
        group=group,
        attachments=listed_attachments(attachments),
        page=page,
    )
    return replace(item, outcome=find_outcome(item.section_map()))


def make_meeting(
    source: Source,
    fmt: str,
    *,
    body: str | None,
    date: str | None,
    items: list[AgendaItem],
    title_lines: tuple[str, ...] = (),
    evidence: str = "",
    participants: tuple[str, ...] = (),
    warnings: tuple[str, ...] = (),
    body_kind: str | None = None,
) -> Meeting:
    """The meeting an export describes. Its body is the committee the export names; a structured export
    never gets a cluster guessed from the places its items mention. `title_lines` are the export's own
    words for the document (`Referat`, `Dagsorden`), from which with the items its kind follows;
    `evidence` is what the export says about the meeting beyond the body's name (its header fields, never
    item text), from which corpus.bodies places the body (kind, municipality, region); `body_kind`
    overrides the kind the name gives (a publisher's pseudo-committee is no committee)."""
    if not items:
        raise NotAMeeting("the file names no agenda items")
    notes = list(warnings)
    if date is None and not any("date" in note for note in notes):  # a reader may have said why already
        notes.append("no meeting date found")
    evidence = "\n".join((*title_lines, evidence, *participants))
    info = describe_body(body, evidence, source.registry, int(date[:4]) if date else None, source.place)
    return Meeting(
        path=source.path,
        content_hash=source.digest,
        cluster=info.cluster,
        region=info.region,
        forum=None,
        date=date,
        date_inferred=False,
        body=info.body,
        body_kind=body_kind or info.body_kind,
        municipality=info.municipality,
        period=info.period,
        kind=document_kind(list(title_lines), items),
        source_format=fmt,
        participants=tuple(p for p in participants if p),
        items=tuple(items),
        warnings=tuple(notes),
    )
