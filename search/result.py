"""What the search library returns: plain dataclasses that the CLI, the web app and JSON render."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Hit:
    id: str
    path: str
    position: int
    number: str
    title: str
    cluster: str | None
    region: str | None
    forum: str | None
    date: str | None
    score: float | None  # None when sorted by date
    snippet: str
    sections: list[str]

    def to_json(self) -> dict:
        return asdict(self)


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

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "fallback": self.fallback,
            "page": self.page,
            "notes": self.notes,
            "suggestion": self.suggestion,
            "hits": [h.to_json() for h in self.hits],
            "facets": self.facets,
        }


@dataclass(frozen=True)
class ItemView:
    id: str
    path: str
    number: str
    position: int
    title: str
    time: str | None
    presenter: str | None
    cluster: str | None
    region: str | None
    forum: str | None
    date: str | None
    case_numbers: list[str]
    sections: dict[str, str]

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Stats:
    items: int
    files: int
    by_cluster_year: dict[str, dict[str, int]]

    def to_json(self) -> dict:
        return asdict(self)
