"""The item model every later stage reads: a meeting split into agenda items with their sections."""
from __future__ import annotations

from dataclasses import dataclass, field

SECTION_NAMES = ("tekst", "resume", "indstilling", "sagsfremstilling", "referat", "beslutning", "bilag")


@dataclass(frozen=True)
class Section:
    name: str
    text: str


@dataclass(frozen=True)
class Attachment:
    """An item's attachment (bilag): what the publisher lists (name, number, its own id) and, once read
    from its file (corpus.attachments), that file and its text page by page."""

    name: str
    number: int | None = None  # its N in `Bilag N`, else its place in the item's list (1-based)
    ref: str | None = None  # the publisher's id for it (FirstAgenda `Bilag[].Id`)
    source: str | None = None  # the file it was read from
    content_hash: str | None = None
    pages: tuple[str, ...] = ()  # text of each page (one page for a format without pages)
    ocr: bool = False

    @property
    def text(self) -> str:
        return "\n\n".join(p for p in self.pages if p)

    @property
    def label(self) -> str:
        """How it is named to a reader: `Bilag 2 – Handleplan 2024`."""
        if self.number is None or self.name.lower().startswith("bilag"):
            return self.name
        return f"Bilag {self.number} – {self.name}"

    def to_json(self) -> dict:
        return {"name": self.name, "number": self.number, "ref": self.ref, "source": self.source,
                "pages": len(self.pages), "ocr": self.ocr}


@dataclass(frozen=True)
class AgendaItem:
    id: str
    position: int
    number: str
    title: str
    time: str | None = None
    presenter: str | None = None
    case_numbers: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    outcome: str | None = None  # normalised decision: godkendt, taget til efterretning, udsat, ...
    closed: bool = False  # a closed (lukket) item: title only, no public text
    listed_only: bool = False  # named in the agenda list / table of contents, no body in the document
    group: str | None = None  # the group header of two-level numbering ("1. Sager til beslutning")
    attachments: tuple[Attachment, ...] = ()  # the item's attachments (bilag), read or only named
    page: int | None = None  # where the item starts in its source: PDF page (1-based) ...
    line: int | None = None  # ... or text line (1-based)
    warnings: tuple[str, ...] = ()  # what the reader was unsure of for this item

    def section_map(self) -> dict[str, str]:
        """Canonical name -> text; repeated labels in one item are joined in order."""
        merged: dict[str, str] = {}
        for section in self.sections:
            known = merged.get(section.name)
            merged[section.name] = section.text if known is None else known + "\n\n" + section.text
        return merged

    @property
    def body(self) -> str:
        return "\n\n".join(s.text for s in self.sections if s.text)


@dataclass(frozen=True)
class Meeting:
    path: str
    content_hash: str
    cluster: str | None
    region: str | None
    forum: str | None
    date: str | None
    date_inferred: bool
    body: str | None = None  # who held the meeting, as named in the header
    body_kind: str | None = None  # cluster forum, sundhedsråd, regional committee, municipal committee, ...
    municipality: str | None = None  # for a municipal body
    period: str | None = None  # the election period a body's name carried (`Byråd 2022-2025`: 2022-2025)
    cluster_inferred: bool = False  # the cluster (and body) judged from the participant list as a whole
    kind: str | None = None  # dagsorden, referat or tillægsdagsorden, when the document says
    source_format: str | None = None  # the reader that read it: txt, html, pdf, firstagenda-json, ...
    participants: tuple[str, ...] = ()
    ocr: bool = False
    items: tuple[AgendaItem, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None

    def to_json(self) -> dict:
        """The `referat parse --json` shape."""
        return {
            "file": self.path,
            "cluster": self.cluster,
            "cluster_inferred": self.cluster_inferred,
            "region": self.region,
            "forum": self.forum,
            "date": self.date,
            "date_inferred": self.date_inferred,
            "body": self.body,
            "body_kind": self.body_kind,
            "municipality": self.municipality,
            "period": self.period,
            "kind": self.kind,
            "format": self.source_format,
            "ocr": self.ocr,
            "participants": list(self.participants),
            "items": [
                {
                    "id": item.id,
                    "position": item.position,
                    "number": item.number,
                    "title": item.title,
                    "time": item.time,
                    "presenter": item.presenter,
                    "case_numbers": list(item.case_numbers),
                    "outcome": item.outcome,
                    "closed": item.closed,
                    "listed_only": item.listed_only,
                    "group": item.group,
                    "attachments": [a.to_json() for a in item.attachments],
                    "page": item.page,
                    "line": item.line,
                    "warnings": list(item.warnings),
                    "sections": item.section_map(),
                }
                for item in self.items
            ],
            "warnings": list(self.warnings),
        }

