"""One measured step of the benchmark, run in its own process so that its peak memory is its own.

Prints one JSON line: {"seconds": ..., "peak_rss_mb": ..., ...}.
"""
from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import threading
import time
from pathlib import Path


def _rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


class NodeSampler:
    """The peak RSS of an OpenSearch cluster's nodes while a step runs: their pids from the cluster's
    `_nodes/process`, their VmRSS read from /proc every quarter second (a node on another machine, or
    one this user may not read, is left out). Nothing for a Whoosh index."""

    INTERVAL = 0.25

    def __init__(self, config):
        self.pids = node_pids(config.url) if config and config.name == "opensearch" else {}
        self.peak: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> NodeSampler:
        if self.pids:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self.pids:
            self._thread.join()

    def _run(self) -> None:
        while True:
            for name, pid in self.pids.items():
                rss = _proc_rss_mb(pid)
                if rss is not None:
                    self.peak[name] = max(self.peak.get(name, 0.0), rss)
            if self._stop.wait(self.INTERVAL):
                return

    def result(self) -> dict:
        return {"nodes_peak_rss_mb": dict(sorted(self.peak.items()))} if self.peak else {}


def node_pids(url: str | None) -> dict[str, int]:
    """node name -> pid of the cluster's nodes that run on this machine (their pid is in /proc)."""
    import urllib.request

    first = (url or "http://127.0.0.1:9200").split(",")[0].rstrip("/")
    with urllib.request.urlopen(f"{first}/_nodes/process?filter_path=nodes.*.name,nodes.*.process.id",
                                timeout=30) as answer:
        nodes = json.load(answer)["nodes"]
    return {n["name"]: n["process"]["id"] for n in nodes.values() if _proc_rss_mb(n["process"]["id"]) is not None}


def _proc_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def referat_build(corpus: str, index: str, engine: str = "") -> dict:
    """`indexer.build()` of the corpus, into the engine `engine` (EngineConfig as JSON; Whoosh without)."""
    import indexer
    from indexer.engine import EngineConfig

    config = EngineConfig.from_json(json.loads(engine)) if engine else None
    started = time.perf_counter()
    report = indexer.build(index, [corpus], engine=config)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "items": report.items, "failed": len(report.failed)}


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


def _engine_of(step: str, args: list[str]):
    """The EngineConfig a step writes or reads: the one it is given (a build), else its index folder's."""
    from indexer.engine import EngineConfig, engine_config
    from indexer.store import META_FILE

    if step == "referat_build":
        return EngineConfig.from_json(json.loads(args[2])) if len(args) > 2 else EngineConfig()
    index = args[1] if step == "referat_reindex" else args[0]
    return engine_config(index) if Path(index, META_FILE).exists() else EngineConfig()


SAMPLED = ("referat_build", "referat_queries", "referat_reindex")  # steps whose cluster nodes' RSS is sampled


def main() -> None:
    step, *args = sys.argv[1:]
    step = step.replace("-", "_")
    if step in SAMPLED:
        with NodeSampler(_engine_of(step, args)) as nodes:
            result = globals()[step](*args)
        result.update(nodes.result())
    else:
        result = globals()[step](*args)
    result["peak_rss_mb"] = _rss_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
