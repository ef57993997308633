"""The Whoosh engine, searching side: an index folder's items in Whoosh, answered with numpy sets
(docsets) and Whoosh's matchers, behind search.engines.Engine.

A Whoosh searcher reads its files by seek-and-read on shared handles, so it must not serve two threads
at once. The engine keeps a small pool of searchers instead: a question takes one, uses it alone and puts
it back, so concurrent searches from threads never share a file handle and never wait on each other.
What derives from one index generation (document sets, facet columns, known values) is computed once
per generation and shared read-only. `refresh()` notices a new generation by listing the directory
(cheap when nothing changed); each pooled searcher then moves to it the next time it is used. The set
arithmetic (numpy) and the query compiler are imported by the first question that needs them: a one-shot
listing of meetings never loads them.
"""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from indexer.engine import EngineConfig, GenerationWriter, WriteEngine, open_write_engine
from indexer.engines.whoosh.schema import analysis_settings
from indexer.engines.whoosh.store import open_index
from indexer.store import has_index
from search.engines import Find, Found

from .ranking import RANKING

RETRIES = 5  # a commit may remove a segment between a searcher's opening and its reading a file
__all__ = ["RANKING", "WhooshEngine", "open_engine"]


class _Slot:
    """One searcher and the generation it reads."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.generation = searcher.reader().generation()

    def move_to(self, whoosh_ix) -> None:
        """Onto the index's newest generation with a searcher opened afresh: Whoosh's `refresh()` reuses
        segment readers by segment id alone, so a reused reader keeps the segment's old deletions and
        the items of a reindexed or removed file would still be found."""
        self.searcher.close()
        self.searcher = whoosh_ix.searcher(weighting=RANKING)
        self.generation = self.searcher.reader().generation()

    def close(self) -> None:
        self.searcher.close()


class WhooshEngine:
    """search.engines.Engine over a Whoosh index folder. Thread-safe."""

    name = "whoosh"

    def __init__(self, index_dir: str | os.PathLike, config: EngineConfig | None = None):
        self.dir = Path(index_dir)
        self.config = config or EngineConfig()
        self._lock = threading.Lock()
        self._whoosh = open_index(self.dir)
        self._generation = self._whoosh.latest_generation()
        self._schema = self._whoosh.schema  # Whoosh reads its table of contents again on every `.schema`
        self._idle: list[_Slot] = []
        self._per_generation: dict[int, dict] = {}
        self._closed = False
        self._writing: WriteEngine | None = None

    @property
    def schema(self):
        """The index's schema: its field analyzers are the analysis the index was made with."""
        return self._schema

    # -- generations and the pool ---------------------------------------------------------------
    def generation(self) -> int:
        return self._generation

    def refresh(self) -> bool:
        latest = self._whoosh.latest_generation()
        if latest == self._generation:
            return False
        whoosh_ix = open_index(self.dir)  # re-checks the schema version of what is there now
        with self._lock:
            self._whoosh, self._generation = whoosh_ix, whoosh_ix.latest_generation()
            self._schema = whoosh_ix.schema
            self._per_generation = {g: v for g, v in self._per_generation.items() if g >= self._generation - 1}
        return True

    def close(self) -> None:
        with self._lock:
            idle, self._idle, self._closed = self._idle, [], True
        for slot in idle:
            slot.close()

    @contextmanager
    def _slot(self) -> Iterator[_Slot]:
        with self._lock:
            if self._closed:
                raise ValueError("the index is closed")
            slot = self._idle.pop() if self._idle else None
            whoosh_ix, generation = self._whoosh, self._generation
        if slot is None:
            slot = _Slot(whoosh_ix.searcher(weighting=RANKING))
        elif slot.generation != generation:
            slot.move_to(whoosh_ix)
        try:
            yield slot
        finally:
            with self._lock:
                keep = not self._closed
                if keep:
                    self._idle.append(slot)
            if not keep:
                slot.close()

    def _cached(self, generation: int, key: str, make):
        """A value derived from one generation, made once and shared read-only."""
        with self._lock:
            per = self._per_generation.setdefault(generation, {})
            if key in per:
                return per[key]
        value = make()
        with self._lock:
            return self._per_generation.setdefault(generation, {}).setdefault(key, value)

    def _with_retry(self, fn, sets: bool = True):
        """`fn(searcher, docsets)` on a pooled searcher (docsets None without `sets`: a question that needs
        no set arithmetic does not make the generation's sets); a file a commit removed under it is
        retried on the newest generation."""
        for attempt in range(RETRIES):
            try:
                with self._slot() as slot:
                    return fn(slot.searcher, self._docsets(slot) if sets else None)
            except FileNotFoundError:
                if attempt + 1 == RETRIES:
                    raise
                time.sleep(0.05 * (attempt + 1))
                with self._lock:
                    stale, self._idle = self._idle, []
                for old in stale:
                    old.close()
                self.refresh()
        raise AssertionError("unreachable")

    def _docsets(self, slot: _Slot):
        from .docsets import DocSets

        return self._cached(slot.generation, "docsets", lambda: DocSets(slot.searcher))

    def warm(self, fields: Iterable[str]) -> None:
        """Load what every search of the current generation shares, so that no visitor's search pays for
        it: the facet columns of `fields`, the sort order, the field lengths and the flat postings."""
        from .docsets import SORT_COLUMNS

        fields = list(fields)

        def load(searcher, docsets) -> None:
            schema = searcher.schema
            for fieldname in fields:
                if fieldname in schema and schema[fieldname].column_type:
                    docsets.column(searcher, fieldname)
                elif fieldname in schema and schema[fieldname].scorable:
                    docsets.lengths(searcher, fieldname)
            for fieldname in SORT_COLUMNS:
                docsets.rank(searcher, fieldname)
            docsets.flat_postings(searcher)

        self._with_retry(load)

    # -- searching ------------------------------------------------------------------------------
    def find(self, request: Find) -> Found:
        from .finding import find

        return self._with_retry(lambda searcher, docsets: find(docsets, searcher, request))

    def values(self, field: str) -> list[str]:
        def run(searcher, docsets):
            reader = searcher.reader()

            def make():
                if field not in reader.schema:
                    return []
                return [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in reader.lexicon(field)]

            return self._cached(reader.generation(), f"values:{field}", make)

        return self._with_retry(run, sets=False)

    def has_term(self, field: str, term: str) -> bool:
        return self._with_retry(lambda searcher, docsets: field in searcher.schema
                                and docsets.has_term(searcher, field, term))

    def has_terms(self, fields: Sequence[str], terms: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(terms))

        def run(searcher, docsets):
            return docsets.has_terms(searcher, [f for f in fields if f in searcher.schema], wanted)

        return self._with_retry(run)

    def doc_frequency(self, field: str, term: str) -> int:
        return self._with_retry(lambda searcher, docsets: searcher.reader().doc_frequency(field, term)
                                if field in searcher.schema else 0, sets=False)

    def documents(self, field: str, values: Iterable[str]) -> list[dict]:
        from search.tree import Or, Term

        from .queries import compile_query

        wanted = Or(tuple(Term(field, v) for v in dict.fromkeys(values)))

        def run(searcher, docsets):
            if field not in searcher.schema or not wanted.children:
                return []
            docs = docsets.docs(searcher, compile_query(wanted, searcher.schema))
            return [searcher.stored_fields(int(d)) for d in docs]

        return self._with_retry(run)

    def all_documents(self) -> Iterator[dict]:
        with self._slot() as slot:
            yield from slot.searcher.all_stored_fields()

    def doc_count(self) -> int:
        return self._with_retry(lambda searcher, docsets: searcher.doc_count(), sets=False)

    # -- writing: the writing side's engine (indexer.engine.ENGINES) ----------------------------
    def exists(self) -> bool:
        return has_index(self.dir)

    def _writer_engine(self) -> WriteEngine:
        if self._writing is None:
            self._writing = open_write_engine(self.dir, self.config)
        return self._writing

    def create(self, analysis: dict | None = None) -> None:
        self._writer_engine().create(analysis)

    def analysis_settings(self) -> dict:
        return analysis_settings(self._schema)

    def recover(self) -> None:
        self._writer_engine().recover()

    def field_names(self) -> set[str]:
        return set(self._schema.names())

    def writer(self, batch_files: int, memory_mb: int | None = None) -> AbstractContextManager[GenerationWriter]:
        return self._writer_engine().writer(batch_files, memory_mb)


def open_engine(index_dir: str | os.PathLike, config: EngineConfig | None = None) -> WhooshEngine:
    """The searching side of a Whoosh index folder (search.engines.open_engine's factory); raises
    IndexMissing when there is none."""
    return WhooshEngine(index_dir, config)
