"""One Find on one Whoosh searcher: which items match, how they rank, how they group, what they count.

Which items match, how many, and the facet counts come from numpy sets of document numbers (docsets);
BM25F scores too where docsets knows every part of the query, else Whoosh's matchers rank (phrases in
fields without positions, exact forms, prefixes).
"""
from __future__ import annotations

import numpy as np
from whoosh.query import And

from search.engines import Find, Found, FoundHit
from search.grouping import group_page, newest

from .queries import MinimumMatch, compile_query
from .ranking import RANKING


def find(docsets, searcher, request: Find) -> Found:
    schema = searcher.schema
    query = compile_query(request.query, schema)
    filters = [compile_query(f, schema) for f in request.filters]
    allowed = docsets.docs(searcher, And(filters)) if filters else None
    sort = request.sort
    complete: list = []  # the documents with every word of a graded query (DocSets.scores)
    scored = docsets.scores(searcher, RANKING, query, complete, within=allowed) if sort == "relevance" else None
    docs = docsets.docs(searcher, query, allowed) if scored is None else docsets.alive(scored[0])
    if allowed is not None:
        docs = docsets.intersect(docs, allowed)
    found = Found(len(docs), [])
    found.facets = docsets.counts_of(searcher, request.facets, docs)
    found.within = {name: len(docsets.intersect(docsets.docs(searcher, compile_query(node, schema)), docs))
                    for name, node in request.within.items()}
    if request.every_word and isinstance(query, MinimumMatch) and len(docs):
        having = complete[-1] if complete else docsets.docs(searcher, And(list(query.clauses)))
        found.every_word = bool(len(docsets.intersect(having, docs)))
    if not request.hits:
        return found
    ahead = None
    if request.ahead is not None and sort == "relevance":
        ahead = docsets.intersect(docs, docsets.docs(searcher, compile_query(request.ahead, schema)))
    marks = {name: docsets.mask(docsets.docs(searcher, compile_query(node, schema)))
             for name, node in request.marks.items()}

    def marked(docnum: int) -> frozenset[str]:
        return frozenset(name for name, mask in marks.items() if mask[docnum])

    first, count = request.start, request.count
    if request.group and len(docs) and searcher.reader().has_column(request.group):
        codes, _ = docsets.column(searcher, request.group)
        found.groups, page, scores = _grouped(docsets, searcher, query, docs, scored, sort, allowed, first, count,
                                              codes, ahead)
        for members in page:
            stored = [searcher.stored_fields(int(d)) for d in members]
            shown = newest(stored)
            docnum = int(members[shown])
            found.hits.append(FoundHit(stored[shown], scores.get(docnum), marked(docnum), stored))
        return found

    def ranked(subset, start: int, count: int) -> list:
        """(document number, score) of the `count` best of `subset` (of `docs`) from rank `start`."""
        if not len(subset) or start >= len(subset) or count <= 0:
            return []
        if scored is not None:
            ids, score = scored  # BM25F of every matching item, in numpy: exact, and no collector
            keep = docsets.mask(subset)[ids]
            ids, score = ids[keep], score[keep]
            best = top(ids, score, start + count)[start:]
            return [(int(ids[i]), float(score[i])) for i in best]
        if sort == "relevance":  # phrases, exact forms: Whoosh's matchers know positions and stored text
            chosen = None if allowed is None and len(subset) == docsets.live.size else set(subset.tolist())
            hits = searcher.search(query, filter=chosen, limit=start + count)
            return [(hit.docnum, hit.score) for hit in hits[start:start + count]]
        order = docsets.by_date(searcher, subset, newest_first=sort == "-date") if sort != "order" \
            else docsets.by_order(searcher, subset)
        return [(int(d), None) for d in order[start:start + count]]

    if ahead is not None:
        rest = np.setdiff1d(docs, ahead, assume_unique=True)
        page = ranked(ahead, first, count)
        page += ranked(rest, max(0, first - len(ahead)), count - len(page))
    else:
        page = ranked(docs, first, count)
    found.hits = [FoundHit(searcher.stored_fields(docnum), score, marked(docnum)) for docnum, score in page]
    return found


def _grouped(docsets, searcher, query, docs, scored, sort: str, allowed, first: int, limit: int, codes,
             ahead) -> tuple[int, list[np.ndarray], dict[int, float]]:
    """(the number of groups the matching items make, the page's groups' members in rank order, their
    scores); the items of `ahead` (a pasted case number's) rank before the others."""
    if scored is not None and (ahead is None or not len(ahead)):
        ids, score = scored
        keep = docsets.mask(docs)[ids]
        return _grouped_ranked(codes, ids[keep], score[keep], first, limit)
    if scored is not None:
        ids, score = scored
        keep = docsets.mask(docs)[ids]
        ids, score = ids[keep], score[keep]
        best = np.lexsort((ids, -score))
        order, scores = ids[best], dict(zip(ids[best].tolist(), score[best].tolist(), strict=True))
    elif sort == "relevance":
        chosen = None if allowed is None and len(docs) == docsets.live.size else set(docs.tolist())
        ranked = searcher.search(query, filter=chosen, limit=None)
        scores = {hit.docnum: hit.score for hit in ranked}
        order = np.array([hit.docnum for hit in ranked], dtype=np.int64)
    elif sort == "order":
        order, scores = docsets.by_order(searcher, docs), {}
    else:
        order, scores = docsets.by_date(searcher, docs, newest_first=sort == "-date"), {}
    order = np.asarray(order, dtype=np.int64)
    if ahead is not None and len(ahead):
        first_ones = np.isin(order, ahead)
        order = np.concatenate([order[first_ones], order[~first_ones]])
    total, page = group_page(order, codes, first, limit)
    return total, page, scores


def _grouped_ranked(codes: np.ndarray, ids: np.ndarray, score: np.ndarray, first: int,
                    limit: int) -> tuple[int, list[np.ndarray], dict[int, float]]:
    """`group_page` of items ranked by `score`, without sorting them all: the best are taken in growing
    prefixes (`top`) until they make the page's groups, whose other members are then found among
    every matching item. (groups in all, the page's members in rank order, their scores)."""
    keys = codes[ids]
    cased = keys[keys >= 0]
    total = int(np.count_nonzero(np.bincount(cased))) if len(cased) else 0
    total += int(np.count_nonzero(keys < 0))
    count = max(4 * (first + limit), 64)
    while True:
        best = top(ids, score, min(count, len(ids)))
        _, page = group_page(ids[best], codes, first, limit)
        if len(page) >= limit or count >= len(ids):
            break
        count *= 4
    wanted = np.array([codes[members[0]] for members in page if codes[members[0]] >= 0], dtype=keys.dtype)
    others = np.flatnonzero(np.isin(keys, wanted)) if len(wanted) else np.empty(0, dtype=np.int64)
    members_of: dict[int, list] = {}
    for at in others[np.lexsort((ids[others], -score[others]))]:
        members_of.setdefault(int(keys[at]), []).append(at)
    full = [ids[members_of[int(codes[m[0]])]] if codes[m[0]] >= 0 else m for m in page]
    scores_of = {int(ids[at]): float(score[at]) for group in members_of.values() for at in group}
    scores_of.update({int(ids[at]): float(score[at]) for at in best if keys[at] < 0})  # items of no case
    return total, full, scores_of


def top(ids: np.ndarray, score: np.ndarray, count: int) -> np.ndarray:
    """Positions of the `count` best scores, ties by document number: the candidates at or above the
    count-th best score are partitioned out first (linear), so graded queries, which match many items,
    sort only those."""
    if len(score) > 4 * count:
        threshold = -np.partition(-score, count - 1)[count - 1]
        candidates = np.flatnonzero(score >= threshold)
        return candidates[np.lexsort((ids[candidates], -score[candidates]))][:count]
    return np.lexsort((ids, -score))[:count]
