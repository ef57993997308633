"""From lines to a `Meeting`: items, their sections, and the meeting's metadata."""
from __future__ import annotations

import re

from .dates import meeting_date
from .kinds import document_kind
from .labels import match_label
from .metadata import find_case_numbers, find_forum, find_participants
from .model import AgendaItem, Meeting, Section
from .ocr import looks_like_ocr
from .outcome import find_outcome
from .readers import Line
from .registry import Registry, find_region, identify
from .segment import clean, find_headings


def split_meeting(path: str, digest: str, lines: list[Line], registry: Registry) -> Meeting:
    texts = [line.text.rstrip() for line in lines]
    headings = find_headings(lines)
    warnings: list[str] = []
    items: list[AgendaItem] = []
    header_end = headings[0].start if headings else min(len(texts), 40)
    header = texts[:header_end]
    for position, heading in enumerate(headings, start=1):
        stop = headings[position].start if position < len(headings) else len(texts)
        body = texts[heading.end : stop]
        sections = split_sections(body)
        items.append(
            AgendaItem(
                id=f"{digest[:12]}-{position}",
                position=position,
                number=heading.number,
                title=heading.title,
                time=heading.time,
                presenter=heading.presenter,
                case_numbers=tuple(find_case_numbers("\n".join(body))),
                sections=sections,
                outcome=find_outcome({s.name: s.text for s in sections}),
                page=lines[heading.start].page,
                line=lines[heading.start].number,
            )
        )
    if not items:
        warnings.append("no agenda items recognised; the whole text is one item")
        title = next((clean(t) for t in texts if t.strip()), path)[:120]
        first = lines[0] if lines else None
        items.append(AgendaItem(id=f"{digest[:12]}-1", position=1, number="1", title=title,
                                sections=split_sections(texts), page=first and first.page,
                                line=first and first.number))

    participants = find_participants(header) or find_participants(texts)
    if not participants:
        for n, heading in enumerate(headings):
            if re.fullmatch(r"deltagere|deltagerliste|til stede", heading.title.strip(" .:").lower()):
                stop = headings[n + 1].start if n + 1 < len(headings) else len(texts)
                participants = [clean(t) for t in texts[heading.end:stop] if t.strip()]
                participants = participants[: next((k for k, t in enumerate(participants) if match_label(t)), None)]
                break
    title_lines = [clean(t) for t in header if t.strip()][:8]
    full_text = "\n".join(texts)
    header_text = "\n".join(header)
    body_evidence = "\n".join(texts[header_end:])
    body, notes = identify(registry, header_text + "\n" + "\n".join(participants), body_evidence)
    warnings += notes
    region = body.region if body else find_region(registry, header_text + "\n" + full_text)
    date, inferred = meeting_date(header_text, full_text)
    if date is None:
        date, inferred = meeting_date("\n".join(texts[:60]), full_text)
    if date is None:
        warnings.append("no meeting date found")
    if body is None:
        warnings.append("cluster not recognised (extend the registry with --registry)")
    return Meeting(
        path=path,
        content_hash=digest,
        cluster=body.name if body else None,
        region=region,
        forum=find_forum(title_lines),
        date=date,
        date_inferred=inferred,
        participants=tuple(participants),
        kind=document_kind(title_lines, items),
        ocr=looks_like_ocr(full_text),
        items=tuple(items),
        warnings=tuple(warnings),
    )


def split_sections(body: list[str]) -> tuple[Section, ...]:
    """Sections of one item by their labels; text before the first label is `tekst`."""
    sections: list[Section] = []
    name, buffer = "tekst", []

    def close() -> None:
        text = _paragraphs(buffer)
        if text or name != "tekst":
            sections.append(Section(name, text))

    for line in body:
        label = match_label(line)
        if label:
            close()
            name, inline = label
            buffer = [inline] if inline else []
        else:
            buffer.append(line)
    close()
    return tuple(sections)


def _paragraphs(lines: list[str]) -> str:
    """Lines joined with their paragraph breaks kept; runs of blank lines become one."""
    text = "\n".join(" ".join(l.split()) for l in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
