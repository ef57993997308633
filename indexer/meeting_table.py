"""The table of meetings (one row each: date, body, items, files, versions), kept beside the index.

Listing 10,000 meetings must not read 100,000 items' stored text, so every run that writes meetings
also updates this small table: the previous generation's without the meetings it deletes, with those it
writes (indexer.side_files). It is stamped with the index generation it describes, written before that
generation's commit as a pending copy and published after it; when neither copy is the current
generation's (damaged, deleted), it is rebuilt from the items' stored fields, which are the truth.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from .meetings import MEETING_FACETS, MergedMeeting, unpack_sources, versions_of
from .store import write_atomic

TABLE_FILE = "meetings.json"
PENDING_FILE = "meetings-next.json"  # the next generation's, written before its commit, published after it
FIELDS = ("date", *(f.field for f in MEETING_FACETS))


def row(meeting: MergedMeeting) -> dict:
    m = meeting.meeting
    formats = sorted({s.format for i in meeting.items for s in i.sources if s.format})
    return {
        "id": meeting.id, **{k: getattr(m, k) for k in FIELDS}, "items": len(meeting.items),
        "files": meeting.files, "versions": list(meeting.versions), "formats": formats,
    }


def stored_table(index_dir: str | os.PathLike, generation: int) -> dict[str, dict] | None:
    """The table on disk when it describes `generation`: published, or pending when a run was killed
    before publishing it (None when neither is sound and of that generation)."""
    for name in (TABLE_FILE, PENDING_FILE):
        table = read_file(Path(index_dir) / name, generation)
        if table is not None:
            return table
    return None


def read_file(path: Path, generation: int) -> dict[str, dict] | None:
    try:
        data = json.loads(path.read_text("utf-8"))
        if data.get("generation") == generation:
            return dict(data["meetings"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return None


def load_table(engine, index_dir: str | os.PathLike, generation: int | None = None) -> dict[str, dict]:
    """meeting id -> row, for `generation` (the one `engine`, an indexer.engine.WriteEngine, is at)."""
    table = stored_table(index_dir, engine.generation() if generation is None else generation)
    return table if table is not None else table_of(engine.all_documents())


def ensure_table(engine, index_dir: str | os.PathLike) -> None:
    """Derive the table again when the one on disk is missing, damaged or of another generation."""
    if stored_table(index_dir, engine.generation()) is None:
        save_table(engine, index_dir, table_of(engine.all_documents()), [], set())


def table_of(documents: Iterable[dict]) -> dict[str, dict]:
    """The table of the meetings of stored items (every item of an index)."""
    rows: dict[str, dict] = {}
    sources: dict[str, list] = {}
    for stored in documents:
        mid = stored.get("meeting")
        if not mid:
            continue
        entry = rows.setdefault(mid, {"id": mid, **{k: stored.get(k) for k in FIELDS}, "items": 0})
        entry["items"] += 1
        sources.setdefault(mid, []).extend(unpack_sources(stored))
    for mid, entry in rows.items():
        entry["files"] = len({s.path for s in sources[mid]})
        entry["versions"] = list(versions_of(sources[mid]))
        entry["formats"] = sorted({s.format for s in sources[mid] if s.format})
    return rows


def save_table(engine, index_dir: str | os.PathLike, old: dict[str, dict], written: list[MergedMeeting],
               stale: set[str]) -> None:
    """The table of the current generation: `old` without the replaced meetings, plus those written."""
    table = {mid: r for mid, r in old.items() if mid not in stale}
    for meeting in written:
        table[meeting.id] = row(meeting)
    write_table(index_dir, engine.generation(), table)


def listing_key(row: dict) -> tuple[str, str]:
    """The order of a listing of meetings (oldest first): by date, then id; no date first."""
    return row.get("date") or "", row["id"]


def write_table(index_dir: str | os.PathLike, generation: int, table: dict[str, dict], pending: bool = False) -> None:
    """The table of `generation`: published, or (`pending`, before its commit) to be published after it.
    One JSON document, a meeting a line in listing order after a first line that counts them, so that
    an unfiltered page (page_of_table) parses its rows alone."""
    rows = sorted(table.values(), key=listing_key)
    lines = [json.dumps({"generation": generation, "count": len(rows)})[:-1] + ', "meetings": {']
    lines += [json.dumps(r["id"], ensure_ascii=False) + ": " + json.dumps(r, ensure_ascii=False)
              + ("," if n + 1 < len(rows) else "") for n, r in enumerate(rows)]
    lines.append("}}")
    write_atomic(Path(index_dir) / (PENDING_FILE if pending else TABLE_FILE), "\n".join(lines))


def page_of_table(index_dir: str | os.PathLike, generation: int, newest_first: bool, first: int,
                  count: int) -> tuple[int, list[dict]] | None:
    """(how many meetings, rows `first` to `first + count` in listing order or its reverse) of the table
    of `generation`, parsing only those rows; None when no table of that generation is laid out a
    meeting a line (one an older referat wrote: load_table reads it whole)."""
    for name in (TABLE_FILE, PENDING_FILE):
        try:
            data = (Path(index_dir) / name).read_bytes()
            opening = data[:data.find(b"\n")] if b"\n" in data else data
            head = json.loads(opening + b"}}")  # the first line opens the meetings
        except (OSError, ValueError):
            continue
        total = head.get("count") if isinstance(head, dict) else None
        if not isinstance(total, int) or head.get("generation") != generation or data.count(b"\n") != total + 1 \
                or data[data.rfind(b"\n") + 1:] != b"}}":
            continue
        chosen = _rows(data, total, newest_first, first, count)
        try:  # the chosen lines, `"id": {row}` each, as one JSON object (in their order)
            page = json.loads(b"{" + b",".join(line.rstrip(b",") for line in chosen) + b"}")
        except ValueError:
            continue
        return total, list(page.values())
    return None



def _rows(data: bytes, total: int, newest_first: bool, first: int, count: int) -> list[bytes]:
    """Rows `first` to `first + count` (from the end when `newest_first`) of a table laid out a meeting a
    line (the `total` lines between the first and the last), found line end by line end: splitting the
    whole file into 30,000 lines was most of a one-shot listing's time."""
    wanted = max(0, min(count, total - first))
    rows: list[bytes] = []
    if newest_first:
        end = data.rfind(b"\n")  # the last row ends before the closing line
        for _ in range(first):
            end = data.rfind(b"\n", 0, end)
        for _ in range(wanted):
            start = data.rfind(b"\n", 0, end)
            rows.append(data[start + 1:end])
            end = start
    else:
        start = data.find(b"\n")  # the first row begins after the opening line
        for _ in range(first):
            start = data.find(b"\n", start + 1)
        for _ in range(wanted):
            end = data.find(b"\n", start + 1)
            rows.append(data[start + 1:end])
            start = end
    return rows
