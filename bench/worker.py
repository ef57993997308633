"""One measured step of the benchmark, run in its own process so that its peak memory is its own.

Prints one JSON line: {"seconds": ..., "peak_rss_mb": ..., ...}.
"""
from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path


def _rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def referat_build(corpus: str, index: str) -> dict:
    import indexer

    started = time.perf_counter()
    report = indexer.build(index, [corpus])
    return {"seconds": time.perf_counter() - started, "items": report.items, "failed": len(report.failed)}


def referat_index_cli(corpus: str, index: str) -> dict:
    """`referat index` as a user runs it: a whole process (start-up, the build, its side files, exit)."""
    import subprocess

    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "referat"), "index", "--index", index, "--quiet", corpus],
                   capture_output=True, check=True)
    return {"seconds": time.perf_counter() - started}


def referat_reindex(corpus: str, index: str) -> dict:
    import indexer

    started = time.perf_counter()
    report = indexer.reindex(index, [corpus])
    return {"seconds": time.perf_counter() - started, "updated": len(report.updated), "unchanged": report.unchanged}


def baseline_build(corpus: str, index: str) -> dict:
    """Plain Whoosh: LanguageAnalyzer("da"), one default writer, one item per document (of the minutes:
    attachments are not in the baseline).

    Items come from referat's own parser, and parsing is not timed: the baseline is charged only for
    analysing and writing, which makes the comparison harder for referat, not easier.
    """
    from whoosh import index as windex
    from whoosh.analysis import LanguageAnalyzer
    from whoosh.fields import ID, NUMERIC, TEXT, Schema

    import corpus as reader

    docs = []
    for f in reader.iter_files([corpus]):
        if f.suffix != ".txt":  # attachments: the baseline indexes the minutes only
            continue
        m = reader.read(f)
        for item in m.items:
            docs.append(dict(id=item.id, path=m.path, title=item.title, text=item.body, cluster=m.cluster or "",
                             year=m.year or 0))
    schema = Schema(id=ID(stored=True, unique=True), path=ID(stored=True),
                    title=TEXT(LanguageAnalyzer("da"), stored=True), text=TEXT(LanguageAnalyzer("da")),
                    cluster=ID(stored=True), year=NUMERIC(int, stored=True))
    os.makedirs(index, exist_ok=True)
    ix = windex.create_in(index, schema)
    started = time.perf_counter()
    writer = ix.writer()
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    return {"seconds": time.perf_counter() - started, "items": len(docs)}


def _percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": statistics.median(ordered) * 1000, "p95_ms": p95 * 1000, "n": len(ordered)}


def _time_classes(queries_file: str, run_one) -> dict:
    """p50/p95 per query class of `run_one(query)`, which runs one query end to end."""
    classes = json.loads(Path(queries_file).read_text("utf-8"))
    out = {}
    for name, queries in classes.items():
        samples = []
        for q in queries:
            started = time.perf_counter()
            run_one(q)
            samples.append(time.perf_counter() - started)
        out[name] = _percentiles(samples)
    return out


def referat_queries(index: str, queries_file: str) -> dict:
    """Through one `search.open()` Index, as a long-lived process (a web server, the watch loop) does;
    a few warm-up searches first load what every later search reuses."""
    import search

    ix = search.open(index)
    classes = json.loads(Path(queries_file).read_text("utf-8"))
    for group in classes.values():
        for q in group[:2]:
            ix.search(q["query"], cluster=q.get("cluster"), year=q.get("year"), limit=10)
    return _time_classes(queries_file, lambda q: ix.search(q["query"], cluster=q.get("cluster"), year=q.get("year"),
                                                           limit=10))


CLI_QUERIES = 10  # per class: each one is a whole process


def referat_cli(index: str, queries_file: str) -> dict:
    """Whole `referat search` processes (start-up, opening the index, one search, printing), and the
    start-up alone (`referat --version`)."""
    import subprocess

    referat = str(Path(sys.executable).parent / "referat")

    def run_one(q):
        args = [referat, "search", "--index", index, "--limit", "10", "--format", "json"]
        for key in ("cluster", "year"):
            if q.get(key):
                args += [f"--{key}", q[key]]
        subprocess.run(args + ["--", q["query"]] if q["query"] else args, capture_output=True, check=True)

    classes = json.loads(Path(queries_file).read_text("utf-8"))
    sample = Path(queries_file).with_suffix(".cli.json")
    sample.write_text(json.dumps({k: v[:CLI_QUERIES] for k, v in classes.items()}), "utf-8")
    out = _time_classes(str(sample), run_one)
    startup = []
    for _ in range(7):
        started = time.perf_counter()
        subprocess.run([referat, "--version"], capture_output=True, check=True)
        startup.append(time.perf_counter() - started)
    out["startup_ms"] = statistics.median(startup) * 1000
    return out


def referat_meetings(index: str) -> dict:
    """`referat meetings` as the library answers it: the first listing in a fresh process (which reads the
    meetings table) and repeated filtered listings (years, a cluster) on the open index."""
    import search

    started = time.perf_counter()
    with search.open(index) as ix:
        first = ix.meetings(limit=50)
        first_s = time.perf_counter() - started
        samples = []
        for year in [None, *range(2015, 2027)]:
            begun = time.perf_counter()
            ix.meetings(year=str(year) if year else None, limit=50)
            samples.append(time.perf_counter() - begun)
    return {"meetings": first.total, "first_ms": first_s * 1000, **_percentiles(samples)}


def baseline_queries(index: str, queries_file: str) -> dict:
    from whoosh import index as windex
    from whoosh import sorting
    from whoosh.qparser import MultifieldParser
    from whoosh.query import And, Every, NumericRange, Term

    ix = windex.open_dir(index)
    searcher = ix.searcher()  # long-lived, as referat's Index

    def run_one(q):
        query = Every() if not q["query"] else MultifieldParser(["title", "text"], ix.schema).parse(q["query"])
        filt = None
        if q.get("cluster"):
            filt = And([Term("cluster", q["cluster"]), NumericRange("year", int(q["year"]), int(q["year"]))])
        facets = {"cluster": sorting.FieldFacet("cluster"), "year": sorting.FieldFacet("year")} if filt else None
        results = searcher.search(query, limit=10, filter=filt, groupedby=facets)
        [hit["id"] for hit in results]

    return _time_classes(queries_file, run_one)


def main() -> None:
    step, *args = sys.argv[1:]
    result = globals()[step.replace("-", "_")](*args)
    result["peak_rss_mb"] = _rss_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
