"""The engine-neutral query tree: what search/query.py and search/expand.py make of the user's words,
and what every engine (search.engines) turns into its own queries.

Terms are already analysed (stemmed, folded) by the Danish analysis of indexer.analysis: an engine looks
them up as they are. Nodes are frozen dataclasses, so a tree can be a cache key and compared in tests.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Term:
    """Items whose `field` has the (analysed) term `text`."""
    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    """Items whose `field` has `words` in order, each at most `slop` positions after the one before."""
    field: str
    words: tuple[str, ...]
    slop: int = 1
    boost: float = 1.0


@dataclass(frozen=True)
class Prefix:
    """Items with a term of `field` starting with `text` (`helbred*`)."""
    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Range:
    """Items whose `field` lies between `low` and `high`, both included; None is open. Dates are
    ISO strings, years numbers."""
    field: str
    low: str | int | None
    high: str | int | None


@dataclass(frozen=True)
class Every:
    """Every item (`*`, or filters alone)."""
    boost: float = 1.0


@dataclass(frozen=True)
class Nothing:
    """No item."""
    boost: float = 1.0


@dataclass(frozen=True)
class And:
    """Items matching every child; scored as the sum of the children's scores."""
    children: tuple[Node, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Or:
    """Items matching any child; scored as the sum of the matching children's scores. With `scale`
    (the any-word fallback), an item matching more children ranks higher (Whoosh's scaled OR group).

    As ranked today (the Whoosh engine's numpy executor, which the judged sets measure): an Or of Terms of
    one text in several fields (one word's group) scores its best field whole and each other field by
    search.query.FIELD_TIEBREAK (OpenSearch: dis_max with that tie_breaker); `scale` is not applied (it
    never was: Whoosh's query rewriting dropped it before any search), a scaled Or ranks as a plain one."""
    children: tuple[Node, ...]
    boost: float = 1.0
    scale: float | None = None


@dataclass(frozen=True)
class DisMax:
    """Items matching any child; scored as the best child's score plus `tiebreak` times the others'."""
    children: tuple[Node, ...]
    tiebreak: float = 0.0
    boost: float = 1.0


@dataclass(frozen=True)
class MinimumMatch:
    """Items matching at least `minimum` of the children (one per query word), scored as their Or times
    the coordination factor: (the idf weight of the words the item has / of all)^COORDINATION_POWER
    (search.expand.word_weight), so an item with every word comes first as a rule."""
    children: tuple[Node, ...]
    minimum: int
    boost: float = 1.0


@dataclass(frozen=True)
class Not:
    """Every item not matching `child` (a query that starts with NOT)."""
    child: Node
    boost: float = 1.0


@dataclass(frozen=True)
class AndNot:
    """Items matching `positive` and not `negative`; scored as `positive`."""
    positive: Node
    negative: Node
    boost: float = 1.0


@dataclass(frozen=True)
class Exact:
    """Items matching `child` (the stemmed form of the words) whose text holds `form` as written, word
    for word and case-insensitively (`=godkendt` does not find `godkendes`); scored as `child`. `fields`
    (of indexer.schema.FORM_SOURCES) are where the form must stand, each field's text on its own; () is
    any of them."""
    child: Node
    form: str
    boost: float = 1.0
    fields: tuple[str, ...] = ()


Node = Term | Phrase | Prefix | Range | Every | Nothing | And | Or | DisMax | MinimumMatch | Not | AndNot | Exact
LEAVES = (Term, Phrase, Prefix, Range, Every, Nothing)


def children(node: Node) -> tuple[Node, ...]:
    """A node's direct children, in order."""
    if isinstance(node, (And, Or, DisMax, MinimumMatch)):
        return node.children
    if isinstance(node, (Not, Exact)):
        return (node.child,)
    if isinstance(node, AndNot):
        return (node.positive, node.negative)
    return ()


def with_children(node: Node, new: tuple[Node, ...]) -> Node:
    """`node` with its children replaced (same count and order as `children(node)`)."""
    if isinstance(node, (And, Or, DisMax, MinimumMatch)):
        return replace(node, children=tuple(new))
    if isinstance(node, (Not, Exact)):
        return replace(node, child=new[0])
    if isinstance(node, AndNot):
        return replace(node, positive=new[0], negative=new[1])
    return node


def transform(node: Node, fn: Callable[[Node], Node]) -> Node:
    """Apply `fn` bottom-up: to the children first, then to the node rebuilt from them."""
    kids = children(node)
    if kids:
        new = tuple(transform(k, fn) for k in kids)
        if any(a is not b for a, b in zip(new, kids, strict=True)):  # an unchanged subtree is kept, not rebuilt
            node = with_children(node, new)
    return fn(node)


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents before children."""
    yield node
    for kid in children(node):
        yield from walk(kid)


def positive_terms(node: Node) -> list[tuple[str, str]]:
    """(field, text) of every term and phrase word the query looks for, leaving out what it excludes."""
    if isinstance(node, Not):
        return []
    if isinstance(node, AndNot):
        return positive_terms(node.positive)
    if isinstance(node, Term):
        return [(node.field, node.text)]
    if isinstance(node, Phrase):
        return [(node.field, w) for w in node.words]
    return [pair for kid in children(node) for pair in positive_terms(kid)]


def simplify(node: Node) -> Node:
    """One-child And/Or/DisMax become the child (boosts multiplied), nested Ands and unscaled Ors are
    flattened, Nothing drops out of an Or and empties an And, as Whoosh's `normalize` does."""

    def one(n: Node) -> Node:
        if isinstance(n, (And, Or, DisMax)):
            kids: list[Node] = []
            for kid in n.children:
                if type(kid) is type(n) and kid.boost == 1.0 and not isinstance(n, DisMax) \
                        and getattr(kid, "scale", None) is None and getattr(n, "scale", None) is None:
                    kids.extend(kid.children)
                else:
                    kids.append(kid)
            if isinstance(n, And) and any(isinstance(k, Nothing) for k in kids):
                return Nothing()
            kids = [k for k in kids if not isinstance(k, Nothing)]
            kids = list(dict.fromkeys(kids))
            if not kids:
                return Nothing()
            if len(kids) == 1:
                only = kids[0]
                if n.boost == 1.0 or isinstance(only, Range):  # a Range has no boost
                    return only
                return replace(only, boost=only.boost * n.boost)
            return replace(n, children=tuple(kids))
        return n

    return transform(node, one)



__all__ = ["And", "AndNot", "DisMax", "Every", "Exact", "LEAVES", "MinimumMatch", "Node", "Not", "Nothing", "Or",
           "Phrase", "Prefix", "Range", "Term", "children", "positive_terms", "simplify",
           "transform", "walk", "with_children"]
