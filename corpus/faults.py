"""Named points in a run where tests inject a fault, so crash tests synchronise on events, not timing.

They live in corpus, the lowest layer, so that reading (OCR) has points as well as writing the index.

Test-only: with `REFERAT_FAULT=<point>` in the environment, a run reaching that point writes its pid to
the file `REFERAT_FAULT_MARKER` (when set) and then does `REFERAT_FAULT_ACTION`: `hang` (the default:
wait to be killed, so a test can `kill -9` a process it knows is still running; a signal's handler
still runs, and after HANG_SECONDS the process exits by itself, so a test runner that died first leaves
nothing behind), `kill` (SIGKILL itself), `enospc` (raise a disk-full error there). Without the
variable every point is a no-op.
"""
from __future__ import annotations

import errno
import os
import signal
import time

HANG_SECONDS = 300

POINTS = (
    "ocr",               # a scanned page about to be read by Tesseract (corpus.scan)
    "parallel-writer",   # in the parallel writer's commit, its forked workers writing their shares
    "parallel-worker",   # in a worker process of that writer, before it writes its share
    "writer-batch",      # a batch of documents written to segments within the memory budget, none committed
    "before-commit",     # every document written, nothing committed
    "after-commit",      # the new generation is current, no side file written yet
    "after-state",       # files.json written
    "after-compounds",   # compounds-N.json written
    "after-meta",        # referat.json written, alerts not yet recorded
    "after-journal",     # the alerts recorded in alerts.jsonl, the outbox not yet cleared, nothing printed
    "rebuild",           # a schema rebuild written beside the live index, not yet swapped in
    "opensearch-bulk",   # OpenSearch: a bulk request of a generation sent, more to come, nothing committed
    "opensearch-flip",   # OpenSearch: a generation written and refreshed, its alias not yet moved to it
    "lexicon-spill",     # OpenSearch: the lexicon's rows written out as a sorted run, nothing committed
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
    deadline = time.monotonic() + HANG_SECONDS
    while time.monotonic() < deadline:
        time.sleep(1)
    os._exit(70)
