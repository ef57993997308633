"""One writer at a time: an exclusive, non-blocking lock file in the index directory, and no process of a
run that outlives it.

The lock is a `flock` on `referat.lock`, which the kernel releases when the last descriptor of it is
closed. A forked child inherits that descriptor, so a writer's worker process left running after its
parent was killed would hold the lock for good. Every process forked while this process writes an index
therefore (see `_in_forked_child`) closes the inherited lock descriptors (ours and Whoosh's WRITELOCK,
registered with `hold_descriptor`), ignores SIGINT (the parent stops it) and is killed by the kernel
when its parent dies (PR_SET_PDEATHSIG). The holder's pid is written into the file for the message a
second run prints, which says whether that process is still alive.
"""
from __future__ import annotations

import ctypes
import fcntl
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = "referat.lock"
_PR_SET_PDEATHSIG = 1

_held: set[int] = set()  # lock descriptors of this process that a forked child must not keep


class IndexLocked(Exception):
    """Another referat process is writing this index."""


def hold_descriptor(fd: int) -> None:
    """Register a lock descriptor (e.g. Whoosh's WRITELOCK) that children forked from now on close."""
    _held.add(fd)


def release_descriptor(fd: int) -> None:
    _held.discard(fd)


def _in_forked_child() -> None:
    if not _held:
        return
    parent = os.getppid()
    for fd in _held:
        try:
            os.close(fd)  # never flock(LOCK_UN): that would release the parent's lock too
        except OSError:
            pass
    _held.clear()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the worker loop's queue read ends with the parent
        return
    if os.getppid() != parent:  # the parent died before the death signal was armed
        os._exit(1)


os.register_at_fork(after_in_child=_in_forked_child)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _openers(path: Path) -> list[int]:
    """Pids of the processes that have `path` open (Linux /proc; empty where that cannot be read)."""
    found = []
    try:
        target = os.stat(path)
        procs = os.listdir("/proc")
    except OSError:
        return []
    for pid in (p for p in procs if p.isdigit() and int(p) != os.getpid()):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                st = os.stat(f"/proc/{pid}/fd/{fd}")
                if (st.st_dev, st.st_ino) == (target.st_dev, target.st_ino):
                    found.append(int(pid))
                    break
        except OSError:
            continue
    return found


def holder(index_dir: str | os.PathLike) -> str | None:
    """None when nobody writes the index, else who holds its lock, whether alive, as a sentence."""
    state = holder_state(index_dir)
    return state[0] if state else None


def holder_state(index_dir: str | os.PathLike) -> tuple[str, bool] | None:
    """None when the lock is free, else (who holds it, whether that is a running referat run)."""
    path = Path(index_dir) / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _recorded_pid(path)
            return describe_holder(path), pid is not None and alive(pid)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _recorded_pid(path: Path) -> int | None:
    try:
        text = path.read_text("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def describe_holder(path: Path) -> str:
    """Who holds the lock file `path`: the pid recorded in it and whether it runs, else who has it open."""
    pid = _recorded_pid(path)
    if pid is not None and alive(pid):
        return f"pid {pid}, running"
    others = ", ".join(map(str, _openers(path))) or "unknown"
    if pid is None:
        return f"process(es) {others}"
    return f"pid {pid}, no longer running, but process(es) {others} still hold the lock; stop them to free the index"


@contextmanager
def exclusive(path: str | os.PathLike) -> Iterator[None]:
    """A blocking exclusive lock on `path` for a short read-modify-write (concurrent ones wait their turn)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


class WriterLock:
    def __init__(self, index_dir: str | os.PathLike):
        self.path = Path(index_dir) / LOCK_FILE
        self._fd: int | None = None

    def __enter__(self) -> "WriterLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            who = describe_holder(self.path)
            os.close(fd)
            raise IndexLocked(f"another referat run ({who}) is writing the index at {self.path.parent}") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        self._fd = fd
        hold_descriptor(fd)
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            release_descriptor(self._fd)
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
