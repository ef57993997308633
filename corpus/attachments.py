"""Attachments (bilag): files read as text page by page, never split into agenda items, and linked to the
item that names them.

An item names its attachments through its publisher's structure (FirstAgenda `Bilag[]` with their ids,
an XML export's enclosures, a saved page's links) or, in text without structure, its `Bilag:` section.
A file is linked to an item of a meeting in its own folder: by the publisher's id in the file's name (as
`referat fetch` saves them), else by its name (`Bilag 2 - Handleplan 2024.pdf` is the attachment
`Handleplan 2024`). A file that nothing links to is an attachment of nothing: a document of its own.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

from .model import AgendaItem, Attachment, Meeting
from .readers import ReadError, decode_text

# Files that are read as an attachment when they hold no meeting (a report, a plan, a hearing answer).
ATTACHMENT_SUFFIXES = (".pdf", ".docx")
_BILAG = re.compile(r"^\s*bilag\b\.?\s*(?:nr\.?\s*)?(\d{1,3})?\s*[-–—.:_)]*\s*", re.I)
_FETCHED = re.compile(r"_bilag_([0-9A-Za-z-]{8,})$")  # `<meeting>_bilag_<publisher id>`, as fetch saves them
_FILE_SUFFIX = re.compile(r"\.(?:pdf|docx?|txt|html?|xlsx?)$", re.I)
_BULLET = re.compile(r"^\s*(?:[-•*–]|\d{1,3}[.)])\s+")


def fetched_name(meeting_stem: str, ref: str) -> str:
    """The file name `referat fetch` gives an attachment beside its meeting (the publisher's id in it)."""
    return f"{meeting_stem}_bilag_{ref}"


def split_name(text: str) -> tuple[int | None, str]:
    """(N, the rest) of `Bilag N - Handleplan 2024.pdf`; (None, the name) for a name without `Bilag`."""
    text = _FILE_SUFFIX.sub("", " ".join(str(text).split()))
    found = _BILAG.match(text)
    if not found:
        return None, text
    rest = text[found.end():].strip()
    return (int(found[1]) if found[1] else None), rest or text


def listed_attachments(entries) -> tuple[Attachment, ...]:
    """An item's attachments from what its document lists (names, or Attachments with the publisher's
    id): named without their `Bilag N`, numbered by it or else by their place in the list."""
    out = []
    for position, entry in enumerate((e for e in entries if e and (not isinstance(e, Attachment) or e.name)),
                                     start=1):
        listed = entry if isinstance(entry, Attachment) else Attachment(str(entry))
        number, name = split_name(listed.name)
        if not name:
            continue
        out.append(replace(listed, name=name, number=listed.number or number or position))
    return tuple(out)


def named_in(item: AgendaItem) -> tuple[tuple[Attachment, bool], ...]:
    """What an item names as its attachments, each with whether it is surely one when no file has its
    name: its publisher's list (sure), else the lines of its `Bilag` section (sure when a line reads as an
    attachment's name, `Bilag 2 - Høringssvar` or `notat.pdf`; a line of prose such as `Ingen bilag` is not)."""
    if item.attachments:
        return tuple((a, True) for a in item.attachments)
    text = item.section_map().get("bilag", "")
    lines = [line for line in (_BULLET.sub("", part).strip() for row in text.splitlines() for part in row.split(";"))
             if line]
    return tuple(zip(listed_attachments(lines),
                     (bool(re.match(r"\s*bilag\s*(?:nr\.?\s*)?\d", line, re.I) or _FILE_SUFFIX.search(line))
                      for line in lines if split_name(line)[1]), strict=False))


def looks_like_attachment(path: str) -> bool:
    """A file named as an attachment: `Bilag 2 - ….pdf`, or as fetch saves them."""
    stem = Path(path).stem
    return bool(_BILAG.match(stem) or _FETCHED.search(stem))


def read_attachment(path: str, data: bytes) -> Attachment:
    """An attachment's text page by page, with the readers of corpus (PDF text layer or OCR, Word, text)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".pdf":
        from .pdf import page_texts

        text = page_texts(data, Path(path).name)
        pages, ocr = tuple(line.text for line in text.lines), text.ocr
    elif suffix == ".docx":
        from .formats.docx import docx_lines

        pages, ocr = ("\n".join(line.text for line in docx_lines(data)).strip(),), False
    else:
        pages, ocr = tuple(p.strip() for p in decode_text(data, html=suffix in (".html", ".htm")).split("\f")), False
    if not any(pages):
        raise ReadError("an attachment without text")
    number, name = split_name(Path(path).stem)
    fetched = _FETCHED.search(Path(path).stem)
    return Attachment(name=name, number=number, ref=fetched[1] if fetched else None, source=path,
                      content_hash=hashlib.sha256(data).hexdigest(), pages=pages, ocr=ocr)


def _key(name: str) -> str:
    from .registry import fold

    return fold(split_name(name)[1])


def _folder(read: Attachment) -> str:
    assert read.source is not None, "an attachment read from its file"
    return str(Path(read.source).parent)


def link(documents: list[tuple[Meeting, tuple[str, ...]]],
         files: list[Attachment]) -> tuple[list[Meeting], list[Attachment]]:
    """Documents (each with the folders it lies in) with the attachment files of their folders linked
    into the items that name them; and the files nothing named. A file read with the publisher's id in
    its name is matched by that id, any other by its name."""
    by_ref: dict[tuple[str, str], Attachment] = {}
    by_name: dict[tuple[str, str], Attachment] = {}
    for read in files:
        folder = _folder(read)
        if read.ref:
            by_ref.setdefault((folder, read.ref.lower()), read)
        else:
            by_name.setdefault((folder, _key(read.name)), read)
    having = {_folder(read) for read in files}
    linked: set[str | None] = set()
    out = []
    for doc, folders in documents:
        if having.isdisjoint(folders):
            out.append(doc)
            continue
        items = []
        for item in doc.items:
            attachments = []
            for listed, sure in named_in(item):
                key = _key(listed.name)
                file = next((found for folder in folders
                             if (found := (by_ref.get((folder, listed.ref.lower())) if listed.ref else None)
                                 or by_name.get((folder, key)))), None)
                if file is not None:
                    linked.add(file.source)
                    attachments.append(replace(file, name=listed.name, number=listed.number,
                                               ref=listed.ref or file.ref))
                elif sure:
                    attachments.append(listed)
            items.append(replace(item, attachments=tuple(attachments)) if attachments else item)
        out.append(replace(doc, items=tuple(items)))
    return out, [read for read in files if read.source not in linked]


NOTHING_LINKS = "an attachment no meeting in its folder names: indexed as a document of its own"


def standalone(read: Attachment) -> Meeting:
    """An attachment of nothing as a document of its folder: one item, titled by its name, holding it."""
    source, digest = read.source, read.content_hash
    assert source is not None and digest is not None, "an attachment read from its file"
    item = AgendaItem(id=f"{digest[:12]}-1", position=1, number="", title=read.label, attachments=(read,))
    return Meeting(path=source, content_hash=digest, cluster=None, region=None, forum=None,
                   date=None, date_inferred=False, source_format=Path(source).suffix.lower().lstrip(".") or None,
                   ocr=read.ocr, items=(item,), warnings=(NOTHING_LINKS,))
