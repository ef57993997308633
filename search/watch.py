"""Saved searches kept with the index, and which of a run's new or changed items each one matches."""
from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from indexer.facets import FACETS
from indexer.lock import exclusive
from indexer.store import write_atomic

from .index import open as open_index
from .query import QueryError
from .result import Hit

WATCH_FILE = "watches.json"
WATCH_LOCK = "watches.lock"  # held while the list is read, changed and written back
FILTER_KEYS = tuple(f.name for f in FACETS if f.watched)


@dataclass(frozen=True)
class Watch:
    name: str
    query: str
    filters: dict[str, str] = field(default_factory=dict)


def _path(index_dir) -> Path:
    return Path(index_dir) / WATCH_FILE


def list_watches(index_dir: str | os.PathLike) -> list[Watch]:
    try:
        data = json.loads(_path(index_dir).read_text("utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise QueryError(f"cannot read saved searches in {_path(index_dir)}: {exc}") from None
    return [Watch(w["name"], w["query"], dict(w.get("filters", {}))) for w in data.get("watches", [])]


def _save(index_dir, watches: list[Watch]) -> None:
    write_atomic(_path(index_dir), json.dumps({"watches": [asdict(w) for w in watches]}, ensure_ascii=False, indent=1))


def add_watch(index_dir: str | os.PathLike, name: str, query: str, **filters: str | None) -> Watch:
    """Save a search; it is run once now, so a query or filter that cannot run is refused at once."""
    if not re.fullmatch(r"[\w.æøåÆØÅ-]{1,64}", name or ""):
        raise QueryError(f"invalid watch name '{name}': letters, digits, '-', '_' and '.' only")
    watch = Watch(name, query, {k: v for k, v in filters.items() if v and k in FILTER_KEYS})
    with open_index(index_dir) as ix:
        ix.search(query, limit=1, **_run_filters(watch))
    with exclusive(Path(index_dir) / WATCH_LOCK):
        _save(index_dir, [w for w in list_watches(index_dir) if w.name != name] + [watch])
    return watch


def remove_watch(index_dir: str | os.PathLike, name: str) -> None:
    with exclusive(Path(index_dir) / WATCH_LOCK):
        watches = list_watches(index_dir)
        if not any(w.name == name for w in watches):
            known = ", ".join(w.name for w in watches) or "(none)"
            raise QueryError(f"no saved search named '{name}' (saved: {known})")
        _save(index_dir, [w for w in watches if w.name != name])


def _run_filters(watch: Watch) -> dict:
    return {k: watch.filters[k] for k in FILTER_KEYS if watch.filters.get(k)}


def matcher(index_dir: str | os.PathLike) -> Callable[[list[str]], dict[str, list[dict]]]:
    """What a reindex records in its alerts journal (indexer.outbox): item ids -> {saved search: [hit as JSON]}."""

    def match(item_ids: list[str]) -> dict[str, list[dict]]:
        return {name: [hit.to_json() for hit in hits] for name, hits in matches(index_dir, item_ids).items()}

    return match


@dataclass(frozen=True)
class Alerts:
    """One record of the alerts journal: what a reindex found for the saved searches."""
    seq: int
    time: str
    items: int  # new or changed items checked against the saved searches
    found: dict[str, list[Hit]]

    @classmethod
    def from_record(cls, record: dict) -> Alerts:
        return cls(int(record.get("seq", 0)), str(record.get("time", "")), int(record.get("items", 0)),
                   {name: [Hit.from_json(h) for h in hits] for name, hits in (record.get("watches") or {}).items()})

    def to_json(self) -> dict:
        return {"seq": self.seq, "time": self.time, "items": self.items,
                "watches": {name: [h.to_json() for h in hits] for name, hits in self.found.items()}}


def found_by(index_dir: str | os.PathLike, records: list[dict]) -> dict[str, list[Hit]]:
    """The hits of journal records by saved search (every saved search named, found or not)."""
    found: dict[str, list[Hit]] = {w.name: [] for w in list_watches(index_dir)}
    for record in records:
        for name, hits in Alerts.from_record(record).found.items():
            found.setdefault(name, []).extend(hits)
    return found


def alerts(index_dir: str | os.PathLike, limit: int = 20, name: str | None = None) -> list[Alerts]:
    """The newest records of the alerts journal that found something (for saved search `name` only, if
    given), newest first."""
    from indexer.outbox import journal

    found = []
    for record in reversed(journal(index_dir)):
        entry = Alerts.from_record(record)
        if name is not None:
            entry = Alerts(entry.seq, entry.time, entry.items, {name: entry.found.get(name, [])})
        if any(entry.found.values()):
            found.append(entry)
        if len(found) == limit:
            break
    return found


def matches(index_dir: str | os.PathLike, item_ids: list[str]) -> dict[str, list[Hit]]:
    """For each saved search, the hits among `item_ids` (the items a reindex found new or changed)."""
    saved = list_watches(index_dir)
    if not item_ids or not saved:
        return {watch.name: [] for watch in saved}
    with open_index(index_dir) as ix:
        return {watch.name: ix.search(watch.query, only_ids=item_ids, limit=len(item_ids), all_appearances=True,
                                       **_run_filters(watch)).hits
                for watch in saved}
