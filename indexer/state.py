"""What the index holds, file by file: path -> content hash, item digests and the meeting it belongs to.

Kept in files.json beside the index as a cache of what a scan of the index would say. It is written
after each commit and stamped with that commit's generation; when the stamp does not match the index
(a run was killed between the two), it is rebuilt from the index's stored fields, which are the truth.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .engine import WriteEngine
from .store import write_atomic

STATE_FILE = "files.json"


@dataclass
class FileState:
    hash: str
    items: list[str] = field(default_factory=list)  # item digests, in order
    meeting: str | None = None  # the id of the meeting the file is a document of
    date: str | None = None  # that meeting's date: files of one date are merged together
    attachment: bool = False  # an attachment (bilag): linked into its meeting's items, or on its own


def load_state(engine: WriteEngine, index_dir: str | os.PathLike) -> tuple[dict[str, FileState], bool]:
    """The per-file state, and whether it came from a cache that matches the index's generation."""
    generation = engine.generation()
    try:
        data = json.loads((Path(index_dir) / STATE_FILE).read_text("utf-8"))
        if data.get("generation") == generation:
            return {p: FileState(v["hash"], list(v.get("items", [])), v.get("meeting"), v.get("date"),
                                 bool(v.get("attachment")))
                    for p, v in data["files"].items()}, True
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return state_from_index(engine), False


def state_from_index(engine: WriteEngine) -> dict[str, FileState]:
    """Every source of every item: an item lists all the files (copies, formats, versions) it was read
    from, and the attachment files read into it."""
    from .meetings import unpack_attachments, unpack_sources

    files: dict[str, FileState] = {}
    rows = [((s.get("meeting") or "", s.get("position", 0)), s.get("meeting"), s.get("date"), s.get("digest", ""),
             unpack_sources(s), unpack_attachments(s)) for s in engine.all_documents()]
    rows.sort(key=lambda row: row[0])
    for _, meeting, date, digest, sources, attachments in rows:
        for source in sources:
            state = files.setdefault(source.path, FileState(source.content_hash, [], meeting, date))
            state.items.append(digest)
        for attachment in attachments:
            if attachment.source and attachment.content_hash:  # one read from its file
                state = files.setdefault(attachment.source, FileState(attachment.content_hash, [], meeting))
                state.attachment = True
    return files


def save_state(engine: WriteEngine, index_dir: str | os.PathLike, files: dict[str, FileState]) -> None:
    payload = {"generation": engine.generation(),
               "files": {p: {"hash": s.hash, "items": s.items, "meeting": s.meeting, "date": s.date,
                             **({"attachment": True} if s.attachment else {})}
                         for p, s in sorted(files.items())}}
    write_atomic(Path(index_dir) / STATE_FILE, json.dumps(payload, ensure_ascii=False))
