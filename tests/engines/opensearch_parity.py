"""`python -m tests.engines.opensearch_parity`: the judged sets' rankings, Whoosh against OpenSearch.

Each set of bench.relevance (../shared's dev set, the archive set) is built with indexer.build into a
Whoosh index and the same items into an OpenSearch index (tests/engines/conftest.py lays them out). Every
judged query runs through search.Index on the Whoosh engine; the Find whose answer it shows (after any
fallback) is caught on its way to the engine and asked of the OpenSearch engine too, one hit per case and
every appearance. Printed: nDCG@10 and MRR of both, and how many top tens differ. Not a test: it needs
../shared and the cluster, and takes minutes.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import uuid
from pathlib import Path

from bench.relevance import K, judged_sets, measure, summary
from search.engines import Find, Found
from search.engines.whoosh import WhooshEngine

from .conftest import built_twice, drop_index, opensearch_config


class Caught(WhooshEngine):
    """The Whoosh engine of an Index, keeping the last Find it answered with hits, and its answer: the
    one whose page search.engine shows (a fallback asks again: the last one asked)."""

    asked: tuple[Find, Found] | None = None

    def find(self, find: Find) -> Found:
        found = super().find(find)
        if find.hits:
            self.asked = (find, found)
        return found


def _counts(found: Found) -> tuple:
    """Total, groups and facet counts (values as text: a year is a number in one engine's answer)."""
    return found.total, found.groups, {f: {str(k): v for k, v in values.items() if v}
                                       for f, values in found.facets.items()}


def run_set(judged_set, engine, folder: Path, verbose: bool) -> dict[str, tuple]:
    from bench.relevance import case_keys
    from search.index import Index
    from search.query import QueryError
    cases = case_keys(folder, judged_set.key)
    rows = {}
    index = Index(folder)
    index.engine.close()
    caught = index.engine = Caught(folder)
    for judged in judged_set.queries:
        try:
            caught.asked = None
            grouped = index.search(judged.query, limit=K, **judged.options)
            asked_grouped = caught.asked
            caught.asked = None
            every = index.search(judged.query, limit=K, all_appearances=True, **judged.options)
            asked_every = caught.asked
        except QueryError:
            continue
        today = ([judged_set.key(h) for h in grouped.hits], [judged_set.key(h) for h in every.hits])
        there: tuple[list, list] = ([], [])
        counts_today: tuple = (grouped.total, grouped.groups, {})
        counts_there: tuple = (0, None if grouped.groups is None else 0, {})
        if asked_grouped is not None and asked_every is not None:  # None: an empty index asks nothing
            (find, found), (find_every, _) = asked_grouped, asked_every
            one, all_ = engine.find(find), engine.find(find_every)
            counts_today, counts_there = _counts(found), _counts(one)
            there = ([judged_set.key(h.document) for h in one.hits], [judged_set.key(h.document) for h in all_.hits])
        rows[judged.id] = (measure(today[0], judged.relevant, cases), measure(there[0], judged.relevant, cases),
                           measure(today[1], judged.relevant), measure(there[1], judged.relevant),
                           today != there, counts_today == counts_there)
        if verbose and today != there:
            print(f"  {judged.id} {judged.query!r}: whoosh {today[0][:5]} / opensearch {there[0][:5]}")
    index.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[3] / "shared")
    parser.add_argument("--url", default=os.environ.get("REFERAT_OPENSEARCH_URL", "http://127.0.0.1:9200"))
    parser.add_argument("--set", action="append", help="only this set (dev, archive); every set by default")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    from search.engines import open_engine

    for judged_set in [s for s in judged_sets(args.shared) if not args.set or s.name in args.set]:
        index = f"osr-parity-{judged_set.name}-{uuid.uuid4().hex[:6]}"
        with tempfile.TemporaryDirectory() as tmp:
            try:
                folder = built_twice(Path(tmp) / "ix", judged_set.roots, args.url, index)
                engine = open_engine(folder, opensearch_config(args.url, index))
                rows = run_set(judged_set, engine, folder, args.verbose)
                engine.close()
            finally:
                drop_index(args.url, index)
        for label, at in (("one hit per case", 0), ("every appearance", 2)):
            whoosh = summary({k: r[at] for k, r in rows.items()})
            opensearch = summary({k: r[at + 1] for k, r in rows.items()})
            print(f"{judged_set.name} ({len(rows)} queries), {label}: nDCG@10 whoosh {whoosh.ndcg:.4f} "
                  f"opensearch {opensearch.ndcg:.4f} (diff {opensearch.ndcg - whoosh.ndcg:+.4f}); "
                  f"MRR {whoosh.mrr:.4f} / {opensearch.mrr:.4f}")
        print(f"{judged_set.name}: {sum(r[4] for r in rows.values())} of {len(rows)} queries' top tens differ; "
              f"totals, groups and facet counts identical in {sum(r[5] for r in rows.values())} of {len(rows)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
