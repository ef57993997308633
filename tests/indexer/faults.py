"""Helpers for crash tests: small generated minutes, runs stopped at a named fault point, process checks."""
from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import time
from pathlib import Path

import indexer
from tests.conftest import referat_command

DEADLINE = 90.0
MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december"]


def one_item_minutes(folder: Path, count: int, start: int = 0, word: str = "sag") -> list[Path]:
    """`count` meetings of one short item each: the cheapest way to give the parallel writer 200+ files."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(start, start + count):
        path = folder / f"m{n:05d}.txt"
        date = f"{n % 28 + 1}. {MONTHS[n // 28 % 12]} {2000 + n // 336}"  # one meeting per file
        path.write_text(f"Referat Chefforum Køge-klyngen\nMødedato: {date}\n\n"
                        f"1. {word.capitalize()} nummer {n} om {word}{n % 13}plan\n\nBeslutning\nGodkendt.\n", "utf-8")
        paths.append(path)
    return paths


def indexed(tmp_path: Path, count: int, sub: str = "", word: str = "sag", at: Path | None = None):
    """(folder, index): `count` one-item minutes in tmp_path/minutes[/sub], indexed into (at or tmp_path)/ix."""
    folder = tmp_path / "minutes"
    one_item_minutes(folder / sub if sub else folder, count, word=word)
    ix = (at or tmp_path) / "ix"
    indexer.build(ix, [folder])
    return folder, ix


def snapshot(index_dir) -> list[tuple]:
    """Everything that identifies the index's content: each item's id, file, position and digest."""
    ix = indexer.open_index(index_dir)
    with ix.searcher() as s:
        return sorted((d["id"], d["path"], d["position"], d["digest"], d.get("cluster")) for d in s.all_stored_fields())


def clean_build(folders: list[Path], target: Path) -> list[tuple]:
    indexer.build(target, [*folders])
    return snapshot(target)


def wait_for(condition, what: str, deadline: float = DEADLINE):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


class FaultRun(subprocess.Popen):
    """A referat run that reached a fault point; `at_fault` is the pid of the process that reached it."""

    at_fault: int


def start_at_fault(args: list[str], point: str, tmp_path: Path, action: str = "hang",
                   env: dict | None = None) -> FaultRun:
    """Start `referat ARGS` and return once it has reached `point` (it is then still running); the pid of
    the process that reached it (the run or one of its workers) is `proc.at_fault`."""
    marker = tmp_path / f"reached-{point}-{time.monotonic_ns()}"
    full_env = {**os.environ, **(env or {}), "REFERAT_FAULT": point, "REFERAT_FAULT_MARKER": str(marker),
                "REFERAT_FAULT_ACTION": action}
    proc = FaultRun([referat_command(), *args], env=full_env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True, preexec_fn=_die_with_test)
    wait_for(lambda: marker.exists() or proc.poll() is not None, f"the run to reach {point}")
    assert marker.exists(), f"the run ended before {point}: {proc.communicate()}"
    assert proc.poll() is None, "the run must still be running at the fault point"
    proc.at_fault = int(wait_for(marker.read_text, "the marker's pid"))
    return proc


def _die_with_test() -> None:
    """In the child before exec: the kernel kills it if the test process dies first."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")
