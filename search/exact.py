"""Exact-form search without an unstemmed copy of the text in the index.

`=godkendt` must not find `godkendes`. The stemmed fields find every item with some form of the word;
the stored text of those candidates then decides, so the index carries each word once.
"""
from __future__ import annotations

import re

from whoosh import matching
from whoosh.query import Or, Phrase, Prefix, Query, Term, Wildcard
from whoosh.query.wrappers import WrappingQuery

from indexer.analysis import stem
from indexer.schema import unpack_sections


class ExactForm(WrappingQuery):
    """Matches where `child` (the stemmed query) matches and the stored text holds `pattern`."""

    def __init__(self, child: Query, form: str):
        super().__init__(child)
        self.form = form
        words = [re.escape(w) for w in form.split()]
        self.pattern = re.compile(r"(?<!\w)" + r"\W+".join(words) + r"(?!\w)", re.IGNORECASE)

    def __eq__(self, other):
        return isinstance(other, ExactForm) and self.child == other.child and self.form == other.form

    def __hash__(self):
        return hash((self.child, self.form))

    def __repr__(self):
        return f"ExactForm({self.child!r}, {self.form!r})"

    def _rewrap(self, child):
        return ExactForm(child, self.form)

    def matcher(self, searcher, context=None):
        candidates = self.child.matcher(searcher, context)
        allowed = set()
        for docnum in candidates.all_ids():
            stored = searcher.stored_fields(docnum)
            text = stored.get("title", "") + "\n" + "\n".join(unpack_sections(stored.get("content")).values())
            if self.pattern.search(text):
                allowed.add(docnum)
        if not allowed:
            return matching.NullMatcher()
        return matching.FilterMatcher(self.child.matcher(searcher, context), frozenset(allowed))


def rewrite_exact(query: Query, fields: list[str]) -> Query:
    """Replace the parser's `exact:` terms and phrases by ExactForm queries over the stemmed fields."""

    def convert(node: Query) -> Query:
        if isinstance(node, Term) and node.fieldname == "exact":
            form = node.text if isinstance(node.text, str) else node.text.decode("utf-8")
            return ExactForm(Or([Term(f, stem(form)) for f in fields]), form)
        if isinstance(node, Phrase) and node.fieldname == "exact":
            stems = [stem(w) for w in node.words]
            return ExactForm(Or([Phrase(f, stems, slop=node.slop) for f in fields]), " ".join(node.words))
        if isinstance(node, (Prefix, Wildcard)) and node.fieldname == "exact":
            return Or([node.__class__(f, node.text) for f in fields])
        return node

    return query.accept(convert)
