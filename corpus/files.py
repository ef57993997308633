"""Files that survive faults, for every layer that keeps state on disk (the fetch folder, the index):
whole-or-nothing writes and lock files.

A lock is a `flock`, which the kernel releases when the last descriptor of it is closed. A forked child
inherits that descriptor, so a writer's worker process left running after its parent was killed would
hold the lock for good. Every process forked while this process holds a lock therefore (see
`_in_forked_child`) closes the inherited lock descriptors (ours and any registered with
`hold_descriptor`, such as Whoosh's WRITELOCK), ignores SIGINT (the parent stops it) and is killed by the
kernel when its parent dies (PR_SET_PDEATHSIG). The holder's pid is written into the lock file for the
message a second process prints, which says whether that holder is still alive.
"""
from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

_PR_SET_PDEATHSIG = 1

_held: set[int] = set()  # lock descriptors of this process that a forked child must not keep


def write_atomic(target: Path, text: str) -> None:
    """`text` written whole or not at all (atomic_file)."""
    with atomic_file(target, "w") as f:
        f.write(text)


@contextmanager
def atomic_file(target: Path, mode: str = "w", buffering: int = -1) -> Iterator[IO]:
    """A file to write `target` through: a temporary file of its own (concurrent writers never share
    one), flushed to disk and renamed into place when the block ends, so a crash or a full disk never
    leaves half a file; removed when the block raises. `mode` "w" (UTF-8 text) or "wb"."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, mode, buffering, encoding=None if "b" in mode else "utf-8") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(target.parent)


def fsync_dir(directory: Path) -> None:
    """Make a rename in `directory` durable."""
    with suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class Locked(Exception):
    """Another process holds the lock file; the message says who (see describe_holder)."""


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
        with contextlib.suppress(OSError):
            os.close(fd)  # never flock(LOCK_UN): that would release the parent's lock too
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


def lock_holder(path: Path) -> tuple[str, bool] | None:
    """None when the lock file `path` is free, else (who holds it, whether that process is running)."""
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
    return f"pid {pid}, no longer running, but process(es) {others} still hold the lock; stop them to free it"


@contextmanager
def exclusive(path: str | os.PathLike) -> Iterator[None]:
    """A blocking exclusive lock on `path` for a short read-modify-write (concurrent ones wait their turn)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


class FileLock:
    """An exclusive, non-blocking lock on the file `path` (created with its folder) for one writer at a
    time; raises Locked naming the holder."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._fd: int | None = None

    def __enter__(self) -> FileLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            who = describe_holder(self.path)
            os.close(fd)
            raise Locked(who) from None
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
