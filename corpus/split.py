"""From lines to a `Meeting`: items, their sections, and the meeting's metadata."""
from __future__ import annotations

import re
from dataclasses import replace

from .bodies import (
    CLUSTER_FORUM,
    OTHER,
    cluster_of_participants,
    describe_body,
    find_body_name,
    header_municipality,
    kind_of_name,
)
from .dates import meeting_date
from .kinds import document_kind
from .labels import match_label
from .metadata import find_case_numbers, find_forum, find_participants
from .model import AgendaItem, Meeting, Section
from .ocr import looks_like_ocr
from .outcome import find_outcome
from .readers import Line
from .registry import Registry
from .segment import Heading, clean, is_page_type, prepare, segment

_CASE_LINE = re.compile(r"^\s*(?:sags?\s*nr|sagsnummer|j\.?\s*nr|journal\s*nr)\.?\s*:?\s*[\w./-]*\d", re.IGNORECASE)
_GROUP_HEADER = re.compile(r"^\s*\d{1,2}\.0\.?\s+\S")
_CLOSED_LINE = re.compile(
    r"^\s*(?:lukket punkt|lukket sag|punktet er lukket|lukket)\s*[.:]?\s*$"
    r"|^\s*(?:sags?\s*nr|sagsnummer|sagsbehandler|status)\b.*\blukket\s*$",  # `Sagsnr.: 2016-1 Sagsbehandler: X Lukket`
    re.IGNORECASE,
)


def split_meeting(path: str, digest: str, lines: list[Line], registry: Registry, place: str | None = None) -> Meeting:
    lines = prepare(lines)
    texts = [line.text.rstrip() for line in lines]
    seg = segment(lines)
    headings = seg.headings
    warnings: list[str] = list(seg.warnings)
    items: list[AgendaItem] = []
    header_end = seg.header_end
    header = texts[:header_end]
    ranges = _body_ranges(headings, texts)
    if len(headings) >= 2 and not any(t.strip() and not _GROUP_HEADER.match(t) for a, b in ranges for t in texts[a:b]):
        # An agenda of headings only (`1.1 Title` lines under `1.0 Group`): each item is listed, not written.
        headings = [replace(h, listed_only=True) for h in headings]
        ranges = _body_ranges(headings, texts)
    for position, (heading, (start, stop)) in enumerate(zip(headings, ranges, strict=True), start=1):
        body = texts[start:stop]
        lead = _case_line_before(heading, texts)
        sections = split_sections(body)
        cases = list(heading.case_numbers)
        for case in find_case_numbers("\n".join(([texts[lead]] if lead is not None else []) + body)):
            if case not in cases:
                cases.append(case)
        closed = heading.closed or any(_CLOSED_LINE.search(t) for t in body[:4] if t.strip() and len(t) < 200)
        items.append(
            AgendaItem(
                id=f"{digest[:12]}-{position}",
                position=position,
                number=heading.number,
                title=heading.title,
                time=heading.time,
                presenter=heading.presenter,
                case_numbers=tuple(cases),
                sections=sections,
                outcome=find_outcome({s.name: s.text for s in sections}),
                closed=closed,
                listed_only=heading.listed_only,
                group=heading.group,
                page=lines[heading.start].page,
                line=lines[heading.start].number,
                warnings=heading.warnings,
            )
        )
    if not items:
        items = _unheaded_items(texts, lines, digest)
        if items:
            warnings.append("no item headings printed; items start where the section labels start again")
            header_end = next(i for i, t in enumerate(texts) if match_label(t) and not is_page_type(t))
            header = texts[:header_end]
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
    date, inferred = meeting_date(header_text, full_text)
    if date is None:
        warnings.append("no meeting date in the header")
    year = int(date[:4]) if date else None
    listed = {" ".join(p.split()) for p in participants}  # a participant's line never names the body
    name, guessed = find_body_name([t for t in header if " ".join(t.split()) not in listed], texts[header_end:])
    evidence = header_text + "\n" + "\n".join(participants)
    info = describe_body(name, evidence, registry, year, place)
    if (info.body_kind in ("municipal committee", "other") and info.municipality is None) or info.region is None:
        wider = describe_body(name, evidence + "\n" + full_text, registry, year, place)
        info = replace(wider, cluster=info.cluster,
                       body_kind=info.body_kind if info.body_kind != "other" else wider.body_kind,
                       region=info.region or wider.region)
    if info.municipality is None and info.body_kind in (None, "municipal committee", OTHER):
        named = header_municipality(registry, "\n".join(t for t in header if clean(t) not in participants))
        if named:
            info = replace(info, municipality=named, region=info.region or registry.municipality_region(named))
    warnings += info.notes
    forum = find_forum(title_lines)
    inferred_cluster = None
    if info.body is None and info.cluster is None:
        inferred_cluster = cluster_of_participants(registry, participants)
    if inferred_cluster is not None:
        forum = forum or _forum_named(texts)
        info = replace(info, body=forum, body_kind=CLUSTER_FORUM, cluster=inferred_cluster.name, municipality=None,
                       region=registry.region_in(inferred_cluster.region, year))
        warnings.append(f"cluster inferred from the participant list: {inferred_cluster.name}")
    if guessed:
        warnings.append(f"body not named in the header; guessed from the decisions: {info.body}")
    if info.body is None and inferred_cluster is None:
        warnings.append("body not recognised (name it in the header, or extend the registry with --registry)")
    elif info.body_kind == CLUSTER_FORUM and info.cluster is None:
        warnings.append("cluster not recognised (extend the registry with --registry)")
    if not items:
        if info.body is None and date is None:
            warnings.append("not a meeting: no agenda items, no body and no meeting date; nothing to index")
        else:
            warnings.append("no agenda items recognised; the whole text is one item")
            title = next((clean(t) for t in texts if t.strip()), path)[:120]
            first = lines[0] if lines else None
            items.append(AgendaItem(id=f"{digest[:12]}-1", position=1, number="1", title=title,
                                    sections=split_sections(texts), page=first.page if first else None,
                                    line=first.number if first else None))
    return Meeting(
        path=path,
        content_hash=digest,
        cluster=info.cluster,
        region=info.region,
        body=info.body,
        body_kind=info.body_kind,
        municipality=info.municipality,
        period=info.period,
        forum=forum,
        cluster_inferred=inferred_cluster is not None,
        date=date,
        date_inferred=inferred,
        participants=tuple(participants),
        kind=document_kind(title_lines, items),
        ocr=looks_like_ocr(full_text),
        items=tuple(items),
        warnings=tuple(warnings),
    )


def _forum_named(texts: list[str]) -> str | None:
    """The cluster forum the document names itself most often (`klyngestyregruppen`), for a meeting whose
    header names none."""
    counts: dict[str, int] = {}
    for text in texts:
        lower = text.lower()
        forum = find_forum([text]) if "klynge" in lower or "forum" in lower or "gruppe" in lower else None
        if forum and kind_of_name(forum) == CLUSTER_FORUM:
            counts[forum] = counts.get(forum, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else None


def _body_ranges(headings: list[Heading], texts: list[str]) -> list[tuple[int, int]]:
    """Each item's lines: from its heading to the next item's heading (or the case-number line above it)."""
    real = [h for h in headings if not h.listed_only]
    stops: dict[int, int] = {}
    for n, head in enumerate(real):
        nxt = real[n + 1] if n + 1 < len(real) else None
        stop = len(texts) if nxt is None else nxt.start
        lead = _case_line_before(nxt, texts) if nxt is not None else None
        stops[head.start] = lead if lead is not None and lead >= head.end else stop
    return [(h.end, h.end) if h.listed_only else (h.end, stops[h.start]) for h in headings]


def _case_line_before(heading: Heading, texts: list[str]) -> int | None:
    """The `Sagsnr. 24/1234` line printed just above an item's heading belongs to that item."""
    k = heading.start - 1
    while k >= 0 and not texts[k].strip():
        k -= 1
    return k if k >= 0 and heading.start - k <= 2 and _CASE_LINE.match(texts[k]) else None


def _unheaded_items(texts: list[str], lines: list[Line], digest: str) -> list[AgendaItem]:
    """Minutes without item headings: a new item begins where the first label of the last one recurs."""
    groups: list[tuple[int, int]] = []
    first_name, seen, start = None, set(), None
    for i, text in enumerate(texts):
        label = match_label(text)
        if not label or (start is None and is_page_type(text)):
            continue
        name = label[0]
        if start is None:
            first_name, seen, start = name, {name}, i
        elif name == first_name and len(seen) > 1:
            groups.append((start, i))
            seen, start = {name}, i
        else:
            seen.add(name)
    if start is None or not groups:
        return []
    groups.append((start, len(texts)))
    items = []
    for position, (a, b) in enumerate(groups, start=1):
        sections = split_sections(texts[a:b])
        first_text = next((s.text for s in sections if s.text), "")
        title = " ".join(first_text.split())[:80] or f"Punkt {position}"
        items.append(AgendaItem(
            id=f"{digest[:12]}-{position}", position=position, number=str(position), title=title,
            sections=sections, outcome=find_outcome({s.name: s.text for s in sections}),
            page=lines[a].page, line=lines[a].number,
            warnings=("no printed heading; the title is the item's first words",),
        ))
    return items


def split_sections(body: list[str]) -> tuple[Section, ...]:
    """Sections of one item by their labels; text before the first label is `tekst`."""
    sections: list[Section] = []
    name, buffer = "tekst", list[str]()

    def close() -> None:
        text = _paragraphs(buffer)
        if text or name != "tekst":
            sections.append(Section(name, text))

    for line in body:
        label = match_label(line)
        if label and label[0] == name and not any(b.strip() for b in buffer):
            buffer = [label[1]] if label[1] else []  # `Indstilling` / `Administrationen indstiller,`: one label
        elif label:
            close()
            name, inline = label
            buffer = [inline] if inline else []
        else:
            buffer.append(line)
    close()
    return tuple(sections)


def _paragraphs(lines: list[str]) -> str:
    """Lines joined with their paragraph breaks kept; runs of blank lines become one."""
    text = "\n".join(" ".join(line.split()) for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
