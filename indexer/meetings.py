"""Meetings from documents: which files are copies or versions of one meeting, and its merged items.

A meeting is a body and a date. The documents of one meeting are identical copies, the same minutes in
other formats (PDF, HTML, TXT, an XML export), its agenda (dagsorden), additions to it
(tillægsdagsorden) and its minutes (referat). They are merged into one list of items: each item keeps one
set of searchable text, where the minutes supersede the agenda (decision and outcome come from them)
and every document it appears in is listed as a source. A document without a date is never merged
with a different document: only its identical copies join it.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from corpus.bodies import split_period
from corpus.model import AgendaItem, Attachment, Meeting

from .cases import case_keys, formality, normal_title
from .facets import FACETS

# Which version's text an item shows: the minutes first, the agenda last (unknown sits in between: a
# document that does not say what it is, but was not recognised as minutes either).
KIND_RANK = {"referat": 0, None: 1, "tillægsdagsorden": 2, "dagsorden": 3}
# Among documents of one kind, whose text is kept: structured exports read most exactly.
FORMAT_RANK = {"xml": 0, "json": 0, "html": 1, "txt": 2, "pdf": 3}
TITLE_OVERLAP = 0.6  # share of titles two documents of one date must have in common to be one meeting
SIMILAR_TITLE = 0.9  # similarity (difflib ratio) of one item's title as two documents read it
MEETING_ID_CHARS = 40
# The facets that describe a whole meeting (cluster, body, ...): the meeting list filters by them.
MEETING_FACETS = tuple(f for f in FACETS if f.kind == "name" and f.field in Meeting.__dataclass_fields__)


@dataclass(frozen=True)
class Source:
    """One place an item was read from."""
    path: str
    format: str | None
    kind: str | None
    content_hash: str
    position: int
    page: int | None = None
    line: int | None = None

    @property
    def where(self) -> str:
        """`p. 3` or `line 120` (empty when the format has neither)."""
        return f"p. {self.page}" if self.page else f"line {self.line}" if self.line else ""

    @property
    def uri(self) -> str:
        """The file's URI, at the item's page in a PDF (`#page=N`, which PDF viewers open at)."""
        uri = Path(self.path).absolute().as_uri()
        return f"{uri}#page={self.page}" if self.page and self.format == "pdf" else uri

    def to_json(self) -> dict:
        return {**asdict(self), "uri": self.uri}


def pack_sources(sources, path: str, content_hash: str) -> list[list]:
    """Sources as stored with an item: lists, the item's own path and content hash (its primary
    source's, stored in fields of their own) left out as None."""
    return [[None if s.path == path else s.path, s.format, s.kind,
             None if s.content_hash == content_hash else s.content_hash, s.position, s.page, s.line]
            for s in sources]


def unpack_sources(stored: dict) -> list[Source]:
    """The sources of an item's stored fields (see pack_sources)."""
    return [Source(row[0] or stored["path"], row[1], row[2], row[3] or stored["content_hash"], *row[4:])
            for row in stored.get("sources") or []]


def pack_attachments(attachments) -> list[list]:
    """An item's attachments as stored with it: name, number, the publisher's id, the file, its hash,
    OCR or not, and the text of each page (for the page a hit is on, and its passage)."""
    return [[a.name, a.number, a.ref, a.source, a.content_hash, a.ocr, list(a.pages)] for a in attachments]


def unpack_attachments(stored: dict) -> list[Attachment]:
    return [Attachment(name, number, ref, source, content_hash, tuple(pages), ocr)
            for name, number, ref, source, content_hash, ocr, pages in stored.get("attachments") or []]


def attachments_text(attachments) -> str:
    """The text of an item's attachments as its attachment field holds it (searched, and checked for
    exact forms)."""
    return "\n\n".join(a.text for a in attachments if a.pages)


@dataclass(frozen=True)
class MergedItem:
    id: str
    item: AgendaItem  # the text shown and searched: the best version's, sections merged over versions
    sources: tuple[Source, ...]  # the primary source first
    formality: str | None
    cases: tuple[str, ...]  # indexer.cases.case_keys
    digest: str  # changes when what a reader sees changes (text, decision), not when a copy comes or goes

    @property
    def primary(self) -> Source:
        return self.sources[0]

    @property
    def versions(self) -> tuple[str, ...]:
        return versions_of(self.sources)


@dataclass(frozen=True)
class MergedMeeting:
    id: str
    meeting: Meeting  # the primary document: the meeting's metadata come from it
    documents: tuple[Meeting, ...]  # one per distinct content, primary first
    paths: dict[str, tuple[str, ...]]  # content hash -> every path holding that content
    items: tuple[MergedItem, ...] = field(default_factory=tuple)

    @property
    def versions(self) -> tuple[str, ...]:
        return versions_of(self.documents)

    @property
    def files(self) -> int:
        return sum(len(p) for p in self.paths.values())


def fold(text: str) -> str:
    """ASCII slug text: æ->ae, ø->oe, å->aa, accents dropped, lowercase words joined by '-'."""
    text = (text or "").lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[a-z0-9]+", text))


def who_key(body: str | None, cluster: str | None, municipality: str | None, forum: str | None) -> str | None:
    """Who met, as a key: the body when the document names it, else its cluster and forum."""
    if body:
        return fold(split_period(body)[0])
    parts = [fold(p) for p in (cluster, municipality, forum) if p]
    return "-".join(parts) or None


def body_key(meeting: Meeting) -> str | None:
    return who_key(meeting.body, meeting.cluster, meeting.municipality, meeting.forum)


def meeting_key(meeting: Meeting) -> str:
    """Body and date; a document without a date, or with no body, cluster or forum, is its own meeting."""
    who = body_key(meeting)
    if meeting.date and who:
        return f"{meeting.date}-{who}"
    return f"u-{meeting.content_hash[:16]}"


def meeting_id(key: str) -> str:
    """A short, readable, stable id: the key cut to length, with a hash of the whole when cut."""
    if len(key) <= MEETING_ID_CHARS:
        return key
    return key[: MEETING_ID_CHARS - 7].rstrip("-") + "-" + hashlib.sha1(key.encode()).hexdigest()[:6]


def group_documents(documents: list[Meeting]) -> list[list[Meeting]]:
    """Documents (one per distinct content) grouped into meetings.

    Documents of one key (body + date) are one meeting when they share most of their item titles or one
    adds to the other (a tillægsdagsorden); two different meetings of one body on one day stay apart.
    A document that names no body joins a meeting of its date when most of their substantive item titles
    are the same and nothing else (cluster, municipality) contradicts; documents of differently named
    bodies never merge, however many titles they share (committees meeting on one day share joint items).
    A document without a date joins nothing.
    """
    groups: list[list[Meeting]] = []
    by_date: dict[str, list[list[Meeting]]] = {}
    for doc in sorted(documents, key=_priority):
        target = None
        if doc.date:
            key = meeting_key(doc)
            same_day = by_date.setdefault(doc.date, [])
            target = next((g for g in same_day if meeting_key(g[0]) == key and _compatible(g, doc)
                           and (_adds_to(g, doc) or _shared_titles(g, doc))), None)
            if target is None:
                target = next((g for g in same_day if _compatible(g, doc) and _shared_titles(g, doc)), None)
        if target is None:
            groups.append([doc])
            if doc.date:
                by_date[doc.date].append(groups[-1])
        else:
            target.append(doc)
    return groups


def _adds_to(group: list[Meeting], doc: Meeting) -> bool:
    return doc.kind == "tillægsdagsorden" or any(d.kind == "tillægsdagsorden" for d in group)


def _compatible(group: list[Meeting], doc: Meeting) -> bool:
    """Documents of one date that may be one meeting: at most one body among those that name one (a
    structured export's committee is the body; another name is another body's meeting, whatever the
    titles share), and no two clusters or municipalities."""
    docs = [*group, doc]
    return all(len({v for d in docs if (v := attr(d))}) <= 1
               for attr in (_named_body, lambda d: d.cluster, lambda d: d.municipality))


def _named_body(doc: Meeting) -> str | None:
    """The body's name as a key: folded, an election period (`Byråd 2022-2025`) left out."""
    return fold(split_period(doc.body)[0]) if doc.body else None


def _substantive_titles(docs) -> set[str]:
    return {t for d in docs for i in d.items if (t := normal_title(i.title)) and not formality(i.title)}


def _shared_titles(group: list[Meeting], doc: Meeting) -> bool:
    """Most substantive titles of the smaller side are on the other: formalities do not count, since
    every meeting approves its agenda."""
    mine, theirs = _substantive_titles([doc]), _substantive_titles(group)
    smaller = min(len(mine), len(theirs))
    if smaller == 0:
        return not mine and not theirs and meeting_key(doc) == meeting_key(group[0])
    return len(mine & theirs) >= TITLE_OVERLAP * smaller


def _priority(doc: Meeting) -> tuple:
    return (KIND_RANK.get(doc.kind, 1), FORMAT_RANK.get(doc.source_format or "", 4), doc.path)


def versions_of(documents) -> tuple[str, ...]:
    """The kinds of document (sources or meetings) present, in agenda order: dagsorden, tillæg, referat."""
    present = {d.kind for d in documents if d.kind}
    return tuple(k for k in ("dagsorden", "tillægsdagsorden", "referat") if k in present)


def merged_id(documents: list[Meeting], taken: set[str] | None = None) -> str:
    """The id `merge` gives one meeting's documents: its key's, or, when `taken` (the ids of other meetings
    of this run) has that, one of its own (a second meeting of one body on one day). It reads only the
    documents' metadata, so a plan can name a meeting before its text is read back."""
    primary = min(documents, key=_priority)
    key = meeting_key(primary)
    return meeting_id(key if not taken or meeting_id(key) not in taken else f"{key}-{primary.content_hash[:6]}")


def merge(documents: list[Meeting], paths: dict[str, list[str]] | None = None,
          taken: set[str] | None = None, mid: str | None = None) -> MergedMeeting:
    """One meeting's documents (distinct contents; `paths` adds each content's identical copies) merged.

    Items are matched across documents by number and title: the same number with a similar title, or
    the same title under another number. An item found in no earlier document is added, so the items
    of a tillægsdagsorden join the meeting. Its id is `mid` (`merged_id`, named by a plan), else
    `merged_id(documents, taken)`.
    """
    docs = sorted(documents, key=_priority)
    primary = docs[0]
    key = meeting_key(primary)
    mid = mid or merged_id(docs, taken)
    who = body_key(primary) or key
    primary = described(docs)
    all_paths = {d.content_hash: tuple(sorted(set((paths or {}).get(d.content_hash, [])) | {d.path},
                                              key=lambda p: (p != d.path, p)))
                 for d in docs}
    slots: list[list[tuple[Meeting, AgendaItem]]] = []
    keys: list[tuple[str, str]] = []  # (number, normal title) of each slot's first version
    for doc in docs:
        taken_slots: set[int] = set()
        for item in doc.items:
            mine = (_number(item.number), normal_title(item.title))
            n = _match(keys, mine, taken_slots)
            if n is None:
                slots.append([(doc, item)])
                keys.append(mine)
                n = len(slots) - 1
            else:
                slots[n].append((doc, item))
            taken_slots.add(n)
    ordered = sorted(slots, key=_slot_order(docs))
    items: list[MergedItem] = []
    used: set[str] = set()
    for slot in ordered:
        items.append(_merged_item(mid, who, slot, all_paths, used))
    return MergedMeeting(mid, primary, tuple(docs), all_paths, tuple(items))


_STRUCTURED = ("xml", "json")  # how the format names of publishers' exports end: their committee is the body


def described(docs: list[Meeting]) -> Meeting:
    """The primary document, described by all of the meeting's documents: the body as a structured
    export names it (else the first that names one), and what the primary leaves open (municipality,
    cluster, region) from the others."""
    primary = docs[0]
    named = [d for d in docs if d.body]
    exported = [d for d in named if (d.source_format or "").endswith(_STRUCTURED)]
    source = (exported or named or [primary])[0]
    fields: dict[str, Any] = {"body": source.body, "body_kind": source.body_kind, "period": source.period}
    if fields["body_kind"] in (None, "other") and source.body:
        fields["body_kind"] = next((d.body_kind for d in named if _named_body(d) == _named_body(source)
                                    and d.body_kind not in (None, "other")), fields["body_kind"])
    for name in ("municipality", "cluster", "region"):
        fields[name] = getattr(primary, name) or next((getattr(d, name) for d in docs if getattr(d, name)), None)
    return dataclasses.replace(primary, **fields)


def _match(keys: list[tuple[str, str]], mine: tuple[str, str], taken: set[int]) -> int | None:
    """The slot an item joins: the same number with the same title (allowing a little reading damage),
    else the same title under another number."""
    number, title = mine
    same_title = None
    for n, (other_number, other_title) in enumerate(keys):
        if n in taken:
            continue
        if number and other_number == number and _similar(title, other_title):
            return n
        if same_title is None and title and other_title == title:
            same_title = n
    return same_title


def _number(number: str) -> str:
    return (number or "").strip().rstrip(".").lstrip("0").lower()


def _similar(a: str, b: str) -> bool:
    """One title, read twice: equal, one cut short of the other, or a few characters apart (OCR,
    hyphenation); `Status på telekol` and `Status på økonomi` are not."""
    if a == b or (a and b and (a.startswith(b) or b.startswith(a))):
        return True
    return bool(a and b) and SequenceMatcher(None, a, b, autojunk=False).ratio() >= SIMILAR_TITLE


def _slot_order(docs: list[Meeting]):
    """Items in the agenda's order: by position in the first document that has them, documents in
    agenda order (the agenda, then its additions, then items found only in the minutes)."""
    agenda_order = sorted(range(len(docs)), key=lambda k: (-KIND_RANK.get(docs[k].kind, 1), k))
    rank = {id(docs[k]): r for r, k in enumerate(agenda_order)}

    def order(slot):
        first = min(slot, key=lambda pair: rank[id(pair[0])])
        return (rank[id(first[0])], first[1].position)

    return order


def _merged_item(mid: str, who: str, slot, all_paths, used: set[str]) -> MergedItem:
    best = slot[0][1]  # documents are in priority order, so the first version is the best
    sections: dict[str, str] = {}
    for _, version in slot:
        for name, text in version.section_map().items():
            if name not in sections and text:
                sections[name] = text
    outcome = next((v.outcome for _, v in slot if v.outcome), None)
    numbers = tuple(dict.fromkeys(n for _, v in slot for n in v.case_numbers))
    merged = AgendaItem(
        id="", position=best.position, number=best.number, title=best.title,
        time=next((v.time for _, v in slot if v.time), None),
        presenter=next((v.presenter for _, v in slot if v.presenter), None),
        case_numbers=numbers,
        sections=tuple(_section_objects(sections, slot)),
        outcome=outcome, closed=all(v.closed for _, v in slot), listed_only=all(v.listed_only for _, v in slot),
        group=best.group, attachments=_attachments(slot),
        page=best.page, line=best.line, warnings=best.warnings,
    )
    sources = tuple(
        Source(path, d.source_format or _suffix(path), d.kind, d.content_hash, v.position, v.page, v.line)
        for d, v in slot for path in all_paths[d.content_hash]
    )
    item_id = _item_id(mid, best, used)
    merged = AgendaItem(**{**merged.__dict__, "id": item_id})
    name = formality(best.title)
    digest = _digest(merged)
    return MergedItem(item_id, merged, sources, name, case_keys(best.title, numbers, who), digest)


def _attachments(slot) -> tuple[Attachment, ...]:
    """Each attachment once by name, over the item's versions: a read one over one only named."""
    found: dict[str, Attachment] = {}
    for _, version in slot:
        for a in version.attachments:
            if a.name not in found or (a.pages and not found[a.name].pages):
                found[a.name] = a
    return tuple(found.values())


def _section_objects(sections: dict[str, str], slot):
    from corpus import Section

    order = [s.name for _, v in slot for s in v.sections]
    for name in dict.fromkeys(order):
        if name in sections:
            yield Section(name, sections[name])


def _suffix(path: str) -> str | None:
    m = re.search(r"\.([A-Za-z0-9]+)$", path)
    return m.group(1).lower() if m else None


def _item_id(mid: str, item: AgendaItem, used: set[str]) -> str:
    """meeting id + item number; an item whose number is taken (a tillæg numbered anew) adds a title hash."""
    number = fold(item.number) or str(item.position)
    candidate = f"{mid}-{number}"
    if candidate in used:
        candidate += "-" + hashlib.sha1(normal_title(item.title).encode()).hexdigest()[:4]
    while candidate in used:
        candidate += "x"
    used.add(candidate)
    return candidate


def _digest(item: AgendaItem) -> str:
    read = [a.content_hash for a in item.attachments if a.content_hash]
    payload = json.dumps([item.number, item.title, item.section_map(), item.outcome] + ([read] if read else []),
                         ensure_ascii=False, sort_keys=True)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:16]
