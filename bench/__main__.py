"""`python -m bench`: index and query benchmarks of referat against a plain-Whoosh baseline.

Every figure is measured in the same run on the same generated files, and reported as a ratio to the
baseline, since this machine is noisy. Results are appended to bench/README.md with date and machine.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from indexer.engine import ENGINES, OPENSEARCH_URL_ENV, EngineConfig
from indexer.engines.opensearch.client import DEFAULT_URL

from .generate import ATTACHMENT_WORDS, attachment_pdf, generate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _worker(*args: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-m", "bench.worker", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT)
    if proc.returncode:
        raise SystemExit(f"benchmark step {args[0]} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def _queries(corpus: Path, count: int, seed: int, attachments: bool = False) -> dict:
    """Query classes drawn from the corpus's own words, so every query has something to find; with
    attachments, classes whose words are only in them (alone, with a word of the items, and `bilag:`)."""
    import corpus as reader

    rng = random.Random(seed)
    files = sorted(corpus.rglob("*.txt"))
    words, titles, meetings = [], [], []
    for f in rng.sample(files, min(60, len(files))):
        m = reader.read(f)
        meetings.append(m)
        for item in m.items:
            titles.append(item.title)
            words += [w.strip(".,;:()").lower() for w in item.body.split() if len(w) > 6]
    words = sorted(set(words))
    single = [{"query": rng.choice(words)} for _ in range(count)]
    conj = [{"query": " ".join(rng.sample(words, rng.choice([2, 3])))} for _ in range(count)]
    phrases = []
    for _ in range(count):
        title = rng.choice(titles).split()
        start = rng.randrange(0, max(1, len(title) - 2))
        phrases.append({"query": '"' + " ".join(title[start:start + 2]) + '"'})
    filtered, listing, questions = [], [], []
    for _ in range(count):
        m = rng.choice(meetings)
        filtered.append({"query": rng.choice(words), "cluster": m.cluster, "year": str(m.year)})
        m = rng.choice(meetings)
        listing.append({"query": "", "cluster": m.cluster, "year": str(m.year)})
        a, b, c = rng.sample(words, 3)
        questions.append({"query": f"hvordan går det med {a} og {b} i forhold til {c}"})
    classes = {"single word": single, "2-3 word AND": conj, "phrase": phrases,
               "cluster+year filter, facets": filtered, "filters only (listing)": listing, "long question": questions}
    if attachments:
        classes["bilag word (only in attachments)"] = [{"query": rng.choice(ATTACHMENT_WORDS)} for _ in range(count)]
        classes["bilag word AND item word"] = [{"query": f"{rng.choice(ATTACHMENT_WORDS)} {rng.choice(words)}"}
                                               for _ in range(count)]
        classes["bilag:word (attachments only)"] = [{"query": f"bilag:{rng.choice(words)}"} for _ in range(count)]
    return classes


def run_size(items: int, work: Path, query_count: int, attachment_pages: int = 0,
             engines: tuple[EngineConfig, ...] = ()) -> list[dict]:
    """Every measurement at one size. Without `engines`, referat indexes with the default engine and
    `referat index` is timed too (as before #23); with them, the same corpus and queries are indexed by
    referat into each engine in turn (one result each), beside one plain-Whoosh baseline."""
    corpus = work / (f"corpus-{items}" + (f"-a{attachment_pages}" if attachment_pages else ""))
    if not corpus.exists():
        generate(corpus, items, seed=11, attachment_pages=attachment_pages)
    input_mb = _size_mb(corpus)
    base_ix = work / f"ix-baseline-{items}"
    shutil.rmtree(base_ix, ignore_errors=True)
    base = _worker("baseline-build", str(corpus), str(base_ix))
    queries_file = work / f"queries-{items}.json"
    queries_file.write_text(json.dumps(_queries(corpus, query_count, seed=5, attachments=bool(attachment_pages)),
                                       ensure_ascii=False), "utf-8")
    base_q = _worker("baseline-queries", str(base_ix), str(queries_file))
    baseline = {"baseline_items_s": base["items"] / base["seconds"], "baseline_seconds": base["seconds"],
                "baseline_index_mb": _size_mb(base_ix), "queries": base_q}
    return [_run_engine(items, work, corpus, input_mb, queries_file, attachment_pages, baseline, config)
            for config in (engines or (None,))]


def _run_engine(items: int, work: Path, corpus: Path, input_mb: float, queries_file: Path, attachment_pages: int,
                baseline: dict, config: EngineConfig | None) -> dict:
    name = config.name if config else "default"
    ref_ix = work / (f"ix-referat-{items}" + ("" if config is None else f"-{name}"))
    cli_ix = work / f"ix-cli-{items}"
    shutil.rmtree(ref_ix, ignore_errors=True)
    cluster = Cluster(config) if config and config.name == "opensearch" else None
    if cluster:
        cluster.drop()  # an earlier run's, killed before it cleaned up
    try:
        ref = _worker("referat-build", str(corpus), str(ref_ix),
                      *([json.dumps(config.to_json())] if config else []))
        cli_index = None
        if config is None:
            shutil.rmtree(cli_ix, ignore_errors=True)
            cli_index = _worker("referat-index-cli", str(corpus), str(cli_ix))
            shutil.rmtree(cli_ix, ignore_errors=True)
        store = cluster.store() if cluster else None
        ref_q = _worker("referat-queries", str(ref_ix), str(queries_file))
        cli_q = _worker("referat-cli", str(ref_ix), str(queries_file))
        meetings = _worker("referat-meetings", str(ref_ix))
        nochange = _worker("referat-reindex", str(corpus), str(ref_ix))
        one_attachment = None
        if attachment_pages:
            target = sorted(corpus.rglob("*.pdf"))[len(list(corpus.rglob("*.pdf"))) // 2]
            before = target.read_bytes()
            seed = 99
            while (changed_pdf := attachment_pdf(random.Random(seed), _Words(), attachment_pages)) == before:
                seed += 1  # a corpus reused from an earlier run may hold this very change already
            target.write_bytes(changed_pdf)
            one_attachment = _worker("referat-reindex", str(corpus), str(ref_ix))
        files = sorted(corpus.rglob("*.txt"))
        for f in random.Random(3).sample(files, max(1, len(files) // 100)):
            f.write_text(f.read_text("utf-8") + "\nTilføjet ved genkørsel.\n", "utf-8")
        changed = _worker("referat-reindex", str(corpus), str(ref_ix))
    finally:
        if cluster:
            cluster.drop()
    folder_mb = _size_mb(ref_ix)
    base_q = baseline["queries"]
    return {
        "items": ref["items"], "engine": name, "input_mb": input_mb,
        "referat_items_s": ref["items"] / ref["seconds"], "referat_mb_s": input_mb / ref["seconds"],
        "referat_seconds": ref["seconds"], **{k: v for k, v in baseline.items() if k != "queries"},
        "cli_index_seconds": cli_index["seconds"] if cli_index else None,
        "index_mb": folder_mb + (store["primary_mb"] if store else 0.0), "folder_mb": folder_mb,
        "cluster_store": store, "peak_rss_mb": ref["peak_rss_mb"],
        "nodes_peak_rss_mb": {"build": ref.get("nodes_peak_rss_mb"), "queries": ref_q.get("nodes_peak_rss_mb")},
        "queries_peak_rss_mb": ref_q["peak_rss_mb"],
        "queries": {k: {"referat": v, "baseline": base_q[k], "cli": cli_q[k]} for k, v in ref_q.items()
                    if k not in ("peak_rss_mb", "nodes_peak_rss_mb")},
        "cli_startup_ms": cli_q["startup_ms"],
        "reindex_nochange_s": nochange["seconds"], "reindex_1pct_s": changed["seconds"],
        "reindex_1pct_updated": changed["updated"],
        "meetings": meetings["meetings"], "meetings_first_ms": meetings["first_ms"],
        "meetings_p50_ms": meetings["p50_ms"],
        "attachment_pages": attachment_pages * ref["items"],
        "reindex_attachment_s": one_attachment["seconds"] if one_attachment else None,
        "reindex_attachment_updated": one_attachment["updated"] if one_attachment else None,
    }


class Cluster:
    """The bench's index on an OpenSearch cluster, through its REST API: its size on disk, and dropping
    every generation of it (a bench leaves nothing behind on a shared cluster)."""

    def __init__(self, config: EngineConfig):
        self.url = (config.url or DEFAULT_URL).split(",")[0].rstrip("/")  # the engine's own default
        self.alias = config.index

    def _get(self, path: str, method: str = "GET"):
        with urllib.request.urlopen(urllib.request.Request(self.url + path, method=method), timeout=120) as answer:
            return json.load(answer)

    def drop(self) -> None:
        for entry in self._get(f"/_cat/indices/{self.alias}-g*?format=json&expand_wildcards=all"):
            self._get(f"/{entry['index']}", method="DELETE")

    def store(self) -> dict:
        """The committed index's store (the alias's), primaries and all copies, in MB: flushed first, since
        right after a commit's refresh `_cat/indices` may not count a copy's newest segment yet."""
        self._get(f"/{self.alias}/_flush", method="POST")
        entry, = self._get(f"/_cat/indices/{self.alias}?format=json&bytes=b")
        return {"index": entry["index"], "primary_mb": int(entry["pri.store.size"]) / 1e6,
                "total_mb": int(entry["store.size"]) / 1e6, "replicas": int(entry["rep"])}


class _Words:
    """Words for a changed attachment: the generator's own, no compounds."""

    def word(self) -> str:
        return "ændret"


def table(results: list[dict]) -> str:
    rows = ["| measure | " + " | ".join(f"{r['items']:,} items" + (f", {r['engine']}" if r.get("engine", "default")
                                                                    != "default" else "") for r in results) + " |",
            "| --- |" + " --- |" * len(results)]

    def row(name, fn):
        rows.append(f"| {name} | " + " | ".join(fn(r) for r in results) + " |")

    row("input text (MB)", lambda r: f"{r['input_mb']:.1f}")
    if any(r.get("attachment_pages") for r in results):
        row("attachment PDF pages (in the input)", lambda r: f"{r.get('attachment_pages') or 0:,}")
    row("full index, referat (items/s, incl. parsing)", lambda r: f"{r['referat_items_s']:.0f}")
    row("full index, baseline (items/s, excl. parsing)", lambda r: f"{r['baseline_items_s']:.0f}")
    row("**index speed ratio** (target ≥ 1.5×)", lambda r: f"{r['referat_items_s'] / r['baseline_items_s']:.2f}×")
    row("referat MB/s", lambda r: f"{r['referat_mb_s']:.2f}")
    if any(r.get("cli_index_seconds") for r in results):
        row("`referat index` whole process / `indexer.build()` (target ≤ 1.2×)",
            lambda r: f"{r['cli_index_seconds'] / r['referat_seconds']:.2f}× ({r['cli_index_seconds']:.0f} s)"
            if r.get("cli_index_seconds") else "-")
    row("index size / input (target ≤ 1.5)", lambda r: f"{r['index_mb'] / r['input_mb']:.2f} ({r['index_mb']:.0f} MB)")
    clustered = [r for r in results if r.get("cluster_store")]
    if clustered:
        row("cluster store: primaries / all copies (MB; the index folder's own files beside)",
            lambda r: f"{r['cluster_store']['primary_mb']:.0f} / {r['cluster_store']['total_mb']:.0f} "
                      f"({r['folder_mb']:.0f})" if r.get("cluster_store") else "-")
    row("peak RSS indexing (MB, target ≤ 1500)", lambda r: f"{r['peak_rss_mb']:.0f}")
    if clustered:
        for step in ("build", "queries"):
            row(f"peak RSS of the cluster's nodes, {step} (MB each)",
                lambda r, s=step: " + ".join(f"{mb:.0f}" for mb in (r["nodes_peak_rss_mb"][s] or {}).values()) or "-")
    def ms(r: dict, name: str, who: str, p: str) -> float:
        return r["queries"][name][who][p]

    for name in results[0]["queries"]:
        row(f"query p50/p95 ms: {name} (referat Index, target p95 ≤ 50)",
            lambda r, n=name: f"{ms(r, n, 'referat', 'p50_ms'):.1f} / {ms(r, n, 'referat', 'p95_ms'):.1f}")
        row(f"query p50/p95 ms: {name} (baseline)",
            lambda r, n=name: f"{ms(r, n, 'baseline', 'p50_ms'):.1f} / {ms(r, n, 'baseline', 'p95_ms'):.1f}")
        row(f"query p95 ratio referat / baseline: {name}",
            lambda r, n=name: f"{ms(r, n, 'referat', 'p95_ms') / max(ms(r, n, 'baseline', 'p95_ms'), 0.001):.2f}×")
        row(f"query p50/p95 ms: {name} (referat CLI, whole process)",
            lambda r, n=name: f"{ms(r, n, 'cli', 'p50_ms'):.0f} / {ms(r, n, 'cli', 'p95_ms'):.0f}")
    row("CLI start-up ms, `referat --version` median (target ≤ 250)", lambda r: f"{r['cli_startup_ms']:.0f}")
    row("referat meetings: first listing / filtered p50 ms (target ≤ 200)",
        lambda r: f"{r['meetings_first_ms']:.0f} / {r['meetings_p50_ms']:.1f} ({r['meetings']:,} meetings)")
    row("reindex, no change / full build (target ≤ 5 %)",
        lambda r: f"{100 * r['reindex_nochange_s'] / r['referat_seconds']:.1f} %")
    if any(r.get("reindex_attachment_s") for r in results):
        row("reindex, one attachment changed / full build (target ≤ 10 %)",
            lambda r: f"{100 * r['reindex_attachment_s'] / r['referat_seconds']:.1f} % "
                      f"({r['reindex_attachment_updated']} files)" if r.get("reindex_attachment_s") else "-")
    row("reindex, 1 % files changed / full build (target ≤ 10 %)",
        lambda r: f"{100 * r['reindex_1pct_s'] / r['referat_seconds']:.1f} % ({r['reindex_1pct_updated']} files)")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="item counts, comma-separated")
    parser.add_argument("--work", default=str(ROOT / ".bench"), help="folder for generated corpora and indexes")
    parser.add_argument("--queries", type=int, default=100, help="queries per class")
    parser.add_argument("--no-readme", action="store_true", help="print the table only")
    parser.add_argument("--attachments", type=int, default=0, metavar="PAGES",
                        help="an attachment PDF of this many pages beside each item (0: none)")
    parser.add_argument("--engine", default="", metavar="NAME[,NAME]",
                        help=f"index into these engines ({', '.join(ENGINES)}), each in turn on the same corpus")
    parser.add_argument("--url", default=os.environ.get(OPENSEARCH_URL_ENV) or DEFAULT_URL,
                        help=f"the OpenSearch cluster (default {OPENSEARCH_URL_ENV} or {DEFAULT_URL})")
    parser.add_argument("--index-prefix", default="bench",
                        help="the cluster's index names begin with this (dropped after each run)")
    args = parser.parse_args()
    names = [n.strip() for n in args.engine.split(",") if n.strip()]
    if unknown := [n for n in names if n not in ENGINES]:
        parser.error(f"unknown engine {', '.join(unknown)}: one of {', '.join(ENGINES)}")
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        started = time.time()
        engines = tuple(EngineConfig(n, args.url, index=f"{args.index_prefix}-{size}") if n == "opensearch"
                        else EngineConfig(n) for n in names)
        results += run_size(size, work, args.queries, args.attachments, engines)
        print(f"size {size}: done in {time.time() - started:.0f} s", file=sys.stderr)
        (work / "last-results.json").write_text(json.dumps(results, indent=1), "utf-8")
    text = table(results)
    print(text)
    if not args.no_readme:
        stamp = time.strftime("%Y-%m-%d")
        machine = (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
                   f"{platform.system()}")
        with (HERE / "README.md").open("a", encoding="utf-8") as out:
            extra = f", {args.attachments}-page attachment per item" if args.attachments else ""
            extra += f", engines {', '.join(names)}" if names else ""
            out.write(f"\n### Run of {stamp} ({machine}{extra})\n\n{text}\n")


if __name__ == "__main__":
    main()
