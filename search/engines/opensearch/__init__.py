"""The OpenSearch engine, searching side: search.engines.Engine over an index that the OpenSearch
WriteEngine (indexer.engines.opensearch) writes.

Matching, BM25 scoring, date sorting, totals, facet counts (terms aggregations large enough to be
exact) and `within` counts (filter aggregations) are the cluster's, and so is the coordination of graded
queries and of the any-word fallback (rank.py: function_score), but for graded queries of too many words,
rescored here over the ranked candidates; one hit per case (search.grouping over ranked ids and case
values) and the ids on a page that match each mark are worked out here. A page ranked by relevance is
asked beside its counts (two searches of one _msearch: they run on two threads, the counting one unscored);
searches are kept by the cluster's request cache where it can (_how).
Term statistics (document frequencies, for the idf parity of compile.term_weight and the words'
coordination weights) are read from the generation's lexicon (indexer.engines.opensearch.lexicon, written
by the writer beside the index) and asked of the cluster only when it does not hold them (keyword fields;
a missing or damaged lexicon), once per generation, which refresh() follows; a graded query's words the
lexicon cannot count (a compound's parts as a phrase, a word asked in some of the fields that have it;
a word over the fields is the lexicon's: lexicon.Lexicon.items_with) are counted beside the counting
search, in its round trip, before its page is asked (their counts weigh the coordination).
"""
from __future__ import annotations

import itertools
import json
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from opensearchpy.exceptions import NotFoundError

from indexer.engine import EngineConfig
from indexer.engines.opensearch import OpenSearchWriteEngine, lexicon
from indexer.engines.opensearch.client import ClusterError, guarded, routed
from indexer.engines.opensearch.documents import stored_document
from indexer.engines.opensearch.engine import distinct_values, listed_values
from indexer.schema import ATTACHMENT_FIELD, SCHEMA_VERSION
from indexer.store import IndexMissing, read_meta

from ...expand import word_weight
from ...grouping import group_ranked, newest
from ...tree import And, DisMax, Exact, MinimumMatch, Node, Or, Phrase, Term, walk
from .. import Find, Found, FoundHit
from .compile import Context, compile_node, named, term, term_leaves, term_weight, word_name
from .layout import BOOST, FILLER, STORED, is_number, is_text, stack
from .rank import Rescore, coordination, counted_leaves, in_cluster, scaled_or

PAGE = 10_000  # hits per request when walking a ranking (OpenSearch's default result window)
FIRST_CANDIDATES = 64  # candidates fetched first for a rescored query; four times more while not enough
# A rescored ranking's candidates are read without their stored fields (ids, scores, matched names), and
# the stored fields of the best fetched after, in one request, when items carry attachments, whose pages
# are stored with them (False: always with the candidates, as before).
BARE_CANDIDATES = True
# A graded query of at most this many sets of words its matches can have (of 2-4 words: 3-5; of 5: 16) is
# rescored by the cluster, a function per set (rank.in_cluster); more, and here, from candidates read until
# the bound settles.
MAX_WORD_SETS = 16
# Every search is sent to the node its question names (client.routed: the hash of its query, among the
# config's nodes that answer), whichever process asks it, and reads the shard copy of that node when it
# holds one: no hop to another node; asked again, it is answered by the copy whose request cache kept it
# (round robin, each copy answered and kept each question apart); the pages of one ranking read one copy
# (its term statistics); different questions spread over the nodes. (None: the cluster picks a copy.)
PREFERENCE: str | None = "_local"
# A hit's stored fields are read from its whole _source, which holds little else (the analysed text is
# left out of it): asking for `stored` alone makes every node parse and filter each hit's source.
SOURCE: bool | list[str] = True
# A rescored query (a graded query, a scaled Or) rescored by the cluster where it can (_coordinated): its
# page is then one search, no candidates read (False: always here, from candidates: the reference the
# tests compare the cluster's with).
RESCORE_IN_CLUSTER = True
# Searches of at most this many hits (a page, a ranking's first candidates) are kept by the cluster's
# request cache (_how); a longer walk's answer would push the pages out of it.
CACHED_HITS = 256
# A question the lexicon counts in at least this share of the items has its matches, facets and `within`
# counted from the others (_counting): the items under the filters (one search for every question with
# those filters, kept by the request cache) less the few it does not match. Counting most of a million
# items into the facets is most of such a question's time; near half, the two cost the same, and the
# first question with some filters also counts every item under them.
COMPLEMENT_SHARE = 0.75


@dataclass
class _Ranked:
    """One ranked item: its id, stored fields, final score and the names of the clauses it matched."""
    id: str
    document: dict
    score: float | None
    names: frozenset[str]


class OpenSearchEngine(OpenSearchWriteEngine):
    """search.engines.Engine over one OpenSearch alias; writing is the OpenSearchWriteEngine's."""

    def __init__(self, index_dir: str | os.PathLike, config: EngineConfig, client=None):
        super().__init__(index_dir, config, client)
        self._generation: int | None = None
        self._index: str | None = None  # the physical index of that generation: searches stay on it until refresh()
        self._closed = False
        self._stats: dict[tuple, int] = {}  # ("df", field, term) / ("docs", field) / ("count", node) -> count
        self._values: dict[str, list[str]] = {}
        self._lexicon: lexicon.Lexicon | None = None  # the generation's, when it is there and sound
        self._plain = Context.plain()  # how filters compile on this generation (its pairs, when it has them)

    # -- the wire ----------------------------------------------------------------------------------
    def _search(self, body: dict) -> dict:
        # an answer that lacks a shard (a node just lost) is asked again for a while (the writing side's
        # _complete)
        with routed(_question(body)):
            return self._pinned(lambda index: self._complete(lambda: self.client.search(
                index=index, body=body, **_how(body), **_preference())))

    def _pinned(self, ask: Callable[[str], dict]) -> dict:
        """`ask` of the generation this engine is on, as a Whoosh searcher reads the generation it opened
        (a reindex's commit is seen after refresh()); when writers have since dropped that generation's
        index (the two newest are kept), of the newest."""
        if self._closed:
            raise ValueError("the index is closed")
        self._current()
        try:
            return ask(self._index or self.alias)
        except NotFoundError:
            self.refresh()
            return ask(self._index or self.alias)

    def _msearch(self, bodies: list[dict]) -> list[dict]:
        """Several searches in one round trip (all asked again while one lacks a shard), each run as
        _search runs it (_how)."""
        if not bodies:
            return []
        def ask(index: str) -> dict:
            lines: list[dict] = []
            for body in bodies:
                lines += [{"index": index, **_how(body), **_preference()}, body]
            return self._complete(lambda: asked(lines))

        def asked(lines: list[dict]) -> dict:
            responses = self.client.msearch(body=lines)["responses"]
            for response in responses:
                if "error" in response:
                    if response["error"].get("type") == "index_not_found_exception":
                        raise NotFoundError(404, "index_not_found_exception", response["error"])
                    error = response["error"]
                    cause = (error.get("root_cause") or [{}])[0].get("reason", "")
                    raise ClusterError(f"{self.where}: {error.get('reason', error)}" + (f" ({cause})" if cause else ""))
            shards = [r.get("_shards", {}) for r in responses]
            return {"responses": responses, "_shards": {"failed": sum(s.get("failed", 0) for s in shards),
                                                        "total": sum(s.get("total", 0) for s in shards)}}

        with routed(_question(bodies[0])):  # the first search's question names the node
            return self._pinned(ask)["responses"]

    def _counts(self, queries: list[dict], presence: bool = False) -> list[int]:
        """How many items each query matches, in one round trip; with `presence`, each shard stops at
        its first match (only whether there is one counts)."""
        return [_total(r) for r in self._msearch([_count_body(q, presence) for q in queries])]

    # -- generations -------------------------------------------------------------------------------
    def generation(self) -> int:
        """The generation searches read (the newest when the engine was opened or last refreshed)."""
        self._current()
        return self._generation or 0

    @guarded
    def refresh(self) -> bool:
        if self._closed:
            raise ValueError("the index is closed")
        newest, index, meta = self._newest()
        if newest == self._generation:
            return False
        self._generation, self._index = newest, index
        self._stats.clear()
        self._values = dict(meta.get("values", {}))  # as its commit listed them (an older one: none)
        self._plain = Context.plain(bool(meta.get("pairs")))
        if self._lexicon is not None:
            self._lexicon.close()
        self._lexicon = lexicon.open_lexicon(self.index_dir, newest) if index else None
        return True

    def _newest(self) -> tuple[int, str | None, dict]:
        """The committed generation, its physical index and what its commit recorded (`_meta`'s
        `referat`), in one request: the mapping of the index the alias points to (the writer's _live and
        _committed, asked together), from the node's own cluster state as they are."""
        try:
            found = self.client.indices.get_mapping(index=self.alias, local=True)
        except NotFoundError:
            return 0, None, {}
        index = next(iter(found))
        meta = found[index]["mappings"].get("_meta", {}).get("referat", {})
        return int(meta.get("generation", 0)), index, meta

    def close(self) -> None:
        self._closed = True
        if self._lexicon is not None:
            self._lexicon.close()
            self._lexicon = None
        super().close()

    def _current(self) -> None:
        if self._generation is None:
            self.refresh()

    # -- term statistics ---------------------------------------------------------------------------
    def _known(self, keys: Iterable[tuple], presence: bool = False) -> None:
        """Count what `keys` ask (document frequencies, field presence, nodes' matches, a term in any of
        some fields) that is not yet known for this generation; with `presence`, only whether any item
        matches is certain (_counts)."""
        self._current()
        missing = [k for k in dict.fromkeys(keys) if k not in self._stats]
        if self._lexicon is not None:
            held = {k: n for k in missing if (n := self._from_lexicon(k)) is not None}
            self._stats.update(held)
            missing = [k for k in missing if k not in held]
        queries = []
        for key in missing:
            if key[0] == "any":  # a term in any of the fields (a text field's stack too)
                queries.append({"bool": {"should": [{"term": {f: key[2]}} for field in key[1] for f in
                                                    ((field, stack(field)) if is_text(field) else (field,))]}})
            elif key[0] == "df":
                queries.append({"term": {key[1]: key[2]}})
            elif key[0] == "either":  # a term of a text field, at its own position or stacked
                queries.append({"bool": {"should": [{"term": {key[1]: key[2]}}, {"term": {stack(key[1]): key[2]}}]}})
            elif key[0] == "docs":
                queries.append({"exists": {"field": key[1]}} if key[1] else {"match_all": {}})
            else:
                queries.append(compile_node(key[1], self._plain))
        for key, count in zip(missing, self._counts(queries, presence), strict=True):
            self._stats[key] = count

    def _from_lexicon(self, key: tuple) -> int | None:
        """A statistic the lexicon holds (a graded query's word: a term over text fields too)."""
        assert self._lexicon is not None
        if key[0] == "count":
            leaves = _text_terms(key[1])  # compiled: each term, own or stacked
            return None if leaves is None else self._lexicon.items_with(leaves)
        return lexicon.answers(self._lexicon, key)

    @guarded
    def doc_frequency(self, field: str, term: str) -> int:
        key = ("either", field, term) if is_text(field) else ("df", field, term)
        self._known([key])
        return self._stats[key]

    def has_term(self, field: str, term: str) -> bool:
        return self.doc_frequency(field, term) > 0

    @guarded
    def has_terms(self, fields: Sequence[str], terms: Iterable[str]) -> set[str]:
        """One round trip for every term not yet known for this generation: a search per term over the
        fields that stops at its first match on each shard."""
        keys = {term: ("any", tuple(fields), term) for term in dict.fromkeys(terms)}
        self._known(keys.values(), presence=True)
        return {term for term, key in keys.items() if self._stats[key] > 0}

    @guarded
    def doc_count(self) -> int:
        """The items of the generation searches read, counted once per generation."""
        self._known([("docs", None)])
        return self._stats[("docs", None)]

    def _context(self) -> Context:
        """Term weights and stacking from the counted statistics (a term not counted: weight 1, and
        looked for in both layers)."""
        stats = self._stats

        def weight(searched: str, field: str, text: str) -> float:
            try:
                return term_weight(stats[("docs", None)], stats[("either", field, text)], stats[("docs", searched)],
                                   stats[("df", searched, text)])
            except KeyError:
                return 1.0

        return Context(weight, lambda field, text: stats.get(("df", stack(field), text), 1) > 0, self._plain.pairs)

    def _prepare(self, node: Node) -> None:
        """Count the term statistics that scoring `node` needs (from the lexicon, or in one round trip);
        a graded query's words that the lexicon cannot count are asked beside the counting search
        (_uncounted_words)."""
        keys: list[tuple] = [("docs", None)]
        for n in walk(node):
            if isinstance(n, (Term, Phrase)) and is_text(n.field):
                keys += [("docs", n.field), ("docs", stack(n.field))]
                for w in [n.text] if isinstance(n, Term) else n.words:
                    keys += [("df", n.field, w), ("df", stack(n.field), w), ("either", n.field, w)]
        self._known(keys)
        if isinstance(node, MinimumMatch) and self._lexicon is not None:  # its words the lexicon counts
            for child in node.children:
                key = ("count", child)
                if key not in self._stats and (count := self._from_lexicon(key)) is not None:
                    self._stats[key] = count

    def _with_word_counts(self, bodies: list[dict], words: list[Node]) -> list[dict]:
        """The answers to `bodies`, asked in one _msearch with a count of each of `words` (a graded query's
        words not counted yet), whose counts are kept for the generation."""
        answers = self._msearch([*bodies, *(_count_body(compile_node(word, self._plain)) for word in words)])
        for word, response in zip(words, answers[len(bodies):], strict=True):
            self._stats[("count", word)] = _total(response)
        return answers[:len(bodies)]

    def _uncounted_words(self, node: Node) -> list[Node]:
        """The words of a graded query not counted yet: each a count search beside the counting search,
        in its round trip (as filters under a global aggregation they walked every item: slower at 1M)."""
        if not isinstance(node, MinimumMatch):
            return []
        return [child for child in dict.fromkeys(node.children) if ("count", child) not in self._stats]

    # -- what the engine holds ---------------------------------------------------------------------
    @guarded
    def values(self, field: str) -> list[str]:
        return self._known_values([field])[field]

    def _known_values(self, fields: Iterable[str]) -> dict[str, list[str]]:
        """Every value indexed in each of `fields`, those not known for this generation asked together."""
        self._current()
        missing = [f for f in dict.fromkeys(fields) if f not in self._values]
        if missing:
            self._values.update(listed_values(self._search, missing))
        return {f: self._values[f] for f in fields}

    def _distinct(self, fields: list[str], query: dict) -> dict[str, dict]:
        """field -> value -> matching items (distinct_values), of this generation."""
        return distinct_values(self._search, fields, query)

    # -- searching ---------------------------------------------------------------------------------
    @guarded
    def find(self, find: Find) -> Found:
        relevance = find.sort == "relevance"
        if relevance:
            self._prepare(find.query)
        else:
            self._current()
        context = self._context() if relevance else self._plain
        filters = [compile_node(n, self._plain) for n in find.filters]
        rescored = relevance and _rescored(find.query)
        leaf_names = _leaf_names(find.query) if rescored and isinstance(find.query, Or) else None
        base = compile_node(find.query, context, leaf_names)
        if relevance:
            base = weighed(base)
        # the page's: a count needs no mark (and over every match, it costs)
        marking = _marking(find.marks, self._plain)
        sort = _BY_SCORE if relevance else _by_date(find.sort)
        graded = find.query if isinstance(find.query, MinimumMatch) else None
        every_word = graded is not None and find.every_word
        constant = self._constant_facets(find.facets)
        within = self._within_counted(find)
        aggs = self._aggregations(find, [field for field in find.facets if field not in constant],
                                  [name for name in find.within if name not in within])
        if graded is not None and every_word:  # whether some match has every word: a count beside the others
            aggs[_EVERY_WORD] = {"filter": compile_node(And(graded.children), self._plain)}
        grouping = bool(find.group) and self._has_values(find.group or "")
        if grouping:  # how many groups, and each group's matches: the counting search's too
            aggs[_GROUPS] = {"composite": {"size": PAGE, "sources": [{"v": {"terms": {"field": find.group}}}]}}
            aggs[_ALONE] = {"missing": {"field": find.group}}
        body = {"size": 0, "query": {"bool": {"must": [base], "filter": filters}}, "track_total_hits": True,
                "aggs": aggs}
        words = self._uncounted_words(find.query) if rescored else []
        answer = None  # the counting search's, when asked before the ranking
        rescaled = None  # the rescored scores from the cluster's, when it rescored them
        if rescored and RESCORE_IN_CLUSTER and _coordinable(find.query):
            if words:  # the words' counts weigh the factors: asked first, with the counting search
                [answer], words = self._with_word_counts([body], words), []
            coordinated = self._coordinated(find.query, base, context)
            if coordinated is not None:
                (base, rescaled), rescored = coordinated, False
        paged = [*filters, *marking]  # a page's filters: the marks name which of its hits match them
        matches = {"bool": {"must": [base], "filter": paged}}
        # the page with the counts, in one request (a ranked page beside them), when no later step
        # reorders or groups it
        at_once = answer is None and find.hits and not grouping and not rescored \
            and (find.ahead is None or not relevance) and find.start + find.count <= PAGE
        if at_once and not relevance:  # a listing's page is the counting search's hits
            body.update(query=matches, size=find.start + find.count, sort=sort, _source=SOURCE)
        # the ranking in parts: the matches of `ahead` first (with relevance), then the others
        parts = [matches]
        if find.ahead is not None and relevance:
            ahead = compile_node(find.ahead, self._plain)
            parts = [{"bool": {"must": [base], "filter": [*paged, ahead]}},
                     {"bool": {"must": [base], "filter": paged, "must_not": [ahead]}}]
        first = None  # the ranking's first page(s), asked with the counts when nothing else comes between
        bare = rescored and not grouping and BARE_CANDIDATES and self._large_documents()
        page_answer = None  # a ranked page's own search, beside the counts
        if answer is not None:  # the counts came with the words' counts: the page is read after (_page)
            pass
        elif at_once and relevance:  # two searches: on two threads, and the counting one unscored
            *counts, page_answer = self._msearch([*self._counting(find, body, base),
                                                  _walk_body(matches, sort, find.start + find.count, None)])
            answer = _subtracted(body, counts)
        elif find.hits and not at_once and len(parts) == 1:
            wanted = _group_candidates(find) if grouping else find.start + find.count
            size = min(PAGE, self._candidates(rescored, wanted))
            answer, *first = self._with_word_counts([body, _walk_body(matches, sort, size, None, stored=not bare)],
                                                    words)
        elif words:
            [answer] = self._with_word_counts([body], words)
        else:
            counting = self._counting(find, body, base) if relevance and not rescored else [body]
            answer = self._search(body) if len(counting) == 1 else _subtracted(body, self._msearch(counting))
        rescore = self._rescore(find.query) if rescored else None
        total = _total(answer)
        found = Found(total=total, hits=[], facets=_facets(find, answer.get("aggregations", {}), total, constant),
                      within={name: within[name] if name in within else
                              int(answer["aggregations"][_WITHIN + name]["doc_count"]) for name in find.within})
        if every_word:
            found.every_word = int(answer["aggregations"][_EVERY_WORD]["doc_count"]) > 0
        if grouping and find.group:
            groups = answer["aggregations"][_GROUPS]
            sizes = {b["key"]["v"]: int(b["doc_count"]) for b in groups["buckets"]}
            if len(groups["buckets"]) == PAGE and groups.get("after_key"):  # more than a page of values
                sizes = self._distinct([find.group], {"bool": {"must": [base], "filter": filters}})[find.group]
            found.groups = len(sizes) + int(answer["aggregations"][_ALONE]["doc_count"])
            if find.hits and total:
                found.hits = self._group_page(find, parts, sort, rescore, sizes, first)
        elif find.hits and total:
            if at_once:
                page = [_ranked(hit, sort) for hit in (page_answer or answer)["hits"]["hits"]][find.start:]
            else:
                page = self._page(parts, sort, rescore, find.start, find.count, first, bare=bare)
            found.hits = [FoundHit(r.document, r.score, _marks(r.names)) for r in page]
        if rescaled is not None:
            found.hits = [replace(hit, score=rescaled(hit.score or 0.0)) for hit in found.hits]
        return found

    def _counting(self, find: Find, body: dict, base: dict) -> list[dict]:
        """The searches that count the matches of `find` (`body`, its counting search; `base`, its
        question's DSL): `body` alone, or for a question that matches most items (COMPLEMENT_SHARE, and
        nothing but facets and `within` counted), the items under the filters the question does not match
        with their facets and `within` counts (first: its question routes the searches), all the items
        under the filters with their facets, and each `within` node's items under the filters
        (_subtracted takes the first from the others)."""
        facets, within = _named(body["aggs"], _FACET), _named(body["aggs"], _WITHIN)
        if len(facets) + len(within) != len(body["aggs"]) or self._share(find.query) < COMPLEMENT_SHARE:
            return [body]
        filters = body["query"]["bool"]["filter"]
        return [{**_count_body({"bool": {"filter": filters, "must_not": [base]}}), "aggs": body["aggs"]},
                {**_count_body({"bool": {"filter": filters}}), "aggs": facets},
                *(_count_body({"bool": {"filter": [*filters, agg["filter"]]}}) for agg in within.values())]

    def _share(self, node: Node) -> float:
        """About the share of the items `node` matches, from the counts the lexicon holds (0 where it
        holds none, or has no estimate: a phrase's adjacent words): it chooses how the matches are
        counted (_counting), never which."""
        live = self._stats.get(("docs", None), 0)
        if not live or self._lexicon is None:
            return 0.0
        if isinstance(node, And):
            return math.prod(self._share(child) for child in node.children)
        if isinstance(node, Exact):
            return self._share(node.child)
        count = self._from_lexicon(("count", node))
        if count is not None:
            return count / live
        if isinstance(node, (Or, DisMax)):
            return max(self._share(child) for child in node.children)
        return 0.0

    def _coordinated(self, query: Node, base: dict, context: Context) -> tuple[dict, Callable[[float], float]] | None:
        """`base`, the DSL of a rescored `query`, rescored by the cluster (rank.in_cluster: its page,
        counts and facets in one search, no candidates read), and what turns its scores into the
        rescored scores; None when the cluster cannot (too many sets of words; a scaled Or that gives
        every item the same score). A graded query's words are counted first (the lexicon's counts, or
        one round trip)."""
        if isinstance(query, MinimumMatch):
            sets = _word_sets(query)
            if sets is None:
                return None
            self._known([("count", child) for child in query.children])
            rescore = self._rescore(query)
            assert rescore is not None
            words = [compile_node(child, context) for child in query.children]
            return in_cluster(base, [({"bool": {"filter": [words[i] for i in have]}},
                                      rescore.score(1.0, {word_name(i) for i in have})) for have in sets])
        if isinstance(query, Or) and query.scale is not None:
            names = _leaf_names(query)
            present = set(self._present(names))
            leaves = [term(t.field, t.text, 1.0, context) for t, name in names.items() if name in present]
            return counted_leaves(base, leaves, query.scale)
        return None

    def _rescore(self, query: Node) -> Rescore | None:
        if isinstance(query, MinimumMatch):
            live = self._stats[("docs", None)]
            return coordination({word_name(i): word_weight(live, self._stats[("count", child)])
                                 for i, child in enumerate(query.children)})
        if isinstance(query, Or) and query.scale is not None:
            return scaled_or(self._present(_leaf_names(query)), query.scale)
        return None

    def _present(self, names: dict[Term, str]) -> list[str]:
        """The names of a scaled Or's term leaves that some item has (the others do not count)."""
        return [name for leaf, name in names.items()
                if not is_text(leaf.field) or self._stats[("either", leaf.field, leaf.text)] > 0]

    def _aggregations(self, find: Find, facets: list[str], within: list[str]) -> dict:
        """The counting search's aggregations: `facets`' counts (a terms aggregation as large as the field
        has values: exact) and the counts of the `within` nodes named in `within`."""
        aggs = {}
        known = self._known_values(facets)
        for field in facets:
            size = max(1, len(known[field]))
            aggs[_FACET + field] = {"terms": {"field": field, "size": size, "shard_size": size}}
        for name in within:
            aggs[_WITHIN + name] = {"filter": compile_node(find.within[name], self._plain)}
        return aggs

    def _within_counted(self, find: Find) -> dict[str, int]:
        """The `within` counts the lexicon gives, without counting matches: with no filter, of a node whose
        every match the question matches (its terms among the question's alternatives: a section's words
        of a word over the fields), the items that have one of its terms."""
        terms_asked = _text_terms(find.query)
        if find.filters or self._lexicon is None or terms_asked is None:
            return {}
        alternatives = set(terms_asked)
        counted = {}
        for name, node in find.within.items():
            terms = _text_terms(node)
            if terms is not None and set(terms) <= alternatives \
                    and (count := self._from_lexicon(("count", node))) is not None:
                counted[name] = count
        return counted

    def _constant_facets(self, fields: Sequence[str]) -> dict[str, str | None]:
        """The facets of `fields` whose counts this generation's values give, without counting: a field no
        item has a value in (None: no counts), and one whose one value every item has (that value: the
        total). Counting every match into them was a pass over the matches each."""
        known = self._known_values(fields)
        constant: dict[str, str | None] = {field: None for field in fields if not known[field]}
        single = [field for field in fields if len(known[field]) == 1]
        if single:  # whether every item has it: counted once per generation (no round trip when none is)
            self._known([("docs", None), *(("docs", field) for field in single)])
            everyone = self._stats[("docs", None)]
            constant.update({field: known[field][0] for field in single if self._stats[("docs", field)] == everyone})
        return constant

    def _page(self, parts: list[dict], sort: list, rescore: Rescore | None, start: int, count: int,
              first: list[dict] | None = None, bare: bool = False) -> list[_Ranked]:
        """Ranks `start` to `start + count` of the parts' matches, the parts one after the other (`first`:
        the answers to the first part's first page (_top), asked already; `bare`: a
        rescored part's candidates read without their stored fields, _top)."""
        out: list[_Ranked] = []
        for query in parts:
            if count <= 0:
                break
            if start > 0:
                before = self._counts([query])[0] if len(parts) > 1 else start + count
                if start >= before:
                    start -= before
                    continue
            ranked = self._top(query, sort, rescore, start + count, first, bare)[start:]
            first = None
            out += ranked[:count]
            count -= len(ranked[:count])
            start = 0
        return out

    @staticmethod
    def _candidates(rescored: bool, n: int) -> int:
        """How many matches _top reads first for the best `n`: more than `n` when they are rescored."""
        return max(FIRST_CANDIDATES, 4 * n) + 1 if rescored else n

    def _top(self, query: dict, sort: list, rescore: Rescore | None, n: int,
             first: list[dict] | None = None, bare: bool = False) -> list[_Ranked]:
        """The best `n` matches of `query` in order, rescored exactly: the rescoring never raises a score
        above its bound, so once the n-th rescored candidate scores more than the bound of the best
        candidate not fetched, no other item can come before it (`first`: the first candidates, asked
        with the counts). `bare`: the candidates are read without their stored fields, and the best's
        fetched after (one request)."""
        if rescore is None:
            return self._walk(query, sort, n, first)
        want = self._candidates(True, n) - 1
        while True:
            fetched = self._walk(query, sort, want + 1, first, stored=not bare)
            first = None
            complete = len(fetched) <= want
            best = _rescored_order(fetched[:want], rescore)
            if complete or (len(best) >= n and (best[n - 1].score or 0.0) > rescore.bound(fetched[want].score or 0.0)):
                return self._with_documents(best[:n]) if bare else best[:n]
            want *= 4

    def _with_documents(self, ranked: list[_Ranked]) -> list[_Ranked]:
        """`ranked` with their stored fields, those read without them fetched in one request."""
        missing = [r.id for r in ranked if not r.document]
        if not missing:
            return ranked
        answer = self._pinned(lambda index: self.client.mget(index=index, body={"ids": missing}, _source=SOURCE,
                                                             **_preference()))
        stored = {doc["_id"]: stored_document(doc["_source"][STORED]) for doc in answer["docs"] if doc.get("found")}
        return [r if r.document else _Ranked(r.id, stored[r.id], r.score, r.names) for r in ranked]

    def _walk(self, query: dict, sort: list, n: int | None, first: list[dict] | None = None,
              stored: bool = True) -> list[_Ranked]:
        """The first `n` (None: every) matches in `sort` order, a page of PAGE at a time (`first`: the
        answer to the first page, asked already, alone in its list; `stored`: with their stored fields)."""
        out: list[_Ranked] = []
        after = None
        while n is None or len(out) < n:
            size = PAGE if n is None else min(PAGE, n - len(out))
            answer = first[0] if first else self._search(_walk_body(query, sort, size, after, stored))
            first = None
            hits = answer["hits"]["hits"]
            out += [_ranked(hit, sort) for hit in hits]
            if len(hits) < size:
                break
            after = hits[-1]["sort"]
        return out

    def _large_documents(self) -> bool:
        """Whether some items carry their attachments' text (the pages are stored with the item): the
        items but those whose attachment field holds only the filler, counted once per generation. A
        rescored ranking then reads its candidates without their stored fields."""
        keys = [("docs", None), ("df", ATTACHMENT_FIELD, FILLER)]
        self._known(keys)
        return self._stats[keys[0]] > self._stats[keys[1]]

    def _has_values(self, field: str) -> bool:
        """Whether any item has a value in `field`: without one, as on Whoosh (no column), nothing is
        grouped and no group count is given."""
        self._known([("docs", field)])
        return self._stats[("docs", field)] > 0

    def _group_page(self, find: Find, parts: list[dict], sort: list, rescore: Rescore | None,
                    sizes: dict[str, int], answered: list[dict] | None) -> list[FoundHit]:
        """One hit per group for groups `find.start` to `find.start + find.count` (search.grouping): the
        ranking is read in growing prefixes until they hold the page's groups (`answered`: the first
        page of the first, asked already); each group's members are then every matching item with its
        value (`sizes`: value -> how many match), in rank order."""
        field, first, limit = find.group or "", find.start, find.count
        want = _group_candidates(find)
        while True:
            ranked = self._page(parts, sort, rescore, 0, want, answered)
            answered = None
            keys: list[str | None] = [r.document.get(field) or None for r in ranked]
            page = group_ranked(keys, first, limit)
            if len(page) >= limit or len(ranked) < want:
                break
            want *= 4
        cases = [case for m in page if (case := keys[m[0]])]
        members_of: dict[str | None, list[_Ranked]] = {}
        if cases:
            having = {"terms": {field: cases}}
            whole = [{"bool": {"must": [q], "filter": [having]}} for q in parts]
            for r in self._page(whole, sort, rescore, 0, sum(sizes.get(case, 0) for case in cases)):
                members_of.setdefault(r.document.get(field), []).append(r)
        hits = []
        for m in page:
            members = members_of.get(keys[m[0]], []) if keys[m[0]] else [ranked[m[0]]]
            documents = [r.document for r in members]
            shown = members[newest(documents)]
            hits.append(FoundHit(shown.document, shown.score, _marks(shown.names), members=documents))
        return hits


_BY_SCORE = [{"_score": "desc"}, {"id": "asc"}]
_EVERY_WORD = "every_word"
_FACET, _WITHIN = "facet:", "within:"  # the counting search's aggregations of a facet and of a `within` node
_MARK = "mark:"
_GROUPS, _ALONE = "groups", "alone"
_BY_ID = [{"id": "asc"}]


def _text_terms(node: Node) -> list[tuple[str, str]] | None:
    """(field, term) of each leaf of `node` when it is text fields' terms and their union (a word over
    the fields, its OCR form: search.query), else None."""
    if isinstance(node, Term):
        return [(node.field, node.text)] if is_text(node.field) else None
    if not isinstance(node, (Or, DisMax)):
        return None
    out: list[tuple[str, str]] = []
    for child in node.children:
        leaves = _text_terms(child)
        if leaves is None:
            return None
        out += leaves
    return out


def _rescored(query: Node) -> bool:
    """Whether a ranking by relevance of `query` is rescored here (rank.py): a graded query, a scaled Or."""
    return isinstance(query, MinimumMatch) or (isinstance(query, Or) and query.scale is not None)


def _coordinable(query: Node) -> bool:
    """Whether the cluster may rescore `query` (RESCORE_IN_CLUSTER): a graded query of at most
    MAX_WORD_SETS sets of words, a scaled Or."""
    return _word_sets(query) is not None or (isinstance(query, Or) and query.scale is not None)


def _word_sets(query: Node) -> list[tuple[int, ...]] | None:
    """The sets of a graded query's words its matches can have (each of at least `minimum` words, larger
    sets first), or None for more than MAX_WORD_SETS sets or another query."""
    if not isinstance(query, MinimumMatch):
        return None
    count = len(query.children)
    sizes = range(count, max(1, query.minimum) - 1, -1)
    if sum(math.comb(count, size) for size in sizes) > MAX_WORD_SETS:  # not enumerated: a long question's are many
        return None
    return [have for size in sizes for have in itertools.combinations(range(count), size)]


def _rescored_order(candidates: Iterable[_Ranked], rescore: Rescore) -> list[_Ranked]:
    """`candidates` with their rescored scores, best first (ties by id)."""
    return sorted((_Ranked(r.id, r.document, rescore.score(r.score or 0.0, r.names), r.names) for r in candidates),
                  key=lambda r: (-(r.score or 0.0), r.id))


def _group_candidates(find: Find) -> int:
    """How many ranked matches a grouped page reads first."""
    return max(FIRST_CANDIDATES, 4 * (find.start + find.count))


def _how(body: dict) -> dict:
    """How the cluster runs a search: one of hits with the index's term statistics (dfs), so that every
    shard scores as one Whoosh index does; one of counts alone without (it needs none). Each of at most
    CACHED_HITS hits in the request cache, which keeps an answer until its index changes, as a committed
    generation's never does: asked again, it is answered from there (not a dfs search of several shards:
    of one, the cluster runs it as any other)."""
    size = body.get("size", 10)
    cached = {"request_cache": size <= CACHED_HITS}
    return {"search_type": "dfs_query_then_fetch", **cached} if size else cached


def _question(body: dict) -> bytes:
    """What routes a search to its node (client.routed): its query."""
    return json.dumps(body.get("query"), sort_keys=True, ensure_ascii=False).encode()


def _preference() -> dict:
    return {"preference": PREFERENCE} if PREFERENCE else {}


def _count_body(query: dict, presence: bool = False) -> dict:
    """A search that only counts `query`'s matches; with `presence`, each shard stops at its first."""
    return {"query": query, "size": 0, "track_total_hits": True, **({"terminate_after": 1} if presence else {})}


def _total(response: dict) -> int:
    return int(response["hits"]["total"]["value"])


def _walk_body(query: dict, sort: list, size: int, after: list | None, stored: bool = True) -> dict:
    """One page of a ranking: `size` matches in `sort` order after the sort values `after` (`stored`:
    with their stored fields; else ids, sort values and matched names only)."""
    body = {"query": query, "size": size, "sort": sort, "track_total_hits": False,
            "_source": SOURCE if stored else False}
    if after is not None:
        body["search_after"] = after
    return body


def _ranked(hit: dict, sort: list) -> _Ranked:
    """A hit of a search sorted by `sort`: its score is the first sort value when sorted by score (a hit
    read without its stored fields has none yet: _with_documents)."""
    source = stored_document(hit["_source"][STORED]) if "_source" in hit else {}
    return _Ranked(source.get("id", hit["_id"]), source, hit["sort"][0] if sort is _BY_SCORE else None,
                   frozenset(hit.get("matched_queries") or ()))


def _marking(marks: Mapping[str, Node], plain: Context) -> list[dict]:
    """A filter every item passes that names each mark's query (`mark:<name>`): a hit's matched_queries
    then say which marks it matches, with the page itself, not in a request of its own."""
    if not marks:
        return []
    named_marks = [named(compile_node(node, plain), _MARK + name) for name, node in marks.items()]
    return [{"bool": {"should": [{"match_all": {}}, *named_marks]}}]


def _marks(names: frozenset[str]) -> frozenset[str]:
    return frozenset(name[len(_MARK):] for name in names if name.startswith(_MARK))


def _by_date(sort: str) -> list:
    """Date (newest or oldest first; no date last or first, as search.docsets.by_date), then file and
    the item's place in its meeting; with "order", the place in the meeting's agenda, then file."""
    if sort == "order":
        return [{"order": "asc"}, {"path": "asc"}, {"id": "asc"}]
    newest_first = sort == "-date"
    return [{"date": {"order": "desc" if newest_first else "asc",
                                "missing": "_last" if newest_first else "_first"}},
            {"path": "asc"}, {"order": "asc"}, {"id": "asc"}]


def weighed(query: dict) -> dict:
    """`query` with each item's score times its weight (the `boost` a formality has, Whoosh's document
    boost of indexer.build). Whoosh scales the term frequencies instead, which the core DSL cannot; a
    factor on the whole score keeps a formality below the substantive items as Whoosh does (measured on
    the judged sets by tests/engines/opensearch_parity: closer to Whoosh's nDCG with it than without)."""
    factor = {"field_value_factor": {"field": BOOST, "missing": 1.0}}
    return {"function_score": {"query": query, "functions": [factor], "boost_mode": "multiply"}}


def _leaf_names(node: Node) -> dict[Term, str]:
    return {term: f"t{i}" for i, term in enumerate(dict.fromkeys(term_leaves(node)))}


def _named(aggs: dict, prefix: str) -> dict:
    return {name: agg for name, agg in aggs.items() if name.startswith(prefix)}


def _subtracted(body: dict, answers: list[dict]) -> dict:
    """The answer to the counting search `body` from _counting's answers: the one, or the items under
    the filters less those the question does not match, in the facets' order (most first, then by value),
    and each `within` node's items under the filters less those the question does not match."""
    if len(answers) == 1:
        return answers[0]
    rest, whole, *within = answers
    aggregations: dict[str, dict] = {}
    for name in _named(body["aggs"], _FACET):
        less = {b["key"]: b["doc_count"] for b in rest["aggregations"][name]["buckets"]}
        counts = [(b["key"], b["doc_count"] - less.get(b["key"], 0)) for b in whole["aggregations"][name]["buckets"]]
        aggregations[name] = {"buckets": [{"key": key, "doc_count": n} for key, n in
                                          sorted(counts, key=lambda c: (-c[1], c[0])) if n > 0]}
    for name, answer in zip(_named(body["aggs"], _WITHIN), within, strict=True):
        aggregations[name] = {"doc_count": _total(answer) - rest["aggregations"][name]["doc_count"]}
    return {"hits": {"total": {"value": _total(whole) - _total(rest)}}, "aggregations": aggregations}


def _facets(find: Find, aggregations: dict, total: int,
            constant: Mapping[str, str | None]) -> dict[str, dict[str, int]]:
    """Each facet's counts: from its aggregation, or its constant value's (_constant_facets)."""
    out = {}
    for field in find.facets:
        if field in constant:
            value = constant[field]
            out[field] = {value: total} if value is not None and total else {}
            continue
        buckets = aggregations[_FACET + field]["buckets"]
        out[field] = {str(int(b["key"])) if is_number(field) else str(b["key"]): int(b["doc_count"]) for b in buckets}
    return out


def open_engine(index_dir: str | os.PathLike, config: EngineConfig) -> OpenSearchEngine:
    """The engine of an index folder; one an older referat wrote (its meta file says) is refused, as the
    Whoosh engine refuses it: its items lack what today's searches read."""
    if read_meta(index_dir).get("schema", SCHEMA_VERSION) != SCHEMA_VERSION:
        raise IndexMissing(f"the index at {index_dir} was written by an older referat; rebuild it with: "
                           f"referat reindex --index {index_dir}")
    return OpenSearchEngine(index_dir, config)


__all__ = ["OpenSearchEngine", "open_engine"]
