"""`python -m tests.engines.opensearch_parity`: the judged sets' rankings, Whoosh against OpenSearch.

Each set of bench.relevance (../shared's dev set, the archive set) is built with indexer.build into a
Whoosh index and the same items into an OpenSearch index (tests/engines/conftest.py lays them out). Every
judged query runs through today's search (search.run); the query, filters and pasted case number it ranked
by are caught on their way through search.engine and asked of the OpenSearch engine as a Find, one hit per case
and every appearance. Printed: nDCG@10 and MRR of both, and how many top tens differ. Not a test: it
needs ../shared and the cluster, and takes minutes.

Until search/query.py makes search.tree nodes itself (#23's seam), `tree_of` turns its Whoosh queries
into them, as search.docsets scores them (one word over several fields: its best field + FIELD_TIEBREAK).
"""
from __future__ import annotations

import argparse
import importlib
import os
import tempfile
import uuid
from dataclasses import replace
from pathlib import Path

from whoosh import query as wq

from bench.relevance import K, judged_sets, measure, summary
from search.exact import ExactForm
from search.expand import MinimumMatch as WhooshMinimumMatch
from search.query import FIELD_TIEBREAK
from search.tree import (
    And,
    AndNot,
    DisMax,
    Every,
    Exact,
    MinimumMatch,
    Node,
    Not,
    Nothing,
    Or,
    Phrase,
    Prefix,
    Range,
    Term,
)

from .conftest import built_twice, drop_index, opensearch_config


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def tree_of(q) -> Node:
    """The search.tree node of a query of search/query.py."""
    if q is wq.NullQuery or type(q).__name__ == "_NullQuery":
        return Nothing()
    if isinstance(q, ExactForm):
        return Exact(tree_of(q.child), q.form)
    if isinstance(q, WhooshMinimumMatch):
        return MinimumMatch(tuple(tree_of(c) for c in q.clauses), q.minimum, q.boost)
    if isinstance(q, wq.Term):
        return Term(q.fieldname, _text(q.text), q.boost)
    if isinstance(q, wq.Phrase):
        return Phrase(q.fieldname, tuple(q.words), q.slop, q.boost)
    if isinstance(q, wq.Prefix):
        return Prefix(q.fieldname, _text(q.text), q.boost)
    if isinstance(q, wq.Every):
        return Every()
    if isinstance(q, wq.NumericRange):
        return Range(q.fieldname, q.start, q.end)
    if isinstance(q, wq.TermRange):
        return Range(q.fieldname, q.start, q.end)
    if isinstance(q, wq.AndNot):
        return AndNot(tree_of(q.a), tree_of(q.b))
    if isinstance(q, wq.Not):
        return Not(tree_of(q.query))
    if isinstance(q, wq.DisjunctionMax):
        return DisMax(tuple(tree_of(c) for c in q.subqueries), q.tiebreak, q.boost)
    if isinstance(q, wq.Or):
        kids = tuple(tree_of(c) for c in q.subqueries)
        terms = [k for k in kids if isinstance(k, Term)]
        if len(terms) == len(kids) and len({t.text for t in terms}) == 1 and len({t.field for t in terms}) > 1 \
                and not any(t.field == "case_numbers" for t in terms):
            return DisMax(kids, FIELD_TIEBREAK, q.boost)
        return Or(kids, q.boost, getattr(q, "scale", None))
    if isinstance(q, wq.And):
        return And(tuple(tree_of(c) for c in q.subqueries), q.boost)
    raise TypeError(f"no tree node for {q!r}")


class Caught:
    """What search.engine ranked the last search by: its query (as it counts the matched sections), its
    filters and the case numbers pasted into it (their items rank first)."""

    def __init__(self):
        self.engine = importlib.import_module("search.engine")
        self.real = {name: getattr(self.engine, name) for name in ("_filters", "parse", "_matched_sections")}
        self.asked: dict = {}
        for name in self.real:
            setattr(self.engine, name, getattr(self, name))

    def _filters(self, *args, **kwargs):
        self.asked["filters"] = self.real["_filters"](*args, **kwargs)
        return self.asked["filters"]

    def parse(self, *args, **kwargs):
        parsed = self.real["parse"](*args, **kwargs)
        self.asked["case_numbers"] = parsed.case_numbers
        return parsed

    def _matched_sections(self, docsets, searcher, query, *args):
        self.asked["query"] = query
        return self.real["_matched_sections"](docsets, searcher, query, *args)

    def find(self):
        """The Find of the last search (None when it matched nothing: it ranked nothing)."""
        from search.engines import Find
        from search.tree import positive_terms

        if "query" not in self.asked:
            return None
        query = tree_of(self.asked["query"])
        sort = "relevance" if positive_terms(query) else "-date"
        filters = (tree_of(wq.And(self.asked["filters"])),) if self.asked.get("filters") else ()
        numbers = self.asked.get("case_numbers") or []
        ahead = Or(tuple(Term("case_numbers", n.lower()) for n in numbers)) if numbers and sort == "relevance" \
            else None
        return Find(query, filters, sort, 0, K, "case", ahead)


def _facet_counts(facets: dict) -> dict:
    """Facet -> value (as text) -> count, of the column-counted facets (search.facets: the section facet
    counts matched sections, which search.engine adds itself)."""
    from indexer.facets import BY_NAME

    return {BY_NAME[name].field: {str(k): v for k, v in values.items() if v}
            for name, values in facets.items() if BY_NAME[name].kind in ("name", "year") and BY_NAME[name].counted}


def run_set(judged_set, engine, folder: Path, caught: Caught, verbose: bool) -> dict[str, tuple]:
    from bench.relevance import case_keys
    from search.index import Index
    from search.query import QueryError
    cases = case_keys(folder, judged_set.key)
    rows = {}
    index = Index(folder)
    for judged in judged_set.queries:
        caught.asked = {}
        try:
            grouped = index.search(judged.query, limit=K, **judged.options)
            every = index.search(judged.query, limit=K, all_appearances=True, **judged.options)
        except QueryError:
            continue
        today = ([judged_set.key(h) for h in grouped.hits], [judged_set.key(h) for h in every.hits])
        there: tuple[list, list] = ([], [])
        counts_today = (grouped.total, grouped.groups, _facet_counts(grouped.facets))
        counts_there: tuple = (0, None if grouped.groups is None else 0, {})
        find = caught.find()
        if find is not None:
            one = engine.find(replace(find if grouped.groups is not None else replace(find, group=None),
                                      facets=tuple(_facet_counts(grouped.facets))))
            all_ = engine.find(replace(find, group=None))
            counts_there = (one.total, one.groups, _facet_counts(one.facets))
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

    caught = Caught()
    for judged_set in [s for s in judged_sets(args.shared) if not args.set or s.name in args.set]:
        index = f"osr-parity-{judged_set.name}-{uuid.uuid4().hex[:6]}"
        with tempfile.TemporaryDirectory() as tmp:
            try:
                folder = built_twice(Path(tmp) / "ix", judged_set.roots, args.url, index)
                engine = open_engine(folder, opensearch_config(args.url, index))
                rows = run_set(judged_set, engine, folder, caught, args.verbose)
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
