"""The OpenSearch engine answers Find questions as the Whoosh path does: the same items, totals, facet
counts, `within` counts and groups, and the same order where the scores are apart.

The Find-level tests take an Engine (the `engine` fixture): today the OpenSearch engine, at integration
also the Whoosh engine (search.engines.whoosh), each compared with the reference below, which answers a
Find with today's Whoosh path (search.docsets over search.open's searcher).
"""
from __future__ import annotations

import numpy as np
import pytest
from whoosh import query as wq

import search
from search.engine import RANKING
from search.engines import Find, Found, FoundHit
from search.exact import ExactForm
from search.expand import MinimumMatch as WhooshMinimumMatch
from search.grouping import group_page, newest
from search.query import FIELD_BOOSTS, FIELD_TIEBREAK
from search.tree import (And, AndNot, DisMax, Every, Exact, MinimumMatch, Node, Not, Nothing, Or, Phrase, Prefix,
                         Range, Term)

TEXT = ("title", "indstilling", "sagsfremstilling", "beslutning", "tekst", "referat", "bilag")


def word(text: str, fields=TEXT) -> Node:
    """One analysed word over the text fields, its best field whole (as search.query makes it)."""
    return DisMax(tuple(Term(f, text, FIELD_BOOSTS.get(f, 1.0)) for f in fields), FIELD_TIEBREAK)


def phrase(*words: str) -> Node:
    return Or(tuple(Phrase(f, words, 1, FIELD_BOOSTS.get(f, 1.0)) for f in TEXT))


# -- the reference: today's Whoosh path --------------------------------------------------------------
def whoosh_query(node: Node):
    if isinstance(node, Term):
        return wq.Term(node.field, node.text, boost=node.boost)
    if isinstance(node, Phrase):
        return wq.Phrase(node.field, list(node.words), slop=node.slop, boost=node.boost)
    if isinstance(node, Prefix):
        return wq.Prefix(node.field, node.text, boost=node.boost)
    if isinstance(node, Range):
        if node.field == "year":
            return wq.NumericRange(node.field, node.low, node.high)
        return wq.TermRange(node.field, node.low, node.high)
    if isinstance(node, Every):
        return wq.Every()
    if isinstance(node, Nothing):
        return wq.NullQuery
    if isinstance(node, And):
        return wq.And([whoosh_query(k) for k in node.children], boost=node.boost)
    if isinstance(node, Or):
        return wq.Or([whoosh_query(k) for k in node.children], boost=node.boost, scale=node.scale)
    if isinstance(node, DisMax):
        if node.tiebreak == FIELD_TIEBREAK:  # one word over fields: search.docsets' best field + tiebreak
            return wq.Or([whoosh_query(k) for k in node.children], boost=node.boost)
        return wq.DisjunctionMax([whoosh_query(k) for k in node.children], boost=node.boost)
    if isinstance(node, MinimumMatch):
        return WhooshMinimumMatch([whoosh_query(k) for k in node.children], node.minimum, boost=node.boost)
    if isinstance(node, Not):
        return wq.Not(whoosh_query(node.child))
    if isinstance(node, AndNot):
        return wq.AndNot(whoosh_query(node.positive), whoosh_query(node.negative))
    if isinstance(node, Exact):
        return ExactForm(whoosh_query(node.child), node.form)
    raise TypeError(node)


class WhooshToday:
    """Find answered by today's Whoosh path: numpy sets and BM25F (search.docsets)."""

    def __init__(self, folder):
        self.index = search.open(folder)

    def find(self, find: Find) -> Found:
        with self.index._slot() as slot:
            return self._find(slot.searcher, self.index.docsets(slot), find)

    def _find(self, searcher, docsets, find: Find) -> Found:
        query = whoosh_query(find.query)
        complete: list = []
        scored = docsets.scores(searcher, RANKING, query, complete) if find.sort == "relevance" else None
        docs = docsets.docs(searcher, query) if scored is None else docsets.intersect(scored[0], docsets.live)
        for node in find.filters:
            docs = docsets.intersect(docs, docsets.docs(searcher, whoosh_query(node)))
        if find.sort == "relevance":
            if scored is None:  # what numpy does not rank, Whoosh's matchers do (search.engine)
                hits = searcher.search(query, filter=set(docs.tolist()), limit=None)
                ids = np.array([h.docnum for h in hits], dtype=np.int64)
                score = np.array([h.score for h in hits])
            else:
                ids, score = scored
                keep = docsets.mask(docs)[ids]
                ids, score = ids[keep], score[keep]
            best = np.lexsort((ids, -score))
            order, scores = ids[best], dict(zip(ids[best].tolist(), score[best].tolist()))
        else:
            order, scores = docsets.by_date(searcher, docs, newest_first=find.sort == "-date"), {}
        if find.ahead is not None:
            first = np.isin(order, docsets.docs(searcher, whoosh_query(find.ahead)))
            order = np.concatenate([order[first], order[~first]])
        found = Found(total=len(docs), hits=[])
        found.facets = {f: {str(k): v for k, v in docsets.counts(searcher, f, docs).items()} for f in find.facets}
        found.within = {name: len(docsets.intersect(docs, docsets.docs(searcher, whoosh_query(node))))
                        for name, node in find.within.items()}
        if isinstance(find.query, MinimumMatch) and find.every_word:
            found.every_word = bool(len(complete[-1] if complete else []) and
                                    len(docsets.intersect(complete[-1], docs)))

        def hit(d) -> FoundHit:
            return FoundHit(searcher.stored_fields(int(d)), scores.get(int(d)))

        if find.group:
            codes, _ = docsets.column(searcher, find.group)
            found.groups, page = group_page(order, codes, find.start, find.count)
            if find.hits:
                for members in page:
                    documents = [searcher.stored_fields(int(d)) for d in members]
                    shown = int(members[newest(documents)])
                    found.hits.append(FoundHit(searcher.stored_fields(shown), scores.get(shown), members=documents))
        elif find.hits:
            found.hits = [hit(d) for d in order[find.start:find.start + find.count]]
        for name, node in find.marks.items():
            having = docsets.mask(docsets.docs(searcher, whoosh_query(node)))
            for h in found.hits:
                if having[docsets.docs(searcher, wq.Term("id", h.document["id"]))[0]]:
                    h.marks = h.marks | {name}
        return found


# -- fixtures ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def reference(twin_indexes):
    return WhooshToday(twin_indexes[0])


@pytest.fixture(scope="module", params=["opensearch", "whoosh"])
def engine(request, twin_indexes):
    """Each engine over the same items (the Whoosh engine once search.engines.whoosh is there)."""
    from search.engines import open_engine

    folder, config = twin_indexes
    if request.param == "whoosh":
        pytest.importorskip("search.engines.whoosh", reason="the Whoosh engine (branch seam) is not merged yet")
        from indexer.engine import EngineConfig

        config = EngineConfig()
    opened = open_engine(folder, config)
    yield opened
    opened.close()


def ids(found: Found) -> list[str]:
    return [h.document["id"] for h in found.hits]


def ranked(found: Found) -> list[tuple[str, float]]:
    return [(h.document["id"], h.score) for h in found.hits]


def same_ranking(got: Found, want: Found, close: float = 0.05) -> None:
    """The same items in the same order, except where the reference's scores are within `close` of
    each other (relative): there the order may differ (length encodings differ between the engines)."""
    assert sorted(ids(got)) == sorted(ids(want)) or len(want.hits) == len(got.hits)
    wanted = ranked(want)
    position = {i: n for n, (i, _) in enumerate(ranked(got))}
    for (a, sa), (b, sb) in zip(wanted, wanted[1:]):
        if a in position and b in position and sa - sb > close * max(abs(sa), 1e-9):
            assert position[a] < position[b], f"{a} ({sa:.3f}) should rank before {b} ({sb:.3f})"


# -- questions -----------------------------------------------------------------------------------------
FACETS = ("cluster", "body", "year", "municipality", "body_kind")
RANKED = {
    "one word": word("genoptraening"),
    "a common word": word("borg"),
    "two words, graded": MinimumMatch((word("hjemmeplej"), word("sygefravae")), 1),
    "three words, graded": MinimumMatch((word("udskriv"), word("demens"), word("genoptraening")), 2),
    "all words": And((word("udskriv"), word("demens"))),
    "a phrase": phrase("kronisk", "obstruktiv"),
    "a word but not another": AndNot(word("udskriv"), word("demens")),
    "any word (scaled)": Or((word("plejebo"), word("kvalitetsstandard"), word("rehabilit")), scale=0.9),
    "best of alternatives": DisMax((word("hjemmeplej"), Or(tuple(Term(f, "hjemmeplejen", 0.35) for f in TEXT)))),
}


@pytest.mark.parametrize("name", RANKED)
def test_ranked_questions_find_and_rank_as_whoosh(engine, reference, name):
    find = Find(RANKED[name], count=8, facets=FACETS)
    got, want = engine.find(find), reference.find(find)
    assert want.total, "the question must match something to compare"
    assert got.total == want.total and got.facets == want.facets
    same_ranking(got, want)
