"""The query language's less common shapes (AND/OR/NOT, parentheses, fields, prefix*) read by Whoosh's
query parser, configured (not subclassed), and handed back as the engine-neutral tree (search.tree).

Parsing does not depend on which engine runs the query: the parser reads the analyzers of the product's
schema (indexer.schema's fields, with the index's analysis settings), so every engine gets the same tree
for the same text.
"""
from __future__ import annotations

import copy
from functools import cache

from whoosh import qparser

from indexer.schema import FORM_SOURCES, form_field
from search import tree

from .queries import to_tree


@cache
def _schema(settings: tuple):
    """The Whoosh schema whose analyzers are the index's analysis (`settings`: indexer.build's `analysis`),
    with the exact forms of each field (`exact_beslutning:`, search.exact) read as `exact:` is."""
    from indexer.engines.whoosh.schema import build_schema

    schema = build_schema(**dict(settings))
    for source in FORM_SOURCES:
        schema.add(form_field(source), copy.copy(schema["exact"]))
    return schema


def parse(text: str, fields: list[str], boosts: dict[str, float], any_word: bool, scale: float,
          settings: dict) -> tree.Node:
    """The tree of `text` as Whoosh's multifield parser reads it: the words in every one of `fields`
    (with their `boosts`), every word required, or any of them (a scaled OR) with `any_word`.
    Raises on what cannot be parsed; the caller says it in one line."""
    group = qparser.OrGroup.factory(scale) if any_word else qparser.AndGroup
    parser = qparser.MultifieldParser(fields, _schema(tuple(sorted(settings.items()))), fieldboosts=boosts,
                                      group=group)
    parser.remove_plugin_class(qparser.SingleQuotePlugin)
    return to_tree(parser.parse(text))
