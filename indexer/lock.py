"""One writer at a time: an exclusive, non-blocking lock file in the index directory.

The lock is an fcntl lock, which the kernel releases when its process dies, so a run killed with
SIGKILL never leaves a lock behind that blocks the next run; the PID written into the file is only
for the message a second run prints.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

LOCK_FILE = "referat.lock"


class IndexLocked(Exception):
    """Another referat process is writing this index."""


class WriterLock:
    def __init__(self, index_dir: str | os.PathLike):
        self.path = Path(index_dir) / LOCK_FILE
        self._fd: int | None = None

    def __enter__(self) -> "WriterLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "another process"
            os.close(fd)
            raise IndexLocked(f"another referat run (pid {holder}) is writing the index at {self.path.parent}") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
