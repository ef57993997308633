"""Saved-search alerts that a run owes: written before its commit, cleared once they are delivered.

A reindex saves the ids of the items new or changed in its generation before committing that
generation. If the run dies after the commit, the next reindex finds the outbox of a generation that
became current and delivers those items with its own; if it died before the commit, the outbox belongs
to a generation that never existed and is dropped (the next run finds the same items new again). So
every alert is delivered once: never lost to a crash, never repeated.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from .store import write_atomic

OUTBOX_FILE = "outbox.json"


def _path(index_dir) -> Path:
    return Path(index_dir) / OUTBOX_FILE


def read(index_dir: str | os.PathLike) -> tuple[int, list[str]] | None:
    """(generation, item ids) of the outbox; None when there is none or it cannot be read."""
    try:
        data = json.loads(_path(index_dir).read_text("utf-8"))
        return int(data["generation"]), [str(i) for i in data["items"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def pending(index_dir: str | os.PathLike, generation: int) -> list[str]:
    """The undelivered items of a committed run (the index is at `generation`); an outbox of a run
    that never committed is removed."""
    found = read(index_dir)
    if found is None:
        return []
    if found[0] > generation:
        clear(index_dir)
        return []
    return found[1]


def save(index_dir: str | os.PathLike, generation: int, items: list[str]) -> None:
    write_atomic(_path(index_dir), json.dumps({"generation": generation, "items": items}))


def clear(index_dir: str | os.PathLike) -> None:
    _path(index_dir).unlink(missing_ok=True)
