"""One writer at a time per index: a corpus.files.FileLock on `referat.lock` in the index directory
(released by the kernel when its process dies; no forked process of a run keeps it, see corpus.files)."""
from __future__ import annotations

import os
from pathlib import Path

from corpus.files import (  # noqa: F401  (the lock primitives the index's modules and search.watch use)
    FileLock,
    Locked,
    describe_holder,
    exclusive,
    hold_descriptor,
    lock_holder,
    release_descriptor,
)

LOCK_FILE = "referat.lock"


class IndexLocked(Exception):
    """Another referat process is writing this index."""


def holder(index_dir: str | os.PathLike) -> str | None:
    """None when nobody writes the index, else who holds its lock, whether alive, as a sentence."""
    state = holder_state(index_dir)
    return state[0] if state else None


def holder_state(index_dir: str | os.PathLike) -> tuple[str, bool] | None:
    """None when the lock is free, else (who holds it, whether that is a running referat run)."""
    return lock_holder(Path(index_dir) / LOCK_FILE)


class WriterLock(FileLock):
    def __init__(self, index_dir: str | os.PathLike):
        super().__init__(Path(index_dir) / LOCK_FILE)

    def __enter__(self) -> WriterLock:
        try:
            super().__enter__()
        except Locked as exc:
            raise IndexLocked(f"another referat run ({exc}) is writing the index at {self.path.parent}") from None
        return self
