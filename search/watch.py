"""Saved searches kept with the index, and which of a run's new or changed items each one matches."""
from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from indexer.facets import FACETS
from indexer.lock import exclusive
from indexer.store import write_atomic

from .query import QueryError
from .index import open as open_index
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


def matches(index_dir: str | os.PathLike, item_ids: list[str]) -> dict[str, list[Hit]]:
    """For each saved search, the hits among `item_ids` (the items a reindex found new or changed)."""
    saved = list_watches(index_dir)
    if not item_ids or not saved:
        return {watch.name: [] for watch in saved}
    with open_index(index_dir) as ix:
        return {watch.name: ix.search(watch.query, only_ids=item_ids, limit=len(item_ids), **_run_filters(watch)).hits
                for watch in saved}
