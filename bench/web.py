"""`python -m bench.web`: a bounded load test of `referat serve` against loopback.

Generates (or reuses) a synthetic corpus of `--items` items (bench/generate.py), builds its index,
starts `referat serve` in a subprocess and sends a fixed number of search-page requests from
`--clients` concurrent keep-alive clients, stopping at `--max-seconds` at the latest. The searches are
the query classes of `python -m bench` (drawn from the corpus's own words) as search-page URLs.

Measured in the same run, as baselines: the same searches through the library in this process, one
at a time (so the ratio says what HTTP, templates and concurrency add), and the static stylesheet
under the same load (the server's floor). Heavy runs: wrap in `flock /work/wt/.bench.lock`.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from indexer.build import usable_cores

from .__main__ import ROOT, _queries
from .generate import generate

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "WEB.md"
READY_WITHIN_S = 60.0


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _summary(ms: list[float]) -> dict:
    return {"n": len(ms), "p50_ms": statistics.median(ms), "p95_ms": _percentile(ms, 95), "max_ms": max(ms)}


def _url(query: dict) -> str:
    params = {"q": query["query"]}
    for key in ("cluster", "year"):
        if query.get(key):
            params[key] = query[key]
    return "/?" + urlencode(params)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(conn: http.client.HTTPConnection, path: str) -> int:
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    return response.status


def load(port: int, paths: list[str], clients: int, deadline: float) -> tuple[list[tuple[str, float]], int]:
    """Send every path once, `clients` at a time over keep-alive connections; (path, ms) per answer, errors."""
    todo = list(reversed(paths))
    lock = threading.Lock()
    timings: list[tuple[str, float]] = []
    errors = [0]

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                if not todo:
                    break
                path = todo.pop()
            started = time.perf_counter()
            try:
                status = _get(conn, path)
            except (OSError, http.client.HTTPException):  # an idle keep-alive closed by the server: once more
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                started = time.perf_counter()
                try:
                    status = _get(conn, path)
                except (OSError, http.client.HTTPException):
                    status = 0
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if status == 200:
                    timings.append((path, elapsed))
                else:
                    errors[0] += 1
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return timings, errors[0]


def _serve(index_dir: Path, port: int, workers: int) -> subprocess.Popen:
    referat = Path(sys.executable).parent / "referat"
    proc = subprocess.Popen([str(referat), "serve", "--index", str(index_dir), "--port", str(port),
                             "--workers", str(workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + READY_WITHIN_S
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            if _get(conn, "/static/style.css") == 200:
                return proc
        except OSError:
            pass
        if proc.poll() is not None:
            said = proc.stderr.read()[-2000:] if proc.stderr else ""
            raise SystemExit(f"referat serve exited with {proc.returncode}: {said}")
        if time.monotonic() > deadline:
            proc.kill()
            raise SystemExit(f"referat serve did not answer within {READY_WITHIN_S:.0f} s")
        time.sleep(0.05)


def run(items: int, work: Path, clients: int, requests: int, max_seconds: float, workers: int) -> dict:
    import indexer
    import search

    corpus = work / f"corpus-{items}"
    if not corpus.exists():
        generate(corpus, items, seed=11)
    index_dir = work / f"ix-web-{items}"
    try:
        search.open(index_dir).close()
    except indexer.IndexMissing:  # none yet, or one written by an older referat
        shutil.rmtree(index_dir, ignore_errors=True)
        started = time.time()
        indexer.build(index_dir, [corpus])
        print(f"indexed {items} items in {time.time() - started:.0f} s", file=sys.stderr)
    per_class = max(1, requests // 4)
    classes = _queries(corpus, per_class, seed=5)
    mix = [q for group in zip(*classes.values(), strict=False) for q in group][:requests]  # classes interleaved
    class_of = {_url(q): name for name, group in classes.items() for q in group}
    # Distinct searches only: a repeated one would be answered from the server's memory of results.
    paths = list(dict.fromkeys(_url(q) for q in mix))
    warmup = [f"/?q={word}" for word in ("godkendt", "borger", "kommune", "hospital", "data", "plan", "status",
                                         "aftale")]

    # Baseline 1: the library alone, one search at a time, in this process (index opened once).
    library_ms: list[float] = []
    with search.open(index_dir) as ix:
        for q in mix[: min(len(mix), 200)]:
            kwargs = {k: q[k] for k in ("cluster", "year") if q.get(k)}
            started = time.perf_counter()
            ix.search(q["query"], **kwargs)
            library_ms.append((time.perf_counter() - started) * 1000)

    port = _free_port()
    server = _serve(index_dir, port, workers)
    try:
        load(port, warmup, clients, time.monotonic() + 60)  # searchers opened, nothing of the measured set
        deadline = time.monotonic() + max_seconds
        started = time.monotonic()
        timings, errors = load(port, paths, clients, deadline)
        seconds = time.monotonic() - started
        # Baseline 2: the server's floor, a static file under the same concurrency.
        static, _ = load(port, ["/static/style.css"] * min(len(paths), 400), clients, time.monotonic() + 60)
        rss = _rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)
    by_class: dict[str, list[float]] = {}
    for path, ms in timings:
        by_class.setdefault(class_of.get(path, "?"), []).append(ms)
    return {
        "items": items, "clients": clients, "workers": workers, "sent": len(paths), "answered": len(timings),
        "errors": errors,
        "seconds": seconds, "requests_per_s": len(timings) / seconds if seconds else 0.0,
        "search_pages": _summary([ms for _, ms in timings]), "library": _summary(library_ms),
        "static": _summary([ms for _, ms in static]), "server_rss_mb": rss,
        "classes": {name: _summary(ms) for name, ms in by_class.items()},
    }


def _rss_mb(pid: int) -> float | None:
    """Resident memory of the server: its process and its worker processes (`--workers N`) together."""
    def own(p: int) -> float:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    try:
        children = [int(c) for t in Path(f"/proc/{pid}/task").iterdir()
                    for c in (t / "children").read_text().split()]
        return own(pid) + sum(own(c) for c in children)
    except OSError:
        return None


def table(r: dict) -> str:
    def row(name: str, s: dict) -> str:
        return f"| {name} | {s['n']} | {s['p50_ms']:.1f} | {s['p95_ms']:.1f} | {s['max_ms']:.1f} |"

    head = (f"{r['items']:,} items, {r['clients']} concurrent clients, {r['workers']} server process(es), "
            f"{r['answered']} of {r['sent']} search pages answered in {r['seconds']:.1f} s "
            f"({r['requests_per_s']:.0f}/s), {r['errors']} errors; "
            f"server RSS (all processes) {r['server_rss_mb'] or 0:.0f} MB")
    rows = [head, "",
            "| measure | requests | p50 ms | p95 ms | max ms |", "| --- | --- | --- | --- | --- |",
            row("**search page, all classes** (target p95 ≤ 100)", r["search_pages"])]
    rows += [row(f"search page: {name}", s) for name, s in r["classes"].items()]
    rows.append(row("baseline: library search alone, one at a time", r["library"]))
    rows.append(row("baseline: static stylesheet, same concurrency", r["static"]))
    ratio = r["search_pages"]["p95_ms"] / r["library"]["p95_ms"] if r["library"]["p95_ms"] else 0
    rows += ["", f"p95 of a search page under load / p95 of the library alone: {ratio:.1f}×"]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000, help="corpus size in items")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=800, help="search pages to request in all")
    parser.add_argument("--max-seconds", type=float, default=300, help="stop sending after this long")
    parser.add_argument("--workers", type=int, default=usable_cores(),
                        help="server processes (referat serve --workers; its default: one per core)")
    parser.add_argument("--work", default=str(ROOT / ".bench"), help="folder for generated corpora and indexes")
    parser.add_argument("--no-record", action="store_true", help=f"print only; do not append to {RESULTS.name}")
    args = parser.parse_args(argv)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    result = run(args.items, work, args.clients, args.requests, args.max_seconds, args.workers)
    text = table(result)
    print(text)
    (work / "last-web-results.json").write_text(json.dumps(result, indent=1), "utf-8")
    if not args.no_record:
        machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(f"\n### Run of {time.strftime('%Y-%m-%d %H:%M')} ({machine})\n\n{text}\n")


if __name__ == "__main__":
    main()
