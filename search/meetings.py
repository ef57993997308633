"""Meetings, cases and sources as the library returns them: what `referat meeting`, `meetings`, `case`
and `open` print and the web app shows. Reads what indexer.meetings wrote; Index methods call these."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path

from indexer.cases import NUMBER_PREFIX, case_keys, formality, normal_case_number, normal_title
from indexer.meetings import Source, unpack_attachments, unpack_sources, versions_of, who_key
from indexer.schema import unpack_sections

from .engines import Engine, Find
from .names import body_name, damaged_name
from .query import QueryError, analyse
from .result import BodyRow, MeetingList, MeetingRow
from .tree import And, Node, Term

DECISION_SECTIONS = ("beslutning", "referat")
DECISION_CHARS = 300
UNKNOWN_BODY = "(unknown body)"


def decision_of(sections: dict[str, str]) -> str:
    text = next((sections[name] for name in DECISION_SECTIONS if sections.get(name)), "")
    text = " ".join(text.split())
    return text if len(text) <= DECISION_CHARS else text[: DECISION_CHARS - 1].rstrip() + "…"


def meeting_name(body: str | None, forum: str | None, cluster: str | None) -> str:
    """Who met, for display: the body (cleanly: body_name), else forum and cluster; a damaged body name
    gives way to the forum and cluster the registry names."""
    if body and not (damaged_name(body) and (forum or cluster)):
        return body_name(body)
    return " · ".join(x for x in (forum, cluster) if x) or UNKNOWN_BODY


def _numbers(stored: dict) -> list[str]:
    return [c for c in (stored.get("case_numbers") or "").split(",") if c]


@dataclass(frozen=True)
class ItemSummary:
    """One item as a line of an agenda or a case: where and when, its outcome and decision, its sources."""
    id: str
    meeting: str
    date: str | None
    name: str  # who met (meeting_name)
    number: str
    title: str
    outcome: str | None
    decision: str
    versions: list[str]
    formality: str | None
    case_numbers: list[str]
    sources: list[Source]

    @classmethod
    def of(cls, stored: dict) -> ItemSummary:
        sources = unpack_sources(stored)
        return cls(stored["id"], stored.get("meeting", ""), stored.get("date"),
                   meeting_name(stored.get("body"), stored.get("forum"), stored.get("cluster")),
                   stored.get("number", ""), stored.get("title", ""), stored.get("outcome"),
                   decision_of(unpack_sections(stored.get("content"))), list(versions_of(sources)),
                   formality(stored.get("title", "")), _numbers(stored), sources)

    def to_json(self) -> dict:
        return {**asdict(self), "sources": [s.to_json() for s in self.sources]}


@dataclass(frozen=True)
class MeetingView:
    id: str
    date: str | None
    body: str | None
    cluster: str | None
    region: str | None
    forum: str | None
    versions: list[str]
    files: list[str]
    items: list[ItemSummary] = field(default_factory=list)

    @property
    def name(self) -> str:
        return meeting_name(self.body, self.forum, self.cluster)

    def to_json(self) -> dict:
        return {**{k: v for k, v in asdict(self).items() if k != "items"}, "name": self.name,
                "items": [i.to_json() for i in self.items]}

    def outline(self) -> dict:
        """The meeting without its items' decisions and sources: the context `referat show` gives."""
        return {"id": self.id, "date": self.date, "name": self.name, "versions": self.versions,
                "items": [{"id": i.id, "number": i.number, "title": i.title, "outcome": i.outcome}
                          for i in self.items]}


def item_of(engine: Engine, item_id: str) -> dict | None:
    """The stored fields of the item with this id, None when there is none."""
    found = engine.documents("id", [item_id.strip()])
    return found[0] if found else None


def _every(engine: Engine, query: Node, sort: str = "date") -> list[dict]:
    """The stored fields of every item `query` matches, in `sort` order."""
    total = engine.find(Find(query, hits=False)).total
    return [hit.document for hit in engine.find(Find(query, sort=sort, count=total)).hits] if total else []


def meeting_view(engine: Engine, meeting_or_item_id: str) -> MeetingView:
    """A meeting by its id, or the meeting of an item id: its agenda in order, with outcomes."""
    wanted = meeting_or_item_id.strip()
    docs = _every(engine, Term("meeting", wanted), sort="order") if wanted else []
    if not docs:
        item = item_of(engine, wanted)
        if item and item.get("meeting"):
            docs = _every(engine, Term("meeting", item["meeting"]), sort="order")
    if not docs:
        raise QueryError(f"no meeting with id '{meeting_or_item_id}' (ids are shown by referat meetings)")
    items = [ItemSummary.of(d) for d in docs]
    first = docs[0]
    sources = [s for i in items for s in i.sources]
    return MeetingView(first["meeting"], first.get("date"), first.get("body"), first.get("cluster"),
                       first.get("region"), first.get("forum"), list(versions_of(sources)),
                       sorted({s.path for s in sources}), items)


@dataclass(frozen=True)
class CaseView:
    title: str
    case_numbers: list[str]
    linked_by: str  # "case number" or "title" (the same title in the same body)
    appearances: list[ItemSummary]

    def to_json(self) -> dict:
        return {"title": self.title, "case_numbers": self.case_numbers, "linked_by": self.linked_by,
                "appearances": [a.to_json() for a in self.appearances]}


def case_view(engine: Engine, item_or_number: str) -> CaseView:
    """Every appearance of an item's case (or of a case number), oldest first, with outcomes.

    Items share a case when they share a case number; an item without one shares it with the items of
    the same title in the same body (indexer.cases.case_keys).
    """
    wanted = item_or_number.strip()
    item = item_of(engine, wanted)
    if item is None:
        found = _by_numbers(engine, [wanted])
        if not found:
            raise QueryError(f"no item and no case number '{item_or_number}' (item ids are shown by referat search)")
        return _case(found[-1].get("title", ""), found, "case number")
    keys = case_keys(item.get("title", ""), _numbers(item), _who(item))
    if not keys:
        what = f"a formality ({formality(item.get('title', ''))})" if formality(item.get("title", "")) else \
            "an item without a title or body"
        raise QueryError(f"item '{wanted}' is {what}: it belongs to no case")
    if keys[0].startswith(NUMBER_PREFIX):
        return _case(item.get("title", ""), _by_numbers(engine, _numbers(item)), "case number")
    return _case(item.get("title", ""), _by_title(engine, item), "title")


def _case(title: str, docs: list[dict], linked_by: str) -> CaseView:
    docs = sorted(docs, key=lambda d: (d.get("date") or "9999", d["id"]))
    numbers = list(dict.fromkeys(n for d in docs for n in _numbers(d)))
    return CaseView(title, numbers, linked_by, [ItemSummary.of(d) for d in docs])


def _by_numbers(engine: Engine, numbers: list[str]) -> list[dict]:
    wanted = {normal_case_number(n) for n in numbers}
    docs = engine.documents("case_numbers", sorted(n.lower() for n in wanted))
    return [d for d in docs if wanted & {normal_case_number(n) for n in _numbers(d)}]


def _who(stored: dict) -> str | None:
    return who_key(stored.get("body"), stored.get("cluster"), stored.get("municipality"), stored.get("forum"))


def _by_title(engine: Engine, item: dict) -> list[dict]:
    """Items of the same body whose title, normalised, is the item's: found by the title's words."""
    words = set(analyse(["title"], item.get("title", ""), engine.analysis_settings())["title"])
    if not words:
        return []
    title, who = normal_title(item.get("title", "")), _who(item)
    docs = _every(engine, And(tuple(Term("title", w) for w in sorted(words))))
    return [d for d in docs if not _numbers(d) and normal_title(d.get("title", "")) == title and _who(d) == who]


def list_meetings(table: dict[str, dict], *, names: dict[str, list[str]] | None = None, year: str | None = None,
                  date_from: str | None = None, date_to: str | None = None, sort: str = "-date", limit: int = 50,
                  page: int = 1) -> MeetingList:
    """The meetings of the table (indexer.meeting_table) that pass the filters, newest first. `names`
    are exact values per meeting facet field (Index.meetings resolves the forgiving names users type)."""
    from .engine import parse_day
    from .facets import parse_years

    if sort not in ("date", "-date"):
        raise QueryError(f"invalid sort '{sort}': one of date, -date", "bad_sort", value=sort)
    if limit < 1 or page < 1:
        raise QueryError("--limit and --page must be at least 1")
    rows = list(table.values())
    for fieldname, wanted in (names or {}).items():
        if wanted:
            rows = [r for r in rows if r.get(fieldname) in set(wanted)]
    if year:
        start, end = parse_years(year)
        rows = [r for r in rows if r.get("date") and start <= int(r["date"][:4]) <= end]
    if date_from or date_to:
        lo = parse_day(date_from, "--from") if date_from else dt.date.min.isoformat()
        hi = parse_day(date_to, "--to") if date_to else dt.date.max.isoformat()
        rows = [r for r in rows if r.get("date") and lo <= r["date"] <= hi]
    rows.sort(key=lambda r: (r.get("date") or "", r["id"]), reverse=sort == "-date")
    first = (page - 1) * limit
    shown = [MeetingRow(r["id"], r.get("date"), meeting_name(r.get("body"), r.get("forum"), r.get("cluster")),
                        r.get("body"), r.get("cluster"), r.get("region"), r.get("forum"), r.get("items", 0),
                        r.get("files", 0), list(r.get("versions") or []), list(r.get("formats") or []),
                        r.get("body_kind"), r.get("municipality"), r.get("period"))
             for r in rows[first: first + limit]]
    return MeetingList(len(rows), shown, page, limit)


def attachment_of(engine: Engine, item_id: str, number: int, page: int | None = None) -> Source:
    """The file of an item's attachment (its `Bilag N`, else the N-th listed) as a source at `page`."""
    stored = item_of(engine, item_id)
    if not stored:
        raise QueryError(f"no item with id '{item_id}' (ids are shown by referat search)")
    attachments = unpack_attachments(stored)
    chosen = next((a for a in attachments if a.number == number), None)
    if chosen is None and 1 <= number <= len(attachments):
        chosen = attachments[number - 1]
    if chosen is None:
        raise QueryError(f"item '{item_id}' has {len(attachments)} attachment(s); no attachment {number}")
    if not chosen.source:
        raise QueryError(f"attachment {number} of item '{item_id}' ({chosen.label}) was not read: "
                         "no file of it was fetched or lies beside the minutes")
    if page is not None and not 1 <= page <= max(len(chosen.pages), 1):
        raise QueryError(f"--page must be between 1 and {len(chosen.pages)} for {chosen.label}")
    suffix = Path(chosen.source).suffix.lower().lstrip(".")
    return Source(chosen.source, suffix, "bilag", chosen.content_hash or "", chosen.number or number, page)


def list_bodies(table: dict[str, dict]) -> list[BodyRow]:
    """Every body of the meeting table with its meetings counted, by municipality (or region), then name."""
    found: dict[tuple[str, str | None], dict] = {}  # one committee name in two municipalities is two bodies
    for r in table.values():
        if not r.get("body"):
            continue
        entry = found.setdefault((r["body"], r.get("municipality")), {
            "rows": [], **{k: r.get(k) for k in ("body_kind", "municipality", "cluster", "region")}})
        entry["rows"].append(r)
    bodies = []
    for (name, _), entry in found.items():
        dates = sorted(r["date"] for r in entry["rows"] if r.get("date"))
        bodies.append(BodyRow(name, entry["body_kind"], entry["municipality"], entry["cluster"], entry["region"],
                              len(entry["rows"]), dates[0] if dates else None, dates[-1] if dates else None))
    return sorted(bodies, key=lambda b: (b.municipality or "\uffff", b.region or "", b.name.lower()))


def source_of(engine: Engine, item_id: str, choice: int | None = None) -> Source:
    """The source `referat open` opens: the `choice`-th (1-based) listed, else a PDF with the item's page,
    else the primary source."""
    stored = item_of(engine, item_id)
    if not stored:
        raise QueryError(f"no item with id '{item_id}' (ids are shown by referat search)")
    sources = unpack_sources(stored)
    if not sources:
        raise QueryError(f"item '{item_id}' has no recorded source; reindex it")
    if choice is not None:
        if not 1 <= choice <= len(sources):
            raise QueryError(f"--source must be between 1 and {len(sources)} for item '{item_id}'")
        return sources[choice - 1]
    return next((s for s in sources if s.format == "pdf" and s.page), sources[0])
