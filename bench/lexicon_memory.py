"""What the OpenSearch writer's lexicon rows cost in memory, with and without a budget (bench/README.md,
"Issue 23: the OpenSearch lexicon in bounded memory, and repair"): a driver of the counting code alone.

    python -m bench.lexicon_memory --rows 3000000 [--budget-mb N] [--folder DIR]
        items of synthetic text counted into a lexicon.Delta (each item a few common words and new
        random terms in every text field, as OCR junk, names and case numbers give), then written as
        lexicon-1.txt in DIR; prints rows, runs, peak RSS and the times as one JSON line.
    python -m bench.lexicon_memory --measure INDEX_DIR
        the bytes per row of a real lexicon's rows held as a Delta holds them (tracemalloc).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from indexer.engines.opensearch import lexicon

NEW_TERMS = 60  # new terms per item (over its text fields)
COMMON = ["og", "til", "sag", "plan", "borgere", "kommune", "godkendt", "beslutning"]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def count(rows: int, budget_mb: float | None, folder: Path, seed: int = 1) -> dict:
    rng = random.Random(seed)
    fields = lexicon.counted_texts()
    letters = "abcdefghijklmnopqrstuvwxyzæøå0123456789"
    start_mb = _peak_mb()
    delta = lexicon.Delta(folder=folder, budget=None if budget_mb is None else int(budget_mb * 1024 * 1024))
    started = time.perf_counter()
    items = 0
    while items * NEW_TERMS < rows:
        body: dict = {}
        for k, name in enumerate(fields):
            new = ["".join(rng.choices(letters, k=rng.randint(4, 14))) for _ in range(NEW_TERMS // len(fields)
                                                                                      + (k < NEW_TERMS % len(fields)))]
            body[name] = " ".join(COMMON + new)
        delta.add(body)
        items += 1
    counted = time.perf_counter() - started
    held = len(delta.rows)
    lexicon.write(folder, 1, None, delta)
    delta.close()
    written = time.perf_counter() - started - counted
    found = lexicon.open_lexicon(folder, 1)
    assert found is not None
    out = {"rows": found.rows_count, "items": items, "budget_mb": budget_mb, "runs": delta.spilled,
           "peak_rows_held": max(delta.peak, held), "peak_rss_mb": round(_peak_mb(), 1),
           "rss_before_mb": round(start_mb, 1), "count_s": round(counted, 1), "write_s": round(written, 1),
           "file_mb": round(lexicon.path(folder, 1).stat().st_size / 1e6, 1),
           "sha1": hashlib.sha1(lexicon.path(folder, 1).read_bytes()).hexdigest()[:12]}
    found.close()
    return out


def measure(index_dir: Path) -> dict:
    """The bytes per row of a lexicon's rows held in a Delta's dict (the writer's form), and the estimate."""
    found = None
    for file in sorted(index_dir.glob("lexicon-*.txt")):
        found = lexicon.open_lexicon(index_dir, int(file.stem.split("-")[1])) or found
    assert found is not None, "no sound lexicon"
    lines = list(found.rows())
    tracemalloc.start()
    rows = {key[:-1].decode(): list(counts) for key, counts in lines}
    used = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    estimate = sum(lexicon.ROW_BYTES + len(key) for key in rows)
    non_ascii = sum(not key.isascii() for key in rows)
    return {"rows": len(rows), "bytes_per_row": round(used / len(rows), 1),
            "estimate_per_row": round(estimate / len(rows), 1),
            "mean_key_chars": round(sum(map(len, rows)) / len(rows), 1),
            "non_ascii_rows": non_ascii, "file_mb": round(found._end / 1e6, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--budget-mb", type=float, default=None)
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--measure", type=Path, default=None)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    with tempfile.TemporaryDirectory(dir=args.folder) as folder:
        print(json.dumps(count(args.rows, args.budget_mb, Path(folder))))


if __name__ == "__main__":
    main()
