"""The searching half of the engine seam: one request in, what matched out, whatever the engine.

search.engine (the product's logic: parsing, fallbacks, typo retries, notes, hits and snippets) asks an
Engine `find` questions in the engine-neutral query tree (search.tree); the Whoosh engine answers them
with numpy sets over its postings, the OpenSearch engine with the cluster's queries and aggregations.
Both must give the same answer: the same items, the same order, the same counts (tests/engines).
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from indexer.engine import ENGINES, EngineConfig, WriteEngine, engine_config, load_factory

from ..tree import Every, Node

SORTS = ("relevance", "-date", "date", "order")  # date ties: path, then the item's place in its meeting;
# "order": the item's place in its meeting's agenda (then path): a meeting's items as printed


@dataclass(frozen=True)
class Find:
    """One question to an engine. `query` ranks and matches; `filters` only match (facets, dates, ids)."""
    query: Node = Every()
    filters: tuple[Node, ...] = ()
    sort: str = "relevance"
    start: int = 0  # of items, or of groups with `group`
    count: int = 10
    group: str | None = None  # "case": one hit per value of this column (the newest member shown), an
    #                          item without a value its own group (search.grouping)
    ahead: Node | None = None  # the matches of this rank before the others (a pasted case number's items)
    facets: tuple[str, ...] = ()  # column fields whose values are counted over every match
    within: Mapping[str, Node] = field(default_factory=dict)  # name -> node: how many matches also match it
    marks: Mapping[str, Node] = field(default_factory=dict)  # name -> node: which hits on the page match it
    every_word: bool = False  # with a MinimumMatch at the root: whether some match has every child
    hits: bool = True  # False: only the totals and counts (a fallback's check, a note's count)


@dataclass
class FoundHit:
    document: dict  # the item's stored fields
    score: float | None  # None when sorted by date
    marks: frozenset[str] = frozenset()  # the names of Find.marks it matches
    members: list[dict] = field(default_factory=list)  # with Find.group: the group's matching items,
    #                                                   best first (the hit's own document among them)


@dataclass
class Found:
    total: int  # matching items
    hits: list[FoundHit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)  # field -> value -> matching items
    within: dict[str, int] = field(default_factory=dict)
    groups: int | None = None  # with Find.group: how many groups the matches make
    every_word: bool | None = None


@runtime_checkable
class Engine(WriteEngine, Protocol):
    """An index's items, for searching (and writing: WriteEngine)."""

    def refresh(self) -> bool:
        """Follow the index to its newest generation; True when there was a new one."""

    def find(self, find: Find) -> Found:
        """Match, rank, count and page one question."""

    def values(self, field: str) -> list[str]:
        """Every value indexed in `field` (a facet's known names)."""

    def has_term(self, field: str, term: str) -> bool:
        """Whether any item has the analysed `term` in `field` (compounds and typos)."""

    def doc_frequency(self, field: str, term: str) -> int:
        """How many items have `term` in `field`."""

    def has_terms(self, fields: Sequence[str], terms: Iterable[str]) -> set[str]:
        """Which of `terms` some item has in one of `fields`: the compound and typo look-ups of a query
        asked together (a cluster answers them in one round trip, not one per term and field)."""


def open_engine(index_dir: str | os.PathLike, config: EngineConfig | None = None) -> Engine:
    """The searching side of the engine an index folder names (Whoosh when it names none)."""
    config = config or engine_config(index_dir)
    if config.name not in ENGINES:
        raise ValueError(f"unknown engine '{config.name}': one of {', '.join(ENGINES)}")
    return load_factory(ENGINES[config.name][1])(index_dir, config)


__all__ = ["SORTS", "Engine", "Find", "Found", "FoundHit", "open_engine"]
