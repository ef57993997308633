"""The memory budget of an indexing run (`referat index --memory-mb N`, `indexer.build(memory_mb=N)`).

A run holds at most about this much of documents before they are written: the writer flushes its
buffered documents to new segments (Whoosh) or sends them (OpenSearch) whenever their estimated size
would pass the writer's share of the budget, and the side files count a batch of documents and let it
go at the same size. Nothing becomes visible before the run's one commit, so a smaller budget changes
how many batches a run writes, never what it indexes.

The default is MEMORY_FRACTION of the machine's physical memory, at least MIN_DEFAULT_MB.
"""
from __future__ import annotations

import os

MEMORY_FRACTION = 16  # the default budget is a sixteenth of the machine's memory
MIN_DEFAULT_MB = 256  # ... but never less than this
# Of the budget: what the writer buffers before it flushes a batch (its workers' postings of that batch and
# the side files' counts of it take about as much again; the OpenSearch writer's bulks take at most 8 MB of
# it and its lexicon rows as much as it again), and what the side files hold before counting.
WRITER_SHARE = 0.25
SIDE_SHARE = 0.1
FIELD_OVERHEAD = 80  # bytes a stored field costs a Python dict beyond its text (the key, the str header)


class BadMemoryBudget(ValueError):
    """A budget that is not a positive whole number of megabytes."""


def machine_mb() -> int | None:
    """The machine's physical memory in MB (None where the system does not tell)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1024 * 1024)
    except (AttributeError, ValueError, OSError):
        return None


def default_memory_mb() -> int:
    """A sixteenth of the machine's memory, at least MIN_DEFAULT_MB."""
    return max(MIN_DEFAULT_MB, (machine_mb() or 0) // MEMORY_FRACTION)


def checked(memory_mb: object) -> int:
    """`memory_mb` as a budget in MB (None: the default); BadMemoryBudget says in one line what is wrong."""
    if memory_mb is None:
        return default_memory_mb()
    if isinstance(memory_mb, bool) or not isinstance(memory_mb, int):
        try:
            memory_mb = int(str(memory_mb).strip())
        except ValueError:
            raise BadMemoryBudget(f"--memory-mb must be a whole number of megabytes, not '{memory_mb}'") from None
    if memory_mb < 1:
        raise BadMemoryBudget(f"--memory-mb must be at least 1 (megabytes), not {memory_mb}")
    return memory_mb


def writer_bytes(memory_mb: int) -> int:
    """What the writer buffers before it flushes a batch."""
    return int(memory_mb * 1024 * 1024 * WRITER_SHARE)


def side_bytes(memory_mb: int) -> int:
    """What the side files hold before they count a batch."""
    return int(memory_mb * 1024 * 1024 * SIDE_SHARE)


def document_bytes(document: dict) -> int:
    """An estimate of what one document costs in memory: its text, and a little per field."""
    size = 0
    for value in document.values():
        if isinstance(value, str):
            size += len(value) + FIELD_OVERHEAD
        elif isinstance(value, dict):
            size += document_bytes(value)
        else:
            size += FIELD_OVERHEAD
    return size
