"""The download folder: meeting files a person can browse (source / body / date) and what was fetched.

What was fetched lives in the folder itself (`.referat-fetch/`, hidden, so indexing skips it): per
source an append-only journal, one JSON line per meeting written after its files are in place, compacted
at the end of a run. A run killed at any moment leaves whole files (each written to a temporary name and
renamed) and a journal that at worst lacks the last meeting, which the next run fetches again.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Self

from ..files import FileLock, Locked, write_atomic

STATE_DIR = ".referat-fetch"
LOCK_FILE = "referat.lock"
TMP_SUFFIX = ".part"


class FetchBusy(Exception):
    """Another fetch is writing this download folder."""


@dataclass
class Fetched:
    """One meeting as it was downloaded."""
    id: str
    committee: str
    date: str
    name: str
    hash: str  # of the meeting's JSON, canonical form
    fingerprint: str  # the committee list's entry for it when fetched
    files: list[str] = field(default_factory=list)  # relative to the download folder
    pdf_pending: bool = False  # the portal failed to give the PDF: asked again on the next run
    too_large: list[str] = field(default_factory=list)  # attachment ids skipped as over the size cap


def write_bytes_atomic(target: Path, data: bytes) -> None:
    """Written under a hidden temporary name, flushed to disk and renamed into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}{TMP_SUFFIX}")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, target)


def remove_partial_files(folder: Path) -> int:
    """Temporary files of a killed run; they never hold anything a finished run needs."""
    count = 0
    if folder.is_dir():
        for tmp in folder.rglob(f".*{TMP_SUFFIX}"):
            tmp.unlink(missing_ok=True)
            count += 1
    return count


class SourceState:
    """The meetings fetched from one source, and how many the source listed last time."""

    def __init__(self, folder: Path, source: str):
        self.path = folder / STATE_DIR / f"{source}.jsonl"
        self.meetings: dict[str, Fetched] = {}
        self.listed: int | None = None
        self._load()

    def _load(self) -> None:
        try:
            lines = self.path.read_text("utf-8").splitlines()
        except FileNotFoundError:
            return
        for line in lines:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue  # the torn last line of a killed run: that meeting is fetched again
            if "listed" in entry:
                self.listed = entry["listed"]
            elif "id" in entry:
                self.meetings[entry["id"]] = Fetched(**entry)

    def record(self, meeting: Fetched) -> None:
        self.meetings[meeting.id] = meeting
        self._append(asdict(meeting))

    def record_listed(self, count: int) -> None:
        self.listed = count
        self._append({"listed": count})

    def _append(self, entry: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def compact(self) -> None:
        lines = [json.dumps(asdict(m), ensure_ascii=False) for m in self.meetings.values()]
        if self.listed is not None:
            lines.append(json.dumps({"listed": self.listed}))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, "".join(line + "\n" for line in lines))


class FolderLock(FileLock):
    """One fetch per download folder at a time: the index writer's kind of lock (released by the kernel
    when its process dies), kept in the folder's state directory."""

    def __init__(self, folder: Path):
        super().__init__(folder / STATE_DIR / LOCK_FILE)
        self.folder = folder

    def __enter__(self) -> Self:
        try:
            super().__enter__()
        except Locked:
            raise FetchBusy(f"another referat fetch is downloading into {self.folder}") from None
        return self


def published_pages(folder: str | Path, portals: dict[str, str]) -> dict[str, str]:
    """Every file fetched into `folder` (its resolved path) -> the publisher's page of its meeting, for the
    sources named in `portals` (source name -> portal base URL)."""
    from .client import Portal

    folder = Path(folder)
    pages = {}
    for name, base in portals.items():
        for meeting in SourceState(folder, name).meetings.values():
            for file in meeting.files:
                pages[str((folder / file).resolve())] = Portal.page_url(base, meeting.id)
    return pages
