"""The OpenSearch engine, searching side: search.engines.Engine over an index that the OpenSearch
WriteEngine (indexer.engines.opensearch) writes.

Matching, BM25 scoring, date sorting, totals, facet counts (terms aggregations large enough to be
exact) and `within` counts (filter aggregations) are the cluster's; what the core DSL cannot say is
done here over the ranked candidates: the coordination of graded queries (rank.py), one hit per case
(search.grouping over ranked ids and case values) and the ids on a page that match each mark.
Term statistics (document frequencies, for the idf parity of compile.term_weight and the words'
coordination weights) are counted once per generation, which refresh() follows.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np

from indexer.engine import OPENSEARCH_AUTH_ENV, EngineConfig, open_write_engine

from ...expand import word_weight
from ...grouping import group_page, newest
from ...tree import And, MinimumMatch, Node, Or, Phrase, Term, walk
from .. import Find, Found, FoundHit
from .compile import compile_node, filter_of, term_leaves, term_weight, word_name
from .layout import META_GENERATION, NUMBER_FIELDS, is_text, searched
from .rank import Rescore, coordination, scaled_or

PAGE = 10_000  # hits per request when walking a ranking (OpenSearch's default result window)
FIRST_CANDIDATES = 64  # candidates fetched first for a rescored query; four times more while not enough


def index_name(index_dir: str | os.PathLike, config: EngineConfig) -> str:
    """The index an index folder's items live in: the configured one, else one named after the folder."""
    if config.index:
        return config.index
    folder = Path(index_dir).resolve()
    return "referat-" + hashlib.sha1(str(folder).encode("utf-8")).hexdigest()[:12]


@dataclass
class _Ranked:
    """One ranked item: its id, stored fields, final score and the names of the clauses it matched."""
    id: str
    document: dict
    score: float | None
    names: frozenset[str]


class OpenSearchEngine:
    """search.engines.Engine over one OpenSearch index (alias)."""

    name = "opensearch"

    def __init__(self, index_dir: str | os.PathLike, config: EngineConfig):
        if not config.url:
            raise ValueError("the opensearch engine needs the cluster's url (referat index --url ...)")
        self.index_dir = Path(index_dir)
        self.config = config
        self.index = index_name(index_dir, config)
        auth = os.environ.get(OPENSEARCH_AUTH_ENV)
        self.http = httpx.Client(base_url=config.url.rstrip("/"), timeout=60.0,
                                 auth=tuple(auth.split(":", 1)) if auth and ":" in auth else None)
        self._generation: int | None = None
        self._stats: dict[tuple, int] = {}  # ("df", field, term) / ("docs", field) / ("count", node) -> count
        self._values: dict[str, list[str]] = {}

    # -- the wire ----------------------------------------------------------------------------------
    def _call(self, method: str, path: str, body=None, **params) -> dict:
        answer = self.http.request(method, path, json=body, params=params or None)
        if answer.status_code >= 400:
            raise RuntimeError(f"opensearch {method} {path}: {answer.status_code} {answer.text[:300]}")
        return answer.json()

    def _search(self, body: dict) -> dict:
        # dfs: every shard scores with the index's term statistics, as one Whoosh index does
        return self._call("POST", f"/{self.index}/_search", body, search_type="dfs_query_then_fetch")

    def _counts(self, queries: list[dict]) -> list[int]:
        """How many items each query matches, in one round trip."""
        if not queries:
            return []
        lines = []
        for query in queries:
            lines += [{"index": self.index}, {"query": query, "size": 0, "track_total_hits": True}]
        payload = "".join(_json(line) + "\n" for line in lines)
        answer = self.http.post("/_msearch", content=payload.encode("utf-8"),
                                headers={"Content-Type": "application/x-ndjson"})
        if answer.status_code >= 400:
            raise RuntimeError(f"opensearch _msearch: {answer.status_code} {answer.text[:300]}")
        out = []
        for response in answer.json()["responses"]:
            if "error" in response:
                raise RuntimeError(f"opensearch count: {response['error']}")
            out.append(int(response["hits"]["total"]["value"]))
        return out

    # -- generations -------------------------------------------------------------------------------
    def generation(self) -> int:
        if not self.exists():
            return 0
        mapping = self._call("GET", f"/{self.index}/_mapping")
        meta = next(iter(mapping.values()), {}).get("mappings", {}).get("_meta", {})
        return int(meta.get(META_GENERATION, 0))

    def refresh(self) -> bool:
        newest = self.generation()
        if newest == self._generation:
            return False
        self._generation = newest
        self._stats.clear()
        self._values.clear()
        return True

    def _current(self) -> None:
        if self._generation is None:
            self.refresh()

    # -- term statistics ---------------------------------------------------------------------------
    def _known(self, keys: Iterable[tuple]) -> None:
        """Count what `keys` ask (document frequencies, field presence, nodes' matches) that is not yet
        known for this generation."""
        self._current()
        missing = [k for k in dict.fromkeys(keys) if k not in self._stats]
        queries = []
        for key in missing:
            if key[0] == "df":
                queries.append({"term": {searched(key[1]): key[2]}})
            elif key[0] == "docs":
                queries.append({"exists": {"field": searched(key[1])}} if key[1] else {"match_all": {}})
            else:
                queries.append(compile_node(key[1], _unit))
        for key, count in zip(missing, self._counts(queries), strict=True):
            self._stats[key] = count

    def doc_frequency(self, field: str, term: str) -> int:
        self._known([("df", field, term)])
        return self._stats[("df", field, term)]

    def has_term(self, field: str, term: str) -> bool:
        return self.doc_frequency(field, term) > 0

    def _weight(self, field: str, text: str) -> float:
        return term_weight(self._stats[("docs", None)], self._stats[("docs", field)], self._stats[("df", field, text)])

    def _prepare(self, node: Node) -> None:
        """Count the term statistics that scoring `node` needs, in one round trip."""
        keys: list[tuple] = [("docs", None)]
        for n in walk(node):
            words = [n.text] if isinstance(n, Term) else list(n.words) if isinstance(n, Phrase) else []
            if words and is_text(n.field):
                keys.append(("docs", n.field))
                keys += [("df", n.field, w) for w in words]
        if isinstance(node, MinimumMatch):
            keys += [("count", child) for child in node.children]
        self._known(keys)

    # -- what the engine holds ---------------------------------------------------------------------
    def exists(self) -> bool:
        return self.http.head(f"/{self.index}").status_code == 200

    def doc_count(self) -> int:
        return int(self._call("GET", f"/{self.index}/_count")["count"]) if self.exists() else 0

    def values(self, field: str) -> list[str]:
        self._current()
        if field not in self._values:
            found = self._distinct(field, {"match_all": {}})
            self._values[field] = sorted(str(v) for v in found)
        return self._values[field]

    def _distinct(self, field: str, query: dict) -> dict:
        """value -> matching items, of every value of a keyword or number field (a composite
        aggregation, paged: exact whatever the number of values)."""
        out: dict = {}
        after = None
        while True:
            composite = {"size": PAGE, "sources": [{"v": {"terms": {"field": searched(field)}}}]}
            if after:
                composite["after"] = after
            answer = self._search({"size": 0, "query": query, "aggs": {"d": {"composite": composite}}})
            agg = answer["aggregations"]["d"]
            for bucket in agg["buckets"]:
                out[bucket["key"]["v"]] = bucket["doc_count"]
            after = agg.get("after_key")
            if not agg["buckets"] or not after:
                return out

    def documents(self, field: str, values: Iterable[str]) -> list[dict]:
        wanted = list(values)
        if not wanted:
            return []
        return [hit.document for hit in self._walk({"terms": {searched(field): wanted}}, _BY_ID, None)]

    def all_documents(self) -> Iterator[dict]:
        for hit in self._walk({"match_all": {}}, _BY_ID, None):
            yield hit.document

    # -- writing: the OpenSearch WriteEngine's ---------------------------------------------------
    def _writer_side(self):
        return open_write_engine(self.index_dir, self.config)

    def create(self) -> None:
        self._writer_side().create()

    def writer(self, batch_files: int):
        return self._writer_side().writer(batch_files)

    def close(self) -> None:
        self.http.close()

    # -- searching ---------------------------------------------------------------------------------
    def find(self, find: Find) -> Found:
        relevance = find.sort == "relevance"
        if relevance:
            self._prepare(find.query)
        else:
            self._current()
        weight = self._weight if relevance else _unit
        filters = filter_of(find.filters, _unit)
        rescore = self._rescore(find.query) if relevance else None
        leaf_names = _leaf_names(find.query) if rescore is not None and isinstance(find.query, Or) else None
        base = compile_node(find.query, weight, leaf_names)
        matches = {"bool": {"must": [base], "filter": filters}}
        aggs = self._aggregations(find)
        answer = self._search({"size": 0, "query": matches, "track_total_hits": True, "aggs": aggs})
        total = int(answer["hits"]["total"]["value"])
        found = Found(total=total, hits=[], facets=_facets(find, answer.get("aggregations", {})),
                      within={name: int(answer["aggregations"][f"within:{name}"]["doc_count"])
                              for name in find.within})
        if isinstance(find.query, MinimumMatch) and find.every_word:
            every = {"bool": {"must": [compile_node(And(find.query.children), _unit)], "filter": filters}}
            found.every_word = self._counts([every])[0] > 0
        # the ranking in parts: the matches of `ahead` first (with relevance), then the others
        parts = [matches]
        if find.ahead is not None and relevance:
            ahead = compile_node(find.ahead, _unit)
            parts = [{"bool": {"must": [base], "filter": [*filters, ahead]}},
                     {"bool": {"must": [base], "filter": filters, "must_not": [ahead]}}]
        sort = _BY_SCORE if relevance else _by_date(find.sort)
        if find.group:
            found.groups = self._groups(find.group, matches)
            if find.hits:
                found.hits = self._group_page(find, parts, sort, rescore)
        elif find.hits:
            found.hits = [FoundHit(r.document, r.score) for r in self._page(parts, sort, rescore, find.start,
                                                                           find.count)]
        if find.marks and found.hits:
            self._mark(found.hits, find.marks)
        return found

    def _rescore(self, query: Node) -> Rescore | None:
        if isinstance(query, MinimumMatch):
            live = self._stats[("docs", None)]
            return coordination({word_name(i): word_weight(live, self._stats[("count", child)])
                                 for i, child in enumerate(query.children)})
        if isinstance(query, Or) and query.scale is not None:
            names = _leaf_names(query)
            present = [name for term, name in names.items()
                       if not is_text(term.field) or self._stats[("df", term.field, term.text)] > 0]
            return scaled_or(present, query.scale)
        return None

    def _aggregations(self, find: Find) -> dict:
        aggs = {}
        for field in find.facets:
            size = max(1, len(self.values(field)))
            aggs[f"facet:{field}"] = {"terms": {"field": searched(field), "size": size, "shard_size": size}}
        for name, node in find.within.items():
            aggs[f"within:{name}"] = {"filter": compile_node(node, _unit)}
        return aggs

    def _page(self, parts: list[dict], sort: list, rescore: Rescore | None, start: int, count: int) -> list[_Ranked]:
        """Ranks `start` to `start + count` of the parts' matches, the parts one after the other."""
        out: list[_Ranked] = []
        for query in parts:
            if count <= 0:
                break
            if start > 0:
                before = self._counts([query])[0] if len(parts) > 1 else start + count
                if start >= before:
                    start -= before
                    continue
            ranked = self._top(query, sort, rescore, start + count)[start:]
            out += ranked[:count]
            count -= len(ranked[:count])
            start = 0
        return out

    def _top(self, query: dict, sort: list, rescore: Rescore | None, n: int) -> list[_Ranked]:
        """The best `n` matches of `query` in order, rescored exactly: the rescoring never raises a
        score above its bound, so once the n-th rescored candidate scores more than the bound of the
        best candidate not fetched, no other item can come before it."""
        if rescore is None:
            return self._walk(query, sort, n)
        want = max(FIRST_CANDIDATES, 4 * n)
        while True:
            fetched = self._walk(query, sort, want + 1)
            complete = len(fetched) <= want
            candidates = fetched[:want]
            best = sorted((_Ranked(r.id, r.document, rescore.score(r.score or 0.0, r.names), r.names)
                           for r in candidates), key=lambda r: (-(r.score or 0.0), r.id))
            if complete or (len(best) >= n and (best[n - 1].score or 0.0) > rescore.bound(fetched[want].score or 0.0)):
                return best[:n]
            want *= 4

    def _walk(self, query: dict, sort: list, n: int | None) -> list[_Ranked]:
        """The first `n` (None: every) matches in `sort` order, a page of PAGE at a time."""
        out: list[_Ranked] = []
        after = None
        while n is None or len(out) < n:
            size = PAGE if n is None else min(PAGE, n - len(out))
            body = {"query": query, "size": size, "sort": sort, "track_total_hits": False}
            if after is not None:
                body["search_after"] = after
            hits = self._search(body)["hits"]["hits"]
            for hit in hits:
                source = hit["_source"]
                source.pop("q", None)
                score = hit.get("_score")
                if sort is _BY_SCORE:
                    score = hit["sort"][0]
                out.append(_Ranked(source.get("id", hit["_id"]), source, score if sort is _BY_SCORE else None,
                                   frozenset(hit.get("matched_queries") or ())))
            if len(hits) < size:
                break
            after = hits[-1]["sort"]
        return out

    def _groups(self, field: str, matches: dict) -> int:
        """How many groups the matches make: their distinct values, and each item without one."""
        values = self._distinct(field, matches)
        alone = self._counts([{"bool": {"must": [matches], "must_not": [{"exists": {"field": searched(field)}}]}}])[0]
        return len(values) + alone

    def _group_page(self, find: Find, parts: list[dict], sort: list, rescore: Rescore | None) -> list[FoundHit]:
        """One hit per group for groups `find.start` to `find.start + find.count` (search.grouping): the
        ranking is read in growing prefixes until they hold the page's groups; each group's members
        are then every matching item with its value, in rank order."""
        field, first, limit = find.group, find.start, find.count
        want = max(FIRST_CANDIDATES, 4 * (first + limit))
        while True:
            ranked = self._page(parts, sort, rescore, 0, want)
            keys = [r.document.get(field) or None for r in ranked]
            table: dict[str, int] = {}
            codes = np.array([table.setdefault(k, len(table)) if k else -1 for k in keys], dtype=np.int64)
            _, page = group_page(np.arange(len(ranked)), codes, first, limit)
            if len(page) >= limit or len(ranked) < want:
                break
            want *= 4
        cases = [keys[m[0]] for m in page if keys[m[0]]]
        members_of: dict[str, list[_Ranked]] = {}
        if cases:
            having = {"terms": {searched(field): cases}}
            whole = [{"bool": {"must": [q], "filter": [having]}} for q in parts]
            for r in self._page(whole, sort, rescore, 0, sum(self._counts(whole))):
                members_of.setdefault(r.document.get(field), []).append(r)
        hits = []
        for m in page:
            members = members_of.get(keys[m[0]], []) if keys[m[0]] else [ranked[m[0]]]
            documents = [r.document for r in members]
            shown = members[newest(documents)]
            hits.append(FoundHit(shown.document, shown.score, members=documents))
        return hits

    def _mark(self, hits: list[FoundHit], marks) -> None:
        """Which hits on the page match each mark (one count-free search per mark, on the page's ids)."""
        ids = [h.document["id"] for h in hits]
        lines = []
        for node in marks.values():
            query = {"bool": {"filter": [{"terms": {searched("id"): ids}}, compile_node(node, _unit)]}}
            lines += [{"index": self.index}, {"query": query, "size": len(ids), "_source": False,
                                              "docvalue_fields": [searched("id")]}]
        payload = "".join(_json(line) + "\n" for line in lines)
        answer = self.http.post("/_msearch", content=payload.encode("utf-8"),
                                headers={"Content-Type": "application/x-ndjson"})
        answer.raise_for_status()
        marked: dict[str, set[str]] = {}
        for name, response in zip(marks, answer.json()["responses"], strict=True):
            if "error" in response:
                raise RuntimeError(f"opensearch mark {name}: {response['error']}")
            for hit in response["hits"]["hits"]:
                marked.setdefault(hit["fields"][searched("id")][0], set()).add(name)
        for hit in hits:
            hit.marks = frozenset(marked.get(hit.document["id"], ()))


_BY_SCORE = [{"_score": "desc"}, {searched("id"): "asc"}]
_BY_ID = [{searched("id"): "asc"}]


def _by_date(sort: str) -> list:
    """Date (newest or oldest first; no date last or first, as search.docsets.by_date), then file and
    the item's place in its meeting."""
    newest_first = sort == "-date"
    return [{searched("date"): {"order": "desc" if newest_first else "asc",
                                "missing": "_last" if newest_first else "_first"}},
            {searched("path"): "asc"}, {searched("order"): "asc"}, {searched("id"): "asc"}]


def _unit(field: str, text: str) -> float:
    return 1.0


def _leaf_names(node: Node) -> dict[Term, str]:
    return {term: f"t{i}" for i, term in enumerate(dict.fromkeys(term_leaves(node)))}


def _facets(find: Find, aggregations: dict) -> dict[str, dict[str, int]]:
    out = {}
    for field in find.facets:
        buckets = aggregations[f"facet:{field}"]["buckets"]
        out[field] = {str(b["key"]) if field not in NUMBER_FIELDS else str(int(b["key"])): int(b["doc_count"])
                      for b in buckets}
    return out


def _json(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def open_engine(index_dir: str | os.PathLike, config: EngineConfig) -> OpenSearchEngine:
    return OpenSearchEngine(index_dir, config)


__all__ = ["OpenSearchEngine", "index_name", "open_engine"]
