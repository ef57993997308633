"""The long-lived search object: `search.open(dir)` opens the index once and answers many searches.

A Whoosh searcher reads its files by seek-and-read on shared handles, so it must not serve two threads
at once. The Index keeps a small pool of searchers instead: a search takes one, uses it alone and puts
it back, so concurrent searches from threads never share a file handle and never wait on each other.
What derives from one index generation (the compound lexicon, the names a filter may resolve to) is
computed once per generation and shared read-only. `refresh()` notices a new generation by listing
the directory (cheap when nothing changed); each pooled searcher then moves to it the next time it is
used, reusing the segment readers that did not change.
"""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from indexer import open_index
from indexer.compounds import load_map as load_compounds
from indexer.meeting_table import load_table
from indexer.meetings import MEETING_FACETS, Source

from .docsets import SORT_COLUMNS
from .engine import RANKING, Request, execute, item_view, ranked_fields, stats_of
from .expand import FEATURES, Vocabulary, prepare_corrections
from .facets import COLUMN_COUNTED, resolve_names
from .meetings import (CaseView, MeetingList, MeetingView, attachment_of, case_view, list_bodies, list_meetings,
                       meeting_view, source_of)
from .query import QueryError
from .result import ItemView, Result, Stats

RETRIES = 5  # a commit may remove a segment between a searcher's opening and its reading a file


class _Slot:
    """One searcher, and the Index whose per-generation caches it shares."""

    def __init__(self, searcher, index: Index):
        self.searcher = searcher
        self.generation = searcher.reader().generation()
        self.index = index

    def vocabulary_for(self, fields: list[str]) -> Vocabulary:
        """Term membership in `fields` (for compounds and typos), looked up with this slot's reader and
        remembered for the generation by every slot."""
        known = self.index._cached(self.generation, f"vocabulary:{','.join(fields)}", dict)
        docsets, searcher = self.index.docsets(self), self.searcher
        present = [f for f in fields if f in searcher.schema]
        return Vocabulary(lambda field, term: docsets.has_term(searcher, field, term), present, known)

    def move_to(self, whoosh_ix) -> None:
        """Onto the index's newest generation with a searcher opened afresh: Whoosh's `refresh()` reuses
        segment readers by segment id alone, so a reused reader keeps the segment's old deletions and
        the items of a reindexed or removed file would still be found."""
        self.searcher.close()
        self.searcher = whoosh_ix.searcher(weighting=RANKING)
        self.generation = self.searcher.reader().generation()

    def close(self) -> None:
        self.searcher.close()


class Index:
    """An opened index. Thread-safe; use as a context manager or call close()."""

    def __init__(self, index_dir: str | os.PathLike, *, registry_file: str | None = None):
        self.dir = Path(index_dir)
        self.registry_file = registry_file
        self._lock = threading.Lock()
        self._whoosh = open_index(self.dir)
        self._generation = self._whoosh.latest_generation()
        self._idle: list[_Slot] = []
        self._per_generation: dict[int, dict] = {}
        self._closed = False

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle, self._closed = self._idle, [], True
        for slot in idle:
            slot.close()

    @property
    def generation(self) -> int:
        return self._generation

    def refresh(self) -> bool:
        """Follow the index to its newest generation; True when there was a new one."""
        latest = self._whoosh.latest_generation()
        if latest == self._generation:
            return False
        whoosh_ix = open_index(self.dir)  # re-checks the schema version of what is there now
        with self._lock:
            self._whoosh, self._generation = whoosh_ix, whoosh_ix.latest_generation()
            self._per_generation = {g: v for g, v in self._per_generation.items() if g >= self._generation - 1}
        return True

    @contextmanager
    def _slot(self) -> Iterator[_Slot]:
        with self._lock:
            if self._closed:
                raise ValueError("the index is closed")
            slot = self._idle.pop() if self._idle else None
            whoosh_ix, generation = self._whoosh, self._generation
        if slot is None:
            slot = _Slot(whoosh_ix.searcher(weighting=RANKING), self)
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

    def _with_retry(self, fn):
        for attempt in range(RETRIES):
            try:
                with self._slot() as slot:
                    return fn(slot)
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

    def compound_map(self, slot: _Slot) -> dict[str, list[str]]:
        reader = slot.searcher.reader()
        return self._cached(slot.generation, "compounds", lambda: load_compounds(self.dir, reader))

    def docsets(self, slot: _Slot):
        """The document-set machinery of the slot's generation (search.docsets)."""
        from .docsets import DocSets

        return self._cached(slot.generation, "docsets", lambda: DocSets(slot.searcher))

    def warm(self) -> None:
        """Load what every search of the current generation shares, so that no visitor's search pays
        for it: the document sets with the facet columns, the sort order, the field lengths and the flat
        postings; the compound map; the word list of typo corrections. A long-lived process (the web
        app) calls it before its first search."""

        def load(slot: _Slot) -> None:
            docsets = self.docsets(slot)
            schema = slot.searcher.schema
            for fieldname in (*(f.field for f in COLUMN_COUNTED), "section_mask"):
                if fieldname in schema and schema[fieldname].column_type:
                    docsets.column(slot.searcher, fieldname)
            for fieldname in SORT_COLUMNS:
                docsets.rank(slot.searcher, fieldname)
            for fieldname in ranked_fields():
                if fieldname in schema and schema[fieldname].scorable:
                    docsets.lengths(slot.searcher, fieldname)
            docsets.flat_postings(slot.searcher)
            self.compound_map(slot)

        self._with_retry(load)
        prepare_corrections(self.dir)

    def known_values(self, slot: _Slot, fieldname: str) -> list[str]:
        reader = slot.searcher.reader()

        def make():
            if fieldname not in reader.schema:
                return []
            return [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in reader.lexicon(fieldname)]

        return self._cached(slot.generation, f"values:{fieldname}", make)

    def search(self, query: str = "", *, registry_file: str | None = None, features=FEATURES, **options) -> Result:
        """Search; `options` are the filters and output options of search.run(). Raises QueryError."""
        request = Request.make(query, registry_file=registry_file or self.registry_file,
                               features=frozenset(features), **options)
        return self._with_retry(lambda slot: execute(self, slot, request))

    def show(self, item_id: str) -> ItemView:
        """One whole item; QueryError when no item has that id."""
        return self._with_retry(lambda slot: item_view(slot.searcher, item_id))

    def stats(self) -> Stats:
        """Counts by cluster and year, and when the index was last brought up to date."""
        from dataclasses import replace

        from indexer.health import freshness

        fresh = freshness(self.dir)
        days = None if fresh.days is None else round(fresh.days, 2)
        return replace(self._with_retry(lambda slot: stats_of(slot.searcher)), last_reindex=fresh.last_reindex,
                       last_index=fresh.last_index, days_since_update=days)

    def meeting(self, meeting_id: str) -> MeetingView:
        """A meeting's agenda with outcomes, by meeting id or the id of one of its items; QueryError if none."""
        return self._with_retry(lambda slot: meeting_view(slot.searcher, meeting_id))

    def meetings(self, *, year: str | None = None, date_from: str | None = None, date_to: str | None = None,
                 sort: str = "-date", limit: int = 50, page: int = 1, **facets) -> MeetingList:
        """Meetings passing the filters, newest first: `facets` are the meeting facets of indexer.facets
        (cluster=, body=, ...; forgiving names, a value or a list), plus year and a date range."""
        unknown = set(facets) - {f.name for f in MEETING_FACETS}
        if unknown:
            raise QueryError(f"meetings cannot be filtered by {', '.join(sorted(unknown))}", "not_a_meeting_filter",
                             field=sorted(unknown)[0])

        def run(slot):
            table = self._meeting_table(slot)
            names = {}
            for facet in MEETING_FACETS:
                wanted = facets.get(facet.name)
                if wanted:
                    wanted = [wanted] if isinstance(wanted, str) else list(wanted)
                    known = {r.get(facet.field) for r in table.values()} - {None}
                    names[facet.field] = resolve_names(facet, wanted, known, self.registry_file)
            return list_meetings(table, names=names, year=year, date_from=date_from, date_to=date_to, sort=sort,
                                 limit=limit, page=page)

        return self._with_retry(run)

    def bodies(self) -> list:
        """Every body that met (search.result.BodyRow), by municipality, then name: what `meetings(body=)`
        and the web's body pages take."""
        return self._with_retry(lambda slot: list_bodies(self._meeting_table(slot)))

    def _meeting_table(self, slot) -> dict[str, dict]:
        return self._cached(slot.generation, "meetings", lambda: load_table(self._whoosh, self.dir))

    def case(self, item_or_number: str) -> CaseView:
        """Every appearance of an item's case (or of a case number), by date; QueryError if none."""
        return self._with_retry(lambda slot: case_view(slot.searcher, item_or_number))

    def source(self, item_id: str, choice: int | None = None) -> Source:
        """The file (and page) `referat open` opens for an item."""
        return self._with_retry(lambda slot: source_of(slot.searcher, item_id, choice))

    def attachment(self, item_id: str, number: int, page: int | None = None) -> Source:
        """An item's attachment `number` (its Bilag N) as `referat open --attachment` opens it, at `page`."""
        return self._with_retry(lambda slot: attachment_of(slot.searcher, item_id, number, page))


def open(index_dir: str | os.PathLike, *, registry_file: str | None = None) -> Index:  # noqa: A001
    """Open the index at `index_dir` for searching; raises IndexMissing when there is none."""
    return Index(index_dir, registry_file=registry_file)
