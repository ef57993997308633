"""The query tree (search.tree) as Whoosh queries: what the numpy executor (docsets) walks and what
Whoosh's own matchers rank when numpy cannot (exact forms, prefixes, ranges).

The graded query (MinimumMatch) and the exact form (ExactForm) are Whoosh Query subclasses here, so
that Whoosh's matchers rank them exactly as docsets does (tests/search/test_docsets.py).
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from whoosh import matching
from whoosh.fields import NUMERIC
from whoosh.query import (
    And,
    AndNot,
    DisjunctionMax,
    Every,
    Not,
    NullQuery,
    NumericRange,
    Or,
    Phrase,
    Prefix,
    Query,
    Term,
    TermRange,
)
from whoosh.query.wrappers import WrappingQuery

from indexer.meetings import attachments_text, unpack_attachments
from indexer.schema import ATTACHMENT_FIELD, FORM_SOURCES, unpack_sections
from search import tree
from search.expand import COORDINATION_POWER, word_weight


class _Coordinated(matching.WrappingMatcher):
    """Scores of the child scaled by the share of the query words' weight the item has (`word_weight`)."""

    def __init__(self, child, matched: dict[int, float], total: float):
        super().__init__(child)
        self.matched = matched
        self.total = total

    def _replacement(self, newchild):
        return _Coordinated(newchild, self.matched, self.total)

    def score(self):
        share = self.matched.get(self.child.id(), self.total) / self.total
        return self.child.score() * share ** COORDINATION_POWER


class MinimumMatch(Query):
    """Items where at least `minimum` of the clauses (one per query word) match, ranked as their Or
    times a coordination factor: an item with every word first, one missing a word lower, not dropped.

    The clauses are kept apart rather than as one Or, which Whoosh would flatten into its per-field terms.
    """

    def __init__(self, clauses: list[Query], minimum: int, boost: float = 1.0):
        self.clauses = list(clauses)
        self.subqueries = self.clauses  # as Whoosh's compound queries name them
        self.minimum = minimum
        self.boost = boost

    def __eq__(self, other):
        return isinstance(other, MinimumMatch) and self.clauses == other.clauses and self.minimum == other.minimum

    def __hash__(self):
        return hash((tuple(self.clauses), self.minimum))

    def __repr__(self):
        return f"MinimumMatch({self.clauses!r}, {self.minimum})"

    def children(self):
        return iter(self.clauses)

    def apply(self, fn):
        return MinimumMatch([fn(c) for c in self.clauses], self.minimum, self.boost)

    def normalize(self):
        return MinimumMatch([c.normalize() for c in self.clauses], self.minimum, self.boost)

    def estimate_size(self, ixreader):
        return max((c.estimate_size(ixreader) for c in self.clauses), default=0)

    def matcher(self, searcher, context=None):
        counts: dict[int, int] = {}
        weights: dict[int, float] = {}
        total = 0.0
        top = searcher.parent() if searcher.has_parent() else searcher  # a word's idf is the whole index's
        reader = top.reader()
        for clause in self.clauses:
            found = list(clause.matcher(searcher, context).all_ids())
            everywhere = sum(1 for d in clause.matcher(top, context).all_ids() if not reader.is_deleted(d))
            weight = word_weight(top.doc_count(), everywhere)
            total += weight
            for docnum in found:
                counts[docnum] = counts.get(docnum, 0) + 1
                weights[docnum] = weights.get(docnum, 0.0) + weight
        allowed = frozenset(d for d, n in counts.items() if n >= self.minimum)
        if not allowed:
            return matching.NullMatcher()
        union = Or(self.clauses, boost=self.boost).matcher(searcher, context)
        return _Coordinated(matching.FilterMatcher(union, allowed), weights, total)


class _BestOfMatcher(matching.DisjunctionMaxMatcher):
    """Whoosh's DisjunctionMaxMatcher takes the better of its two sides' scores even when one side
    stands on a later document (a score of another item); this one, as UnionMatcher does for sums,
    only counts a side that is on the current document."""

    def score(self):
        a, b = self.a, self.b
        if not a.is_active():
            return b.score()
        if not b.is_active():
            return a.score()
        id_a, id_b = a.id(), b.id()
        if id_a != id_b:
            return a.score() if id_a < id_b else b.score()
        return max(a.score(), b.score())


class BestOf(DisjunctionMax):
    """The tree's DisMax (tiebreak 0): an item scores its best matching alternative (docsets computes
    the same)."""

    def _matcher(self, subs, searcher, context):
        r = searcher.reader()
        return self._tree_matcher(subs, _BestOfMatcher, searcher, context, lambda q: q.estimate_size(r),
                                  tiebreak=self.tiebreak)


class ExactForm(WrappingQuery):
    """Matches where `child` (the stemmed query) matches and the stored text holds the form as written:
    the index carries each word once (stemmed), the candidates' stored text decides."""

    def __init__(self, child: Query, form: str, fields: tuple[str, ...] = ()):
        super().__init__(child)
        self.form = form
        self.fields = fields
        self.pattern = form_pattern(form)

    def __eq__(self, other):
        return (isinstance(other, ExactForm) and self.child == other.child and self.form == other.form
                and self.fields == other.fields)

    def __hash__(self):
        return hash((self.child, self.form, self.fields))

    def __repr__(self):
        return f"ExactForm({self.child!r}, {self.form!r}, {self.fields!r})"

    def _rewrap(self, child):
        return ExactForm(child, self.form, self.fields)

    def matcher(self, searcher, context=None):
        candidates = self.child.matcher(searcher, context)
        allowed = {docnum for docnum in candidates.all_ids()
                   if has_form(searcher.stored_fields(docnum), self.pattern, self.fields)}
        if not allowed:
            return matching.NullMatcher()
        return matching.FilterMatcher(self.child.matcher(searcher, context), frozenset(allowed))


def form_pattern(form: str) -> re.Pattern:
    """The words of `form` as written, whole, case-insensitively, any non-word characters between them.
    "No word character before" is asserted after the first word (each of its characters matches one),
    so that the pattern starts with a letter the regex engine can scan for: three times faster than
    the same assertion in front."""
    first, *rest = form.split() or [""]
    before = rf"(?<!\w[\s\S]{{{len(first)}}})"
    return re.compile(re.escape(first) + before + "".join(r"\W+" + re.escape(w) for w in rest) + r"(?!\w)",
                      re.IGNORECASE)


def form_texts(stored: dict, fields: tuple[str, ...] = ()) -> Iterator[str]:
    """The text as written of each of `fields` (indexer.schema.FORM_SOURCES; () for all) of an item's
    stored fields, as the index has it; the attachments' only when asked for."""
    sections = unpack_sections(stored.get("content"))
    for source in fields or FORM_SOURCES:
        if source == "title":
            yield stored.get("title", "")
        elif source == ATTACHMENT_FIELD:
            yield attachments_text(unpack_attachments(stored))
        else:
            yield sections.get(source, "")


def has_form(stored: dict, pattern: re.Pattern, fields: tuple[str, ...] = ()) -> bool:
    """Whether one of `fields` of the item holds the form (a form does not run from one field into the next)."""
    return any(pattern.search(text) for text in form_texts(stored, fields) if text)


def compile_query(node: tree.Node, schema) -> Query:
    """The Whoosh query of a tree node (the same objects search.query built before the seam, so numpy
    and Whoosh rank as they did)."""
    def go(n: tree.Node) -> Query:
        return compile_query(n, schema)

    if isinstance(node, tree.Term):
        return Term(node.field, node.text, boost=node.boost)
    if isinstance(node, tree.Phrase):
        return Phrase(node.field, list(node.words), slop=node.slop, boost=node.boost)
    if isinstance(node, tree.Prefix):
        return Prefix(node.field, node.text, boost=node.boost)
    if isinstance(node, tree.Range):
        if node.field in schema and isinstance(schema[node.field], NUMERIC):
            return NumericRange(node.field, node.low, node.high)
        return TermRange(node.field, node.low, node.high)
    if isinstance(node, tree.Every):
        return Every(boost=node.boost) if node.boost != 1.0 else Every()
    if isinstance(node, tree.Nothing):
        return NullQuery
    if isinstance(node, (tree.And, tree.Or, tree.DisMax)) and len(node.children) == 1:
        # Whoosh runs a compound of one query as that query and drops the compound's boost; numpy keeps it
        return _boosted(go(node.children[0]), node.boost)
    if isinstance(node, tree.And):
        return And([go(k) for k in node.children], boost=node.boost)
    if isinstance(node, tree.Or):
        # No `scale`: before the seam Whoosh's query rewriting (`accept`) dropped it before any search, and
        # numpy sums; applying it now would rank the any-word fallback otherwise (search.tree.Or).
        return Or([go(k) for k in node.children], boost=node.boost)
    if isinstance(node, tree.DisMax):
        return BestOf([go(k) for k in node.children], boost=node.boost, tiebreak=node.tiebreak)
    if isinstance(node, tree.MinimumMatch):
        return MinimumMatch([go(k) for k in node.children], node.minimum, node.boost)
    if isinstance(node, tree.Not):
        return Not(go(node.child), boost=node.boost)
    if isinstance(node, tree.AndNot):
        query = AndNot(go(node.positive), go(node.negative))
        query.boost = node.boost
        return query
    if isinstance(node, tree.Exact):
        return ExactForm(go(node.child), node.form, node.fields)
    raise TypeError(f"not a query tree node: {node!r}")


def _boosted(query: Query, factor: float) -> Query:
    """`query` with its scores multiplied by `factor`."""
    if factor == 1.0 or query is NullQuery or isinstance(query, (Every, Not, AndNot)):
        return query
    if isinstance(query, ExactForm):
        return ExactForm(_boosted(query.child, factor), query.form, query.fields)
    return query.with_boost(query.boost * factor)


def to_tree(query: Query) -> tree.Node:
    """The tree node of a query Whoosh's parser made; a part the tree has no node for (a wildcard
    inside a word, a fuzzy term) is a ValueError the parser's caller reports."""
    from whoosh.query import FuzzyTerm, Variations, Wildcard

    if query is NullQuery or type(query).__name__ == "_NullQuery":
        return tree.Nothing()
    if isinstance(query, (FuzzyTerm, Variations)):
        raise ValueError(f"'{query}' is not supported: use words, \"phrases\" and prefix*")
    if isinstance(query, Term):
        text = query.text.decode("utf-8") if isinstance(query.text, bytes) else query.text
        return tree.Term(query.fieldname, text, query.boost)
    if isinstance(query, Phrase):
        return tree.Phrase(query.fieldname, tuple(query.words), query.slop, query.boost)
    if isinstance(query, Prefix):
        return tree.Prefix(query.fieldname, query.text, query.boost)
    if isinstance(query, Wildcard):
        raise ValueError(f"'{query.text}': only a * at the end of a word is supported (prefix*)")
    if isinstance(query, (NumericRange, TermRange)):
        if query.startexcl or query.endexcl:
            raise ValueError("ranges include their ends: use [a TO b]")
        return tree.Range(query.fieldname, query.start, query.end)
    if isinstance(query, Every):
        return tree.Every(query.boost)
    if isinstance(query, MinimumMatch):
        return tree.MinimumMatch(tuple(to_tree(q) for q in query.clauses), query.minimum, query.boost)
    if isinstance(query, ExactForm):
        return tree.Exact(to_tree(query.child), query.form, fields=query.fields)
    if isinstance(query, DisjunctionMax):
        return tree.DisMax(tuple(to_tree(q) for q in query.subqueries), query.tiebreak, query.boost)
    if type(query) is And:
        return tree.And(tuple(to_tree(q) for q in query.subqueries), query.boost)
    if type(query) is Or:
        if query.minmatch:
            raise ValueError("an OR with a minimum match is not supported")
        return tree.Or(tuple(to_tree(q) for q in query.subqueries), query.boost, query.scale)
    if type(query) is Not:
        return tree.Not(to_tree(query.query), query.boost)
    if type(query) is AndNot:
        return tree.AndNot(to_tree(query.a), to_tree(query.b), query.boost)
    raise ValueError(f"'{query}' is not supported: use words, \"phrases\", AND/OR/NOT and prefix*")
