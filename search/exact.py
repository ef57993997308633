"""Exact-form search without an unstemmed copy of the text in the index.

`=godkendt` must not find `godkendes`. The stemmed fields find every item with some form of the word;
the stored text of those candidates then decides (search.tree.Exact, which each engine executes), so
the index carries each word once. The index holds no stop words, so the stemmed phrase of a form
leaves them out (as a quoted phrase does) and the stored text checks the form with them.
"""
from __future__ import annotations

from indexer.analysis import stem, stop_words
from indexer.schema import FORM_SOURCES, form_field

from .tree import Exact, Node, Nothing, Or, Phrase, Prefix, Term, transform


def rewrite_exact(query: Node, fields: list[str]) -> Node:
    """Replace the parser's `exact:` terms and phrases by Exact nodes over the stemmed `fields`, whose
    text must hold the form (all of them: any field); an `exact_<field>:` one (`beslutning:=godkendt`,
    search.query.normalise) by one over that field alone."""
    sources = tuple(f for f in FORM_SOURCES if f in fields)
    scopes = {"exact": (fields, () if len(sources) == len(FORM_SOURCES) else sources)}
    scopes.update({form_field(f): ([f], (f,)) for f in FORM_SOURCES})

    def convert(node: Node) -> Node:
        if not isinstance(node, (Term, Phrase, Prefix)) or node.field not in scopes:
            return node
        searched, scope = scopes[node.field]
        if isinstance(node, Term):
            return Exact(Or(tuple(Term(f, stem(node.text)) for f in searched)), node.text, fields=scope)
        if isinstance(node, Phrase):
            stems = tuple(stem(w) for w in node.words if w.lower() not in stop_words())
            form = " ".join(node.words)
            if not stems:
                return Nothing()  # only stop words: no stemmed field has them
            if len(stems) == 1:
                return Exact(Or(tuple(Term(f, stems[0]) for f in searched)), form, fields=scope)
            return Exact(Or(tuple(Phrase(f, stems, slop=node.slop) for f in searched)), form, fields=scope)
        return Or(tuple(Prefix(f, node.text) for f in searched))

    return transform(query, convert)
