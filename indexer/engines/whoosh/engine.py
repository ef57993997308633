"""The Whoosh engine's WriteEngine: an index's items in Whoosh segment files in the index folder itself.

Whoosh commits by renaming a new table of contents into place, so a run killed at any moment leaves the
previous generation intact. A rebuild (an index of an older schema, or a damaged one) is written in
STAGING_DIR beside the live index and swapped in by its commit, so that searches see the old index
until the new one is complete.
"""
from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError

from corpus import faults

from ...build import PARALLEL_MIN_FILES, usable_cores
from ...engine import EngineConfig
from ...lock import IndexLocked, describe_holder, hold_descriptor, release_descriptor
from ...memory import writer_bytes
from ...store import STAGING_DIR, fsync_dir
from ...written_words import joined
from .private import INDEX_NAME, current_segments, latest_generation, segment_pattern, toc_filename
from .schema import analysis_settings, build_schema
from .store import has_toc, open_index
from .writers import ParallelWriter, Writer, clean_files


class WhooshWriteEngine:
    """indexer.engine.WriteEngine over a Whoosh index in the index folder."""

    name = "whoosh"

    def __init__(self, index_dir: str | os.PathLike, config: EngineConfig | None = None):
        self.dir = Path(index_dir)
        self.config = config or EngineConfig()
        self._live: windex.FileIndex | None = None
        # The rebuild being written in STAGING_DIR, until its commit swaps it in.
        self._staged: windex.FileIndex | None = None

    @property
    def ix(self):
        """The Whoosh index being written: the staged rebuild, or the live index at its newest generation."""
        if self._staged is not None:
            return self._staged
        if self._live is None:
            self._live = open_index(self.dir, check_schema=False)
        return self._live

    def exists(self) -> bool:
        return has_toc(self.dir)

    def create(self, analysis: dict | None = None) -> None:
        """A first index in the folder, or (when one is there) an empty one in STAGING_DIR whose commit
        replaces it, its next generation number continuing the live one's."""
        schema = build_schema(**(analysis or {}))
        if not self.exists():
            self.dir.mkdir(parents=True, exist_ok=True)
            self._live = windex.create_in(str(self.dir), schema)
            return
        staging = self.dir / STAGING_DIR
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        storage = FileStorage(str(staging))
        live = latest_generation(FileStorage(str(self.dir)))
        windex.TOC(schema, [], max(live, 0)).write(storage, INDEX_NAME)
        self._staged = windex.FileIndex(storage, schema, INDEX_NAME)

    def generation(self) -> int:
        return self.ix.latest_generation()

    def analysis_settings(self) -> dict:
        return analysis_settings(self.ix.schema)

    def recover(self) -> None:
        """Remove what a writer killed before its commit left: segment files no table of contents names,
        the writer's temporary folder. Whoosh's own lock is taken too (a writer that bypassed referat
        keeps its files)."""
        if self._staged is not None:
            return
        ix = self.ix
        whoosh_lock = ix.lock("WRITELOCK")
        if not whoosh_lock.acquire():
            return
        try:
            clean_files(ix.storage, INDEX_NAME, ix.latest_generation(), current_segments(ix))
            shutil.rmtree(self.dir / f"{INDEX_NAME}.tmp", ignore_errors=True)
        finally:
            whoosh_lock.release()

    @contextmanager
    def writer(self, batch_files: int, memory_mb: int | None = None) -> Iterator[GenerationWriter]:
        """A writer whose worker processes are killed, and whose segments are dropped, when the block ends
        without a commit; with `memory_mb`, it writes its buffered documents in batches within that budget
        (indexer.memory). Whoosh's WRITELOCK descriptor is registered so that forked workers close it
        (see indexer.lock)."""
        ix = self.ix
        try:
            writer = _writer(ix, batch_files, memory_mb)
        except LockError:
            who = describe_holder(self.dir / f"{INDEX_NAME}_WRITELOCK")
            raise IndexLocked(f"another process ({who}) holds Whoosh's write lock of the index at {self.dir}") from None
        lock_fd = getattr(getattr(writer, "writelock", None), "fd", None)
        if lock_fd is not None:
            hold_descriptor(lock_fd)
        generation = GenerationWriter(self, writer)
        try:
            try:
                yield generation
            finally:
                generation.close()
                if not generation.committed:
                    _stop_workers(writer)
        finally:
            if lock_fd is not None:
                release_descriptor(lock_fd)

    def documents(self, field: str, values: Iterable[str]) -> list[dict]:
        with self.ix.searcher() as searcher:
            return [dict(d) for value in values for d in searcher.documents(**{field: value})]

    def all_documents(self) -> Iterator[dict]:
        with self.ix.searcher() as searcher:
            yield from (dict(d) for d in searcher.all_stored_fields())

    def doc_count(self) -> int:
        with self.ix.searcher() as searcher:
            return searcher.doc_count()

    def field_names(self) -> set[str]:
        return set(self.ix.schema.names())

    def close(self) -> None:
        self._live = None

    def _swap_in(self) -> None:
        """Move the committed rebuild into the live folder: its segment files first (new names, so
        searchers of the old index are undisturbed), then its table of contents, whose rename makes the
        new generation current in one step; the old generation's files are removed after."""
        staged, self._staged = self._staged, None
        assert staged is not None, "swapped in only after a rebuild's commit"
        source = Path(staged.storage.folder)
        generation = staged.latest_generation()
        segments = segment_pattern()
        faults.point("rebuild")
        for f in source.iterdir():
            if segments.match(f.name):
                os.replace(f, self.dir / f.name)
        fsync_dir(self.dir)
        toc = toc_filename(generation)
        os.replace(source / toc, self.dir / toc)
        fsync_dir(self.dir)
        shutil.rmtree(source, ignore_errors=True)
        live = FileStorage(str(self.dir))
        clean_files(live, INDEX_NAME, generation, windex.TOC.read(live, INDEX_NAME, generation).segments)
        self._live = None


class GenerationWriter:
    """indexer.engine.GenerationWriter over one Whoosh writer."""

    def __init__(self, engine: WhooshWriteEngine, writer):
        self.engine, self.writer = engine, writer
        self.committed = False
        self._deleting = None  # one searcher of the segments the run started from, for every deletion

    def delete_meeting(self, meeting_id: str) -> None:
        """Whoosh's delete_by_term opens a searcher of every segment for each call unless given one; a
        run deletes every meeting it writes again, so the cost of a small reindex grew with the index."""
        if self._deleting is None:
            self._deleting = self.writer.searcher()
        self.writer.delete_by_term("meeting", meeting_id, searcher=self._deleting)

    def close(self) -> None:
        """The deletions' searcher closed (before the commit, or when the block ends without one)."""
        if self._deleting is not None:
            self._deleting.close()
            self._deleting = None

    def add(self, document: dict) -> None:
        self.writer.add_document(**document)

    @property
    def batches(self) -> int:
        """The batches of documents written to segments so far (one at least, once committed)."""
        return getattr(self.writer, "batches", 1 if self.committed else 0)

    def count_terms(self, fields: tuple[str, ...]) -> bool:
        """indexer.engine.CountsTerms: the parallel writer's workers count them from their postings."""
        if not isinstance(self.writer, ParallelWriter) or self.writer.buffered or self.writer.written:
            return False
        self.writer.counted = tuple(fields)
        return True

    def term_counts(self) -> Counter:
        self.writer.flush_batch()
        return self.writer.term_counts

    def count_words(self) -> bool:
        """indexer.engine.CountsWords: the parallel writer's workers collect them as they analyse."""
        if not isinstance(self.writer, ParallelWriter) or self.writer.buffered or self.writer.written:
            return False
        self.writer.count_words = True
        return True

    def word_counts(self) -> Counter:
        self.writer.flush_batch()
        return joined(self.writer.word_shares)

    def commit(self) -> int:
        self.close()
        self.writer.commit()
        self.committed = True
        if self.engine._staged is not None:
            self.engine._swap_in()
        return self.engine.generation()


def _writer(ix, files: int, memory_mb: int | None = None):
    """The parallel writer for big batches (analysis and writing on every core), the plain one otherwise
    (writers.py); with a memory budget, a writer that writes its documents in batches within it, on every
    core for big runs. Segments are written as separate files: Whoosh's compound file is copied into
    memory whenever a searcher opens it."""
    procs = usable_cores() if files >= PARALLEL_MIN_FILES else 1
    if memory_mb is not None:
        return ParallelWriter(ix, procs=procs, budget=writer_bytes(memory_mb), compound=False)
    if procs > 1:
        return ParallelWriter(ix, procs=procs, compound=False)
    return Writer(ix, compound=False)


def _stop_workers(writer) -> None:
    for task in getattr(writer, "tasks", []):
        if task.is_alive():
            task.kill()
        task.join()
    with suppress(OSError, ValueError):  # a writer stopped in the middle of its commit has little left to cancel
        writer.cancel()
