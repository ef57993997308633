"""The side files of an index generation, derived from what a run writes.

The spelling list (indexer.spelling) with its OCR keys, the term counts and compound lexicon (indexer.compounds) and the
meeting table (indexer.meeting_table) of the generation a run commits are the current generation's
with the run's changes applied: the stored items of the meetings it deletes are subtracted (fetched by
meeting id, a few per changed file) and the items it writes are added, so a run's cost follows what it
changes, never the size of the index, and no side file needs a reader of the engine.

They are written before the commit, stamped with the generation it makes: compounds-N.json and
terms-N.txt under names of their own, spelling.txt and meetings.json as pending copies that are
published after it (a run killed in between leaves them for the next run to publish, and readers take
a pending copy of the current generation meanwhile). Only a side file that is missing or damaged is
derived again from every stored item (`complete`, as `referat check --repair` does).
"""
from __future__ import annotations

import multiprocessing
import os
import signal
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import compounds, meeting_table, spelling
from .meetings import MergedMeeting
from .memory import document_bytes
from .store import fsync_dir


@dataclass
class NextGeneration:
    """The side files of the generation a run is writing, as the run changes them."""

    index_dir: Path
    generation: int  # the generation the run's commit makes
    analyzers: dict  # text field -> its analyzer (indexer.compounds.analyzers_of)
    words: Counter  # spelling: meetings per word
    terms: Counter  # compounds: items per term and text field
    table: dict[str, dict]  # meeting id -> row
    # The documents of each meeting written since the last count: counted, and let go, whenever their
    # estimated size passes `budget` bytes (indexer.memory), and at `save`.
    added: list[list[dict]] = field(default_factory=list)
    budget: int | None = None
    added_bytes: int = 0
    # The writer counts the terms of the documents written (indexer.engine.CountsTerms): `add_terms` takes
    # them, and the documents added are counted for the spelling list alone.
    writer_counts: bool = False
    # The writer counts the spelling list's words too (indexer.engine.CountsWords): `add_words` takes them.
    writer_words: bool = False

    def remove(self, meeting_id: str, stored: list[dict]) -> None:
        """A meeting the run deletes (to write it again, or for good), with its items as stored: counted
        at once, so that a run which replaces many meetings never holds their stored items."""
        self.table.pop(meeting_id, None)
        if stored:
            self.words.subtract(spelling.document_words(stored))
            self.terms.subtract(compounds.count_terms(stored, self.analyzers))

    def add(self, meeting: MergedMeeting, documents: list[dict]) -> None:
        """A meeting the run writes, with the documents it writes for it."""
        self.table[meeting.id] = meeting_table.row(meeting)
        if self.writer_counts and self.writer_words:
            return  # nothing of them left to count here
        self.added.append(documents)
        self.added_bytes += sum(document_bytes(d) for d in documents)
        if self.budget is not None and self.added_bytes > self.budget:
            self._count()

    def add_terms(self, counts: Counter) -> None:
        """The term counts of every document written, as the writer counted them (`writer_counts`)."""
        self.terms.update(counts)

    def add_words(self, counts: Counter) -> None:
        """The spelling list's counts of every document written, as the writer counted them (`writer_words`)."""
        self.words.update(counts)

    def _count(self) -> None:
        words, terms = _counted(self.added, {} if self.writer_counts else self.analyzers, not self.writer_words)
        self.words.update(words)
        self.terms.update(terms)
        self.added, self.added_bytes = [], 0

    def save(self) -> None:
        """Before the commit: the files of the generation it makes."""
        self._count()
        compounds.save(self.index_dir, self.generation, self.terms)
        spelling.save(self.index_dir, self.generation, self.words, pending=True)
        meeting_table.write_table(self.index_dir, self.generation, self.table, pending=True)


PARALLEL_MIN_ITEMS = 2000  # below this, counting on every core costs more than it saves
_SHARED: tuple[list[list[dict]], dict, bool] = ([], {}, True)  # what forked counting workers read (never pickled)


def _counted(meetings: list[list[dict]], analyzers: dict, words: bool = True) -> tuple[Counter, Counter]:
    """(meetings per word, unless not `words`; items per term) of the documents of `meetings`: analysing
    them is most of a run's side-file work, so a big batch is counted on every core, each worker a share
    of the meetings."""
    global _SHARED
    from .build import usable_cores

    procs = usable_cores()
    if procs < 2 or sum(len(docs) for docs in meetings) < PARALLEL_MIN_ITEMS:
        return _count_share(0, len(meetings), meetings, analyzers, words)
    _SHARED = (meetings, analyzers, words)
    try:
        size = -(-len(meetings) // procs)
        with multiprocessing.get_context("fork").Pool(procs, initializer=_worker) as pool:
            shares = pool.starmap(_count_shared, [(start, start + size) for start in range(0, len(meetings), size)])
    finally:
        _SHARED = ([], {}, True)
    counts: Counter[str] = Counter()
    terms: Counter[str] = Counter()
    for share_words, share_terms in shares:
        counts.update(share_words)
        terms.update(share_terms)
    return counts, terms


def _count_share(start: int, stop: int, meetings: list[list[dict]], analyzers: dict,
                 words: bool = True) -> tuple[Counter, Counter]:
    counts: Counter[str] = Counter()
    terms: Counter[str] = Counter()
    for docs in meetings[start:stop]:
        if words:
            counts.update(spelling.document_words(docs))
        compounds.count_terms(docs, analyzers, terms)
    return counts, terms


def _count_shared(start: int, stop: int) -> tuple[Counter, Counter]:
    return _count_share(start, stop, *_SHARED)


def _worker() -> None:
    """A counting worker dies quietly when the pool stops it, not through the CLI's SIGTERM handler."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def next_generation(engine, index_dir: str | os.PathLike, empty: bool = False,
                    budget: int | None = None) -> NextGeneration:
    """The side files of the current generation of `engine` (an indexer.engine.WriteEngine), to be changed
    into the next one's; `empty` for an index written afresh (a rebuild); `budget` (bytes) bounds the
    documents held before they are counted. A file that is missing or damaged
    (a run that failed before writing it, an index written by an older referat) is derived from every stored
    item first."""
    index_dir = Path(index_dir)
    generation = engine.generation()
    analyzers = compounds.analyzers_of(engine.analysis_settings())
    words: Counter[str] | None
    terms: Counter[str] | None
    table: dict[str, dict] | None
    if empty or not engine.doc_count():
        words, terms, table = Counter(), Counter(), {}
    else:
        words = spelling.load_counts(index_dir, generation)
        terms = compounds.load_counts(index_dir, generation)
        table = meeting_table.stored_table(index_dir, generation)
        if words is None or terms is None:
            stored = list(engine.all_documents())
            words = spelling.counts_of(stored) if words is None else words
            terms = compounds.count_terms(stored, analyzers) if terms is None else terms
        if table is None:
            table = meeting_table.table_of(engine.all_documents())
    return NextGeneration(index_dir, generation + 1, analyzers, words, terms, table, budget=budget)


def publish(index_dir: str | os.PathLike, generation: int) -> None:
    """After the commit of `generation`: its pending copies put in place (a pending copy of another
    generation, left by a run that never committed, is removed)."""
    for pending_name, final_name, read in (
            (spelling.OCR_PENDING_FILE, spelling.OCR_FILE,  # before the word list they belong to
             lambda path, generation: spelling.load_keys_file(path, f"{spelling.STAMP}{generation}")),
            (spelling.PENDING_FILE, spelling.SPELLING_FILE, spelling.load_file),
            (meeting_table.PENDING_FILE, meeting_table.TABLE_FILE, meeting_table.read_file)):
        pending = Path(index_dir) / pending_name
        if not pending.exists():
            continue
        if read(pending, generation) is None:
            pending.unlink(missing_ok=True)
            continue
        os.replace(pending, Path(index_dir) / final_name)
        fsync_dir(Path(index_dir))


def complete(engine, index_dir: str | os.PathLike) -> None:
    """Publish what a killed run left pending, and derive again whichever side file of the current
    generation is still missing, damaged or stale."""
    generation = engine.generation()
    publish(index_dir, generation)
    if not compounds.is_sound(index_dir, generation):
        compounds.save_map(engine, index_dir)
    counts = spelling.load_counts(index_dir, generation)
    if counts is None:
        spelling.save(index_dir, generation, spelling.derive(engine))
    elif spelling.load_keys(index_dir, generation) is None:
        spelling.save_keys(index_dir, generation, counts)
    meeting_table.ensure_table(engine, index_dir)
