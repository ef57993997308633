"""What the search library returns: plain dataclasses that the CLI, the web app and JSON render.

Facet values (cluster, region, forum, body, ..., one per row of indexer.facets) travel in `facets` and
read as attributes too (`hit.cluster`); JSON gives them as top-level keys.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar

from indexer.facets import BY_NAME
from indexer.meetings import Source

SORTS = ("relevance", "date", "-date")  # the orders a Result can come in


class _FacetAttributes:
    __dataclass_fields__: ClassVar[dict[str, Any]]  # the subclasses are dataclasses

    def __getattr__(self, name: str):
        facets = self.__dict__.get("facets")
        if facets is not None and name in BY_NAME:
            return facets.get(name)
        raise AttributeError(name)

    def to_json(self) -> dict:
        data = asdict(self)
        return {**{k: v for k, v in data.items() if k != "facets"}, **data["facets"]}


class Message(str):
    """A note (or error) as the library says it, in English, with a code and the values in it, so the web
    page can say it in Danish (search/web/labels.py)."""

    code: str | None
    params: dict

    def __new__(cls, text: str, code: str | None = None, **params) -> Message:
        message = super().__new__(cls, text)
        message.code, message.params = code, params
        return message


@dataclass(frozen=True)
class Hit(_FacetAttributes):
    id: str
    path: str
    position: int
    number: str
    title: str
    date: str | None
    score: float | None  # None when sorted by date
    snippet: str
    sections: list[str]
    facets: dict[str, object] = field(default_factory=dict)
    meeting: str | None = None  # the meeting id (referat meeting ID)
    versions: list[str] = field(default_factory=list)  # dagsorden, tillægsdagsorden, referat: where the item appears
    sources: list = field(default_factory=list)  # indexer.meetings.Source: every file, the primary first
    # The case the hit stands for when hits are grouped (search.grouping): {key, appearances: [{id, date,
    # meeting, number, title, name}]}, the matching appearances newest first, this one among them.
    case: dict | None = None
    # Set when the words were found only in an attachment (bilag): which one and on which page
    # (search.engine.attachment_place); the snippet is from that page.
    attachment: dict | None = None

    @property
    def also_in(self) -> list[dict]:
        """The case's other appearances (newest first), folded under this hit."""
        return [a for a in (self.case or {}).get("appearances", []) if a["id"] != self.id]

    @classmethod
    def from_json(cls, data: dict) -> Hit:
        """The hit `to_json()` gave (as kept in the alerts journal)."""
        own = {f.name for f in fields(cls)} - {"facets", "sources"}
        sources = [Source(**{k: v for k, v in s.items() if k != "uri"}) for s in data.get("sources") or []]
        return cls(**{k: data[k] for k in own if k in data},
                   facets={k: data.get(k) for k in BY_NAME if k in data}, sources=sources)


@dataclass(frozen=True)
class Result:
    query: str
    total: int
    fallback: bool
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    page: int = 1
    limit: int = 10
    notes: list[str] = field(default_factory=list)
    suggestion: str | None = None  # "did you mean": the query with its unknown words corrected
    groups: int | None = None  # how many cases (hits) the items make; None when every item is a hit
    empty_index: bool = False  # the index holds no items yet (nothing indexed, or a first index interrupted)

    @property
    def shown_total(self) -> int:
        """How many hits the pages hold: cases when hits are grouped, else items."""
        return self.total if self.groups is None else self.groups

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "empty_index": self.empty_index,
            "fallback": self.fallback,
            "page": self.page,
            "notes": self.notes,
            "suggestion": self.suggestion,
            "groups": self.groups,
            "hits": [h.to_json() for h in self.hits],
            "facets": self.facets,
        }


@dataclass(frozen=True)
class ItemView(_FacetAttributes):
    id: str
    path: str
    number: str
    position: int
    title: str
    time: str | None
    presenter: str | None
    date: str | None
    case_numbers: list[str]
    sections: dict[str, str]
    facets: dict[str, object] = field(default_factory=dict)
    marks: dict[str, Any] = field(default_factory=dict)  # closed, listed_only, group, warnings
    meeting: str | None = None
    versions: list[str] = field(default_factory=list)
    sources: list = field(default_factory=list)  # indexer.meetings.Source: every file, the primary first
    formality: str | None = None
    attachments: list[dict] = field(default_factory=list)  # search.engine.attachment_place, without a page


@dataclass(frozen=True)
class Stats:
    items: int
    files: int
    by_cluster_year: dict[str, dict[str, int]]
    meetings: int = 0
    last_reindex: str | None = None  # ISO time of the last successful reindex (indexer.health.freshness)
    last_index: str | None = None  # ... and of the last successful `referat index`
    days_since_update: float | None = None  # since the later of the two
    by_body: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)  # body kind -> body -> year -> items
    # Per body (as the meeting list names it): its kind, municipality, election periods, meetings and items.
    bodies: dict[str, dict] = field(default_factory=dict)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class MeetingRow:
    id: str
    date: str | None
    name: str
    body: str | None
    cluster: str | None
    region: str | None
    forum: str | None
    items: int
    files: int
    versions: list[str]
    formats: list[str]
    body_kind: str | None = None
    municipality: str | None = None
    period: str | None = None

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class BodyRow:
    """A body that met, as `Index.bodies()` lists it: its name as indexed (the key of `body=`), who it
    belongs to, and how many meetings the index holds of it, from when to when."""
    name: str
    kind: str | None
    municipality: str | None
    cluster: str | None
    region: str | None
    meetings: int
    first: str | None
    last: str | None

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class MeetingList:
    total: int
    rows: list[MeetingRow]
    page: int = 1
    limit: int = 50

    def to_json(self) -> dict:
        return {"total": self.total, "page": self.page, "meetings": [r.to_json() for r in self.rows]}
