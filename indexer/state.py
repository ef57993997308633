"""What the index holds, file by file: path -> content hash and item digests.

Kept in files.json beside the index as a cache of what a scan of the index would say. It is written
after each commit and stamped with that commit's generation; when the stamp does not match the index
(a run was killed between the two), it is rebuilt from the index's stored fields, which are the truth.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .store import write_atomic

STATE_FILE = "files.json"


@dataclass
class FileState:
    hash: str
    items: list[str] = field(default_factory=list)  # item digests, in order


def load_state(ix, index_dir: str | os.PathLike) -> tuple[dict[str, FileState], bool]:
    """The per-file state, and whether it came from a cache that matches the index's generation."""
    generation = ix.latest_generation()
    try:
        data = json.loads((Path(index_dir) / STATE_FILE).read_text("utf-8"))
        if data.get("generation") == generation:
            return {p: FileState(v["hash"], list(v.get("items", []))) for p, v in data["files"].items()}, True
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return state_from_index(ix), False


def state_from_index(ix) -> dict[str, FileState]:
    files: dict[str, FileState] = {}
    with ix.searcher() as searcher:
        rows = sorted(
            (s["path"], s.get("position", 0), s.get("content_hash", ""), s.get("digest", ""))
            for s in searcher.all_stored_fields()
        )
    for path, _, content_hash, digest in rows:
        files.setdefault(path, FileState(content_hash)).items.append(digest)
    return files


def save_state(ix, index_dir: str | os.PathLike, files: dict[str, FileState]) -> None:
    payload = {"generation": ix.latest_generation(),
               "files": {p: {"hash": s.hash, "items": s.items} for p, s in sorted(files.items())}}
    write_atomic(Path(index_dir) / STATE_FILE, json.dumps(payload, ensure_ascii=False))
