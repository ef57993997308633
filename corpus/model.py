"""The item model every later stage reads: a meeting split into agenda items with their sections."""
from __future__ import annotations

from dataclasses import dataclass, field

SECTION_NAMES = ("tekst", "indstilling", "sagsfremstilling", "referat", "beslutning", "bilag")


@dataclass(frozen=True)
class Section:
    name: str
    text: str


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

    def section_map(self) -> dict[str, str]:
        """Canonical name -> text; repeated labels in one item are joined in order."""
        merged: dict[str, str] = {}
        for section in self.sections:
            merged[section.name] = (merged[section.name] + "\n\n" + section.text) if section.name in merged else section.text
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
            "region": self.region,
            "forum": self.forum,
            "date": self.date,
            "date_inferred": self.date_inferred,
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
                    "sections": item.section_map(),
                }
                for item in self.items
            ],
            "warnings": list(self.warnings),
        }

