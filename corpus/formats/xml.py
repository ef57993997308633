"""The XML exports of the Danish meeting systems: KMD eDoc, SBSYS eDagsorden and Acadre.

Real exports carry invalid character references (`&#xC;` from a page break in Word) and other damage;
lxml's recovering parser reads past them, as a browser would. Each export names its committee, meeting
date, items (number, title, case number, open/closed) and each item's fields by caption.

- eDoc `eDocAgendaPublishing.xml`: `Meeting/Committee`, `MeetingDate`, `MeetingAgendaType[AgendaType]`
  with `MeetingAgendaItem`s (`AgendaItemNumber`, `Document/Title`, attachments, the item as `FullText`).
- SBSYS `Publication*.xml`, both schema generations: `Agenda/Meeting/When`, `Committee/Name`,
  `Items/Item` (`Number`, `Caption`, `IsPublic`, `Fields/ItemField` with `Caption` and HTML `Content`,
  CDATA in the older one). Two-level numbering (`1`, `1.1`, `1.2`): a number with sub-items is their
  group; `0` entries (`Åbent referat`, `Lukket referat`) are the minutes documents, not items.
- Acadre agenda XML: nested `<table name=...>` with `<field name=...>`: `committee`, `meeting`,
  `agendaitem` (name, caseno, accessname), its running number in `agendaitemparents.sort`, sections as
  `bullet`s (bulletname, HTML bulletcontent), `enclosure` names.
"""
from __future__ import annotations

import re

from ..labels import match_label
from ..model import AgendaItem, Meeting
from ..readers import Line, ReadError
from .common import (
    NotAMeeting,
    Source,
    closed_title,
    export_date,
    html_to_lines,
    make_item,
    make_meeting,
    sections_from_lines,
)

FORMAT_EDOC = "edoc-xml"
FORMAT_SBSYS = "sbsys-xml"
FORMAT_ACADRE = "acadre-xml"


def parse(data: bytes):
    """The root element, reading past invalid character references and similar damage."""
    from lxml import etree

    parser = etree.XMLParser(recover=True, huge_tree=True, resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ReadError(f"damaged XML ({exc})") from None
    if root is None:
        raise ReadError("damaged XML: no element could be read")
    return root


def _text(node, path: str) -> str:
    found = node.find(path) if node is not None else None
    return " ".join((found.text or "").split()) if found is not None and found.text else ""


def _number_key(number: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in re.findall(r"\d+", number)) or (10**6,)


def sniff_edoc(data: bytes) -> bool:
    return b"<MeetingAgendaItem" in data[:2_000_000]


def read_edoc(source: Source) -> Meeting:
    root = parse(source.data)
    committee = _text(root, "Committee")
    entries = []
    for agenda_type in root.iter("MeetingAgendaType"):
        closed = "lukket" in _text(agenda_type, "AgendaType").lower()
        for entry in agenda_type.iter("MeetingAgendaItem"):
            entries.append((_number_key(_text(entry, "AgendaItemNumber")), closed, entry))
    entries.sort(key=lambda e: (e[0], e[1]))
    items = []
    for position, (_, closed, entry) in enumerate(entries, start=1):
        number = _text(entry, "AgendaItemNumber") or str(position)
        title, marked = closed_title(_text(entry, "Document/Title") or _text(entry, "Document/NeutralTitle"))
        lines = _edoc_item_lines(entry.findtext("FullText") or "", number)
        head = "\n".join(line.text for line in lines[:6])
        items.append(make_item(
            source, position, number, title,
            sections=sections_from_lines(lines),
            case_numbers=tuple(_CASE.findall(head)),
            closed=closed or marked,
            attachments=tuple(_text(a, "Title") for a in entry.iterfind("Document/Attachments/Attachment")),
        ))
    return make_meeting(source, FORMAT_EDOC, body=committee or None, date=export_date(_text(root, "MeetingDate")),
                        items=items, title_lines=(_text(root, "MeetingState"), _text(root, ".//AgendaType")),
                        evidence=_edoc_front_page(root))


def _edoc_front_page(root) -> str:
    """The minutes' own front page (the meeting-level FullText up to its table of contents)."""
    text = root.findtext("MeetingAgendaTypes/MeetingAgendaType/FullText") or ""
    lines = [" ".join(t.split()) for t in text.replace("\r", "\n").split("\n")]
    lines = [t for t in lines if t]
    end = next((n for n, t in enumerate(lines) if t.lower().startswith("indholdsfortegnelse")), min(len(lines), 40))
    return "\n".join(lines[:end])


_CASE = re.compile(r"^Sagsnr\.?:?\s*(\S+)", re.M)


def _edoc_item_lines(full_text: str, number: str) -> list[Line]:
    """The item's own text, its printed title line dropped; the decision's caption
    (`<Udvalg>s beslutning den 04.12.2012 Punkt 2`) without the item number eDoc adds to it."""
    lines = [" ".join(t.split()) for t in full_text.replace("\r", "\n").replace("\f", "\n").split("\n")]
    lines = [t for t in lines if t]
    if lines and re.match(rf"^{re.escape(number)}\.?\s", lines[0]):
        lines = lines[1:]
    return [Line(_PUNKT_SUFFIX.sub("", t) if match_label(_PUNKT_SUFFIX.sub("", t)) else t) for t in lines]


_PUNKT_SUFFIX = re.compile(r"\s+Punkt\s+\d+\s*$")


def sniff_sbsys(data: bytes) -> bool:
    head = data[:4096]
    return b"<Publication" in head and b"<Items" in data and b"<Item" in data


def read_sbsys(source: Source) -> Meeting:
    root = parse(source.data)
    agenda = root.find(".//Agendas/Agenda")
    if agenda is None:
        raise NotAMeeting("SBSYS publication without an agenda")
    committee = _text(agenda, "Committee/Name") or _text(agenda, "Name")
    entries = [item for item in agenda.iterfind("Items/Item")]
    numbers = [_text(item, "Number") for item in entries]
    parents = {n.rsplit(".", 1)[0] for n in numbers if "." in n}
    enclosures: dict[str, list[str]] = {}
    for enclosure in agenda.iterfind("Enclosures/Enclosure"):
        enclosures.setdefault(_text(enclosure, "ItemNumber"), []).append(_text(enclosure, "Name"))
    items: list[AgendaItem] = []
    groups: dict[str, str] = {}
    documents: list[str] = []
    for item, number in zip(entries, numbers, strict=True):
        caption = _text(item, "Caption")
        if number in parents:
            groups[number] = f"{number}. {caption}"
            continue
        if not number.strip("0."):
            documents.append(caption)  # `0 Åbent referat` / `0 Lukket referat`: the minutes, not agenda items
            continue
        title, marked = closed_title(caption)
        lines: list[Line] = []
        for field in item.iterfind("Fields/ItemField"):
            content = html_to_lines(field.findtext("Content") or "")
            label = _text(field, "Caption")
            if label and label != caption and (content or _is_label(label)):
                lines.append(Line(label, heading=1))
            lines += content
        names = [_text(e, "Name") for e in item.iterfind("Enclosures/Enclosure")] + enclosures.get(number, [])
        items.append(make_item(
            source, len(items) + 1, number, title,
            sections=sections_from_lines(lines),
            case_numbers=(_text(item, "Case/Number"),),
            closed=marked or _text(item, "IsPublic").lower() == "false",
            group=groups.get(number.rsplit(".", 1)[0]) if "." in number else None,
            attachments=tuple(dict.fromkeys(names)),
        ))
    when = _text(agenda, "Meeting/When") or _text(agenda, "Meeting/Date")
    return make_meeting(source, FORMAT_SBSYS, body=committee or None, date=export_date(when), items=items,
                        title_lines=tuple(documents),
                        participants=tuple(_text(m, "Name") for m in agenda.iterfind("Meeting/Members/MeetingMember")))


def _is_label(caption: str) -> bool:
    return match_label(caption) is not None


def sniff_acadre(data: bytes) -> bool:
    return b'<table name="agenda"' in data[:4096] and b'name="agendaitem"' in data


def _fields(table) -> dict[str, str]:
    return {f.get("name"): (f.text or "") for f in table.iterfind("fields/field")}


def read_acadre(source: Source) -> Meeting:
    root = parse(source.data)
    tables: dict[str, list[dict[str, str]]] = {}
    bullets: dict[int, list[dict[str, str]]] = {}
    enclosures: dict[int, list[str]] = {}
    order: list[dict[str, str]] = []
    for table in root.iter("table"):
        name, fields = table.get("name"), _fields(table)
        tables.setdefault(name, []).append(fields)
        if name == "agendaitem":
            order.append(fields)
        elif name == "bullet" and order:
            bullets.setdefault(len(order) - 1, []).append(fields)
        elif name == "enclosure" and order:
            enclosures.setdefault(len(order) - 1, []).append(fields.get("name", ""))
    sort = {p.get("agitemid"): p.get("sort", "") for p in tables.get("agendaitemparents", [])}
    items = []
    for n, fields in enumerate(order):
        title, marked = closed_title(" ".join(fields.get("name", "").split()))
        lines: list[Line] = []
        for bullet in sorted(bullets.get(n, []), key=lambda b: _number_key(b.get("bulletsortorder", ""))):
            content = html_to_lines(bullet.get("bulletcontent", ""))
            if content:
                lines.append(Line(" ".join(bullet.get("bulletname", "").split()), heading=1))
                lines += content
        items.append(make_item(
            source, n + 1, sort.get(fields.get("sysid")) or str(n + 1), title,
            sections=sections_from_lines(lines),
            case_numbers=(fields.get("caseno", "").strip(),),
            closed=marked or fields.get("accessname", "").strip().lower() == "lukket",
            attachments=tuple(" ".join(e.split()) for e in enclosures.get(n, [])),
        ))
    agenda = (tables.get("agenda") or [{}])[0]
    committee = " ".join((tables.get("committee") or [{}])[0].get("name", "").split())
    meeting = (tables.get("meeting") or [{}])[0]
    return make_meeting(source, FORMAT_ACADRE, body=committee or None, date=export_date(meeting.get("date")),
                        items=items, title_lines=(agenda.get("name", ""),),
                        evidence=(tables.get("committee") or [{}])[0].get("departmentName", ""))


def read_unknown(source: Source) -> Meeting:
    """An XML file of no known export: said so, by its root element."""
    root = parse(source.data)
    raise NotAMeeting(f"XML that is not a known agenda export (root element <{root.tag}>)")
