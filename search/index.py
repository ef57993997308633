"""The long-lived search object: `search.open(dir)` opens the index once and answers many searches.

The items live in an engine (search.engines: Whoosh in the folder, or an OpenSearch cluster), named in
the index folder's meta file; the Index asks it engine-neutral questions (search.engines.Find) and keeps
the product's logic (search.engine). What derives from one index generation on this side (the compound
lexicon, the meeting table, known words) is computed once per generation and shared read-only.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from indexer.compounds import load_map as load_compounds
from indexer.meeting_table import load_table
from indexer.meetings import MEETING_FACETS, Source

from .engine import Request, execute, item_view, ranked_fields, stats_of
from .engines import Engine, open_engine
from .expand import FEATURES, Vocabulary, prepare_corrections
from .facets import COLUMN_COUNTED, resolve_names
from .meetings import (
    CaseView,
    MeetingList,
    MeetingView,
    attachment_of,
    case_view,
    list_bodies,
    list_meetings,
    list_page,
    meeting_view,
    source_of,
)
from .query import QueryError
from .result import ItemView, Result, Stats


class Index:
    """An opened index. Thread-safe; use as a context manager or call close()."""

    def __init__(self, index_dir: str | os.PathLike, *, registry_file: str | None = None):
        self.dir = Path(index_dir)
        self.registry_file = registry_file
        self._lock = threading.Lock()
        self.engine: Engine = open_engine(self.dir)
        self._per_generation: dict[int, dict] = {}

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.engine.close()

    @property
    def analysis_settings(self) -> dict:
        """How the index analyses words (parts of the Danish analysis it was made without): a query's
        words are analysed the same way (search.query.analyse)."""
        return self._cached("analysis", lambda generation: self.engine.analysis_settings())

    @property
    def generation(self) -> int:
        return self.engine.generation()

    def refresh(self) -> bool:
        """Follow the index to its newest generation; True when there was a new one."""
        if not self.engine.refresh():
            return False
        generation = self.engine.generation()
        with self._lock:
            self._per_generation = {g: v for g, v in self._per_generation.items() if g >= generation - 1}
        return True

    def _cached(self, key: str, make):
        """A value derived from the engine's current generation, made once and shared read-only."""
        generation = self.engine.generation()
        with self._lock:
            per = self._per_generation.setdefault(generation, {})
            if key in per:
                return per[key]
        value = make(generation)
        with self._lock:
            return self._per_generation.setdefault(generation, {}).setdefault(key, value)

    def _has(self, key: str) -> bool:
        """Whether the current generation's value of `key` is made already."""
        with self._lock:
            return key in self._per_generation.get(self.engine.generation(), {})

    def vocabulary_for(self, fields: list[str]) -> Vocabulary:
        """Term membership in `fields` (for compounds and typos), looked up in the engine and remembered
        for the generation."""
        known = self._cached(f"vocabulary:{','.join(fields)}", lambda generation: {})
        return Vocabulary(self.engine.has_terms, fields, known)

    def compound_map(self) -> dict[str, list[str]]:
        return self._cached("compounds", lambda generation: load_compounds(self.engine, self.dir, generation))

    def warm(self) -> None:
        """Load what every search of the current generation shares, so that no visitor's search pays
        for it: the engine's facet columns, sort order and field lengths; the compound map; the word
        list of typo corrections. A long-lived process (the web app) calls it before its first search."""
        warm = getattr(self.engine, "warm", None)
        if warm is not None:
            warm([*(f.field for f in COLUMN_COUNTED), "section_mask", *ranked_fields()])
        self.compound_map()
        prepare_corrections(self.dir)

    def known_values(self, fieldname: str) -> list[str]:
        return self.engine.values(fieldname)

    def search(self, query: str = "", *, registry_file: str | None = None, features=FEATURES, **options) -> Result:
        """Search; `options` are the filters and output options of search.run(). Raises QueryError."""
        request = Request.make(query, registry_file=registry_file or self.registry_file,
                               features=frozenset(features), **options)
        return execute(self, request)

    def show(self, item_id: str) -> ItemView:
        """One whole item; QueryError when no item has that id."""
        return item_view(self.engine, item_id)

    def stats(self) -> Stats:
        """Counts by cluster and year, and when the index was last brought up to date."""
        from dataclasses import replace

        from indexer.health import freshness

        fresh = freshness(self.dir)
        days = None if fresh.days is None else round(fresh.days, 2)
        return replace(stats_of(self.engine), last_reindex=fresh.last_reindex, last_index=fresh.last_index,
                       days_since_update=days)

    def meeting(self, meeting_id: str) -> MeetingView:
        """A meeting's agenda with outcomes, by meeting id or the id of one of its items; QueryError if none."""
        return meeting_view(self.engine, meeting_id)

    def meetings(self, *, year: str | None = None, date_from: str | None = None, date_to: str | None = None,
                 sort: str = "-date", limit: int = 50, page: int = 1, **facets) -> MeetingList:
        """Meetings passing the filters, newest first: `facets` are the meeting facets of indexer.facets
        (cluster=, body=, ...; forgiving names, a value or a list), plus year and a date range."""
        unknown = set(facets) - {f.name for f in MEETING_FACETS}
        if unknown:
            raise QueryError(f"meetings cannot be filtered by {', '.join(sorted(unknown))}", "not_a_meeting_filter",
                             field=sorted(unknown)[0])
        if not any(facets.values()) and not (year or date_from or date_to) and not self._has("meetings"):
            listing = list_page(self.dir, self.engine.generation(), sort=sort, limit=limit, page=page)
            if listing is not None:
                return listing
        table = self._meeting_table()
        names = {}
        for facet in MEETING_FACETS:
            wanted = facets.get(facet.name)
            if wanted:
                wanted = [wanted] if isinstance(wanted, str) else list(wanted)
                known = {r.get(facet.field) for r in table.values()} - {None}
                names[facet.field] = resolve_names(facet, wanted, known, self.registry_file)
        return list_meetings(table, names=names, year=year, date_from=date_from, date_to=date_to, sort=sort,
                             limit=limit, page=page)

    def bodies(self) -> list:
        """Every body that met (search.result.BodyRow), by municipality, then name: what `meetings(body=)`
        and the web's body pages take."""
        return list_bodies(self._meeting_table())

    def _meeting_table(self) -> dict[str, dict]:
        return self._cached("meetings", lambda generation: load_table(self.engine, self.dir, generation))

    def case(self, item_or_number: str) -> CaseView:
        """Every appearance of an item's case (or of a case number), by date; QueryError if none."""
        return case_view(self.engine, item_or_number)

    def source(self, item_id: str, choice: int | None = None) -> Source:
        """The file (and page) `referat open` opens for an item."""
        return source_of(self.engine, item_id, choice)

    def attachment(self, item_id: str, number: int, page: int | None = None) -> Source:
        """An item's attachment `number` (its Bilag N) as `referat open --attachment` opens it, at `page`."""
        return attachment_of(self.engine, item_id, number, page)


def open(index_dir: str | os.PathLike, *, registry_file: str | None = None) -> Index:
    """Open the index at `index_dir` for searching; raises IndexMissing when there is none."""
    return Index(index_dir, registry_file=registry_file)
