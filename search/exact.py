"""Exact-form search without an unstemmed copy of the text in the index.

`=godkendt` must not find `godkendes`. The stemmed fields find every item with some form of the word;
the stored text of those candidates then decides (search.tree.Exact, which each engine executes), so
the index carries each word once.
"""
from __future__ import annotations

from indexer.analysis import stem

from .tree import Exact, Node, Or, Phrase, Prefix, Term, transform


def rewrite_exact(query: Node, fields: list[str]) -> Node:
    """Replace the parser's `exact:` terms and phrases by Exact nodes over the stemmed fields."""

    def convert(node: Node) -> Node:
        if isinstance(node, Term) and node.field == "exact":
            return Exact(Or(tuple(Term(f, stem(node.text)) for f in fields)), node.text)
        if isinstance(node, Phrase) and node.field == "exact":
            stems = tuple(stem(w) for w in node.words)
            return Exact(Or(tuple(Phrase(f, stems, slop=node.slop) for f in fields)), " ".join(node.words))
        if isinstance(node, Prefix) and node.field == "exact":
            return Or(tuple(Prefix(f, node.text) for f in fields))
        return node

    return transform(query, convert)
