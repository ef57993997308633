"""Named points in a run where tests inject a fault, so crash tests synchronise on events, not timing.

Test-only: with `REFERAT_FAULT=<point>` in the environment, a run reaching that point writes its pid to
the file `REFERAT_FAULT_MARKER` (when set) and then does `REFERAT_FAULT_ACTION`: `hang` (the default:
wait to be killed, so a test can `kill -9` a process it knows is still running), `kill` (SIGKILL
itself), `enospc` (raise a disk-full error there). Without the variable every point is a no-op.
"""
from __future__ import annotations

import errno
import os
import signal

POINTS = (
    "parallel-writer",   # inside Whoosh's multiprocess writer, its workers running
    "parallel-worker",   # in a worker process of that writer, before its first job
    "before-commit",     # every document written, nothing committed
    "after-commit",      # the new generation is current, no side file written yet
    "after-state",       # files.json written
    "after-compounds",   # compounds-N.json written
    "after-meta",        # referat.json written, alerts not yet delivered
    "rebuild",           # a schema rebuild written beside the live index, not yet swapped in
)


def point(name: str) -> None:
    if os.environ.get("REFERAT_FAULT") != name:
        return
    marker = os.environ.get("REFERAT_FAULT_MARKER")
    if marker:
        with open(marker, "w", encoding="ascii") as f:
            f.write(str(os.getpid()))
    action = os.environ.get("REFERAT_FAULT_ACTION", "hang")
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if action == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), f"(injected at {name})")
    while True:
        signal.pause()
