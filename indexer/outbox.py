"""Saved-search alerts, recorded exactly once: owed in the outbox until they are in the alerts journal.

A reindex saves the ids of the items new or changed in its generation in the outbox (one entry per
generation) before it commits that generation. After the commit and the side files, everything owed is
matched against the saved searches and appended to the journal (`alerts.jsonl`) as one record naming
the generations it covers; then the outbox is cleared, and only then does the run print the record. A
run killed at any point leaves one of three states, each of which the next run completes:

- before its commit: its entry names a generation that never became current; it is dropped (the next
  run finds the same items new again), while entries of earlier, committed generations stay owed;
- after its commit, before the journal: the entry is owed, and recorded with the next run's own;
- after the journal, before the outbox is cleared: the journal already covers the entry's generation,
  so it is not recorded again; since the killed run cannot have printed it, the next run prints it.

The journal is the record of delivery (`referat watch alerts` reads it). A kill between clearing the
outbox and printing loses only that printout, never the record.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from corpus import faults
from corpus.files import write_atomic

OUTBOX_FILE = "outbox.json"
JOURNAL_FILE = "alerts.jsonl"
JOURNAL_KEEP = 1000  # records kept in the journal; older ones are dropped when a new one is written


@dataclass(frozen=True)
class Owed:
    generation: int  # the generation whose commit made these items new
    items: tuple[str, ...]


def _outbox(index_dir) -> Path:
    return Path(index_dir) / OUTBOX_FILE


def _journal(index_dir) -> Path:
    return Path(index_dir) / JOURNAL_FILE


def read(index_dir: str | os.PathLike) -> list[Owed] | None:
    """Every entry of the outbox ([] when there is none); None when it cannot be read."""
    try:
        data = json.loads(_outbox(index_dir).read_text("utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError):
        return None
    try:
        # a single entry: written by referat 0.1
        entries = data.get("entries", [data]) if isinstance(data, dict) else [data]
        return [Owed(int(e["generation"]), tuple(str(i) for i in e["items"])) for e in entries]
    except (KeyError, TypeError, ValueError):
        return None


def owed(index_dir: str | os.PathLike, generation: int) -> tuple[list[Owed], list[dict]]:
    """(the entries still owed when the index is at `generation`: committed and not in the journal,
    the journal records of entries that a run killed after recording them left in the outbox)."""
    entries = read(index_dir) or []
    records = journal(index_dir)
    recorded = {int(g): r for r in records for g in r["generations"]}
    late = {id(recorded[e.generation]): recorded[e.generation] for e in entries if e.generation in recorded}
    return [e for e in entries if e.generation <= generation and e.generation not in recorded], list(late.values())


def save(index_dir: str | os.PathLike, entries: list[Owed]) -> None:
    write_atomic(_outbox(index_dir), json.dumps(
        {"entries": [{"generation": e.generation, "items": list(e.items)} for e in entries]}))


def clear(index_dir: str | os.PathLike) -> None:
    _outbox(index_dir).unlink(missing_ok=True)


def journal(index_dir: str | os.PathLike) -> list[dict]:
    """The journal's records, oldest first: {seq, time, generations, items (how many were matched),
    watches: {name: [hit]}}. A line that cannot be read (a damaged file) is left out."""
    return _read_journal(index_dir)[0]


def damaged_lines(index_dir: str | os.PathLike) -> int:
    """How many lines of the journal cannot be read (`referat check`)."""
    return _read_journal(index_dir)[1]


def rewrite_journal(index_dir: str | os.PathLike) -> None:
    """The journal with only its readable records (`referat check --repair`)."""
    _write_journal(index_dir, journal(index_dir))


def _read_journal(index_dir) -> tuple[list[dict], int]:
    try:
        lines = _journal(index_dir).read_bytes().decode("utf-8", "replace").splitlines()
    except FileNotFoundError:
        return [], 0
    records, bad = [], 0
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if isinstance(record, dict) and isinstance(record.get("generations"), list):
            records.append(record)
        elif line.strip():
            bad += 1
    return records, bad


def _write_journal(index_dir, records: list[dict]) -> None:
    write_atomic(_journal(index_dir), "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))


def record(index_dir: str | os.PathLike, entries: list[Owed], match) -> dict | None:
    """Append the alerts owed for `entries` (all that the outbox still owes) to the journal as one record,
    then clear the outbox. `match(item_ids)` gives {saved search: [hit as JSON]}. Returns the record (None when the
    entries hold no items: nothing to record)."""
    generations = sorted({e.generation for e in entries})
    items = list(dict.fromkeys(i for e in entries for i in e.items))
    written = None
    if items:
        records = journal(index_dir)
        written = {"seq": max((int(r.get("seq", 0)) for r in records), default=0) + 1,
                   "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                   "generations": generations, "items": len(items), "watches": match(items)}
        _write_journal(index_dir, records[-(JOURNAL_KEEP - 1):] + [written])
        faults.point("after-journal")
    clear(index_dir)  # every other entry was recorded before, or names a generation never committed
    return written
