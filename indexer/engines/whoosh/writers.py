"""Whoosh's writers, faster and with two repairs a live index needs.

Postings are gathered in memory and written in bulk (postings.py): Whoosh's segment files, through
referat's codec (codec.py: the text postings once, in the flat postings), without Whoosh's own posting
pipeline, which was three quarters of an index build.

Old files are removed after a grace period: Whoosh deletes the files of the generation a commit
replaces at once, while a search of that generation may not have opened them yet (Whoosh opens a
segment's columns lazily), and such a search then fails. Here a replaced generation's table of contents
and segment files stay until GRACE_SECONDS after it was replaced.

The parallel writer forks its workers per batch of buffered documents, a batch as big as the run's
memory budget allows (nothing is pickled to them), and fails loudly: in Whoosh's own, a worker that
raised (a full disk while writing its segment) printed a traceback and exited, and the parent committed
without that worker's documents. Here a worker reports its error to the parent instead, and the parent
refuses to commit unless every worker delivered its segments; the run then ends with the worker's
error, the index as it was.
"""
from __future__ import annotations

import errno
import multiprocessing
import os
import time
from collections import Counter
from contextlib import suppress
from itertools import pairwise
from typing import Any

from whoosh.index import TOC
from whoosh.writing import SegmentWriter

from corpus import faults

from ...memory import document_bytes
from ...written_words import Edges, WrittenWords
from .codec import FlatCodec
from .flat import EXTENSION as FLAT_EXTENSION
from .flat import FlatWriter
from .postings import Postings, kind_of
from .private import finalize_segment, segment_pattern, toc_pattern

GRACE_SECONDS = 600


def clean_files(storage, indexname: str, generation: int, segments) -> None:
    """Remove the tables of contents replaced more than GRACE_SECONDS ago and every segment file that
    no remaining table of contents names (Whoosh's clean_files, with the grace period)."""
    now = time.time()
    tocs: dict[int, float] = {}
    for name in storage:
        match = toc_pattern(indexname).match(name)
        if match:
            tocs[int(match.group(1))] = storage.file_modified(name)
    newer = sorted(tocs)
    keep = {generation}
    for older, replaced_by in pairwise(newer):
        if older < generation and now - tocs[replaced_by] < GRACE_SECONDS:
            keep.add(older)
    wanted = {s.segment_id() for s in segments}
    for kept in keep - {generation}:
        try:
            wanted |= {s.segment_id() for s in TOC.read(storage, indexname, kept).segments}
        except Exception:  # an unreadable old table of contents: its files go with it
            keep.discard(kept)
    segment_file = segment_pattern(indexname)
    for name in list(storage):
        toc = toc_pattern(indexname).match(name)
        seg = segment_file.match(name)
        if (toc and int(toc.group(1)) not in keep) or (not toc and seg and seg.group(1) not in wanted):
            with suppress(OSError):
                storage.delete_file(name)


class _GraceCommit:
    # Given by the Whoosh writer this is mixed into.
    schema: Any
    storage: Any
    indexname: str
    generation: int

    def _commit_toc(self, segments) -> None:
        TOC(self.schema, segments, self.generation).write(self.storage, self.indexname)
        clean_files(self.storage, self.indexname, self.generation, segments)


class Writer(_GraceCommit, SegmentWriter):
    """Whoosh's single-process writer, its posting pipeline replaced by postings.py: the same
    segment files, written in bulk."""

    def __init__(self, ix, **kwargs):
        kwargs.setdefault("codec", FlatCodec())  # one copy of the text postings, smaller stored fields
        super().__init__(ix, **kwargs)
        self.postings = Postings()
        odd = [name for name, field in self.schema.items() if field.vector or field.separate_spelling()]
        if odd:
            raise ValueError(f"fields with vectors or spelling are not supported: {', '.join(odd)}")
        self._kinds = {name: kind_of(field) for name, field in self.schema.items()}
        self.words: WrittenWords | None = None  # the spelling list's words, counted on the way (count_words)

    def add_document(self, **fields) -> None:
        """Whoosh's add_document (stored values, lengths, columns through its per-document writer), with
        the postings gathered in memory."""
        self._check_state()
        perdoc, schema, docnum, postings = self.perdocwriter, self.schema, self.docnum, self.postings
        docboost = self._doc_boost(fields)
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, names)
        words, texts = self.words.document(fields) if self.words is not None else (None, [])
        analysed: list[str] = []
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    boost = self._field_boost(fields, name, docboost)
                    kind = self._kinds[name] if isinstance(value, str) else None
                    if kind == "text":
                        into = words if words is not None and value in texts else None
                        length = postings.add_text(name, field, value, docnum, boost, into)
                        if into is not None:
                            analysed.append(value)
                    elif kind == "id":
                        postings.add_id(name, field, value, docnum, boost)
                    else:
                        for btext, freq, weight, vbytes in field.index(value):
                            postings.add(name, btext, docnum, weight * boost, vbytes)
                            length += freq
                    if not field.scorable:
                        length = 0
                    elif length:
                        postings.set_length(name, docnum, length)
                perdoc.add_field(name, field, value if field.stored else None, length)
                if field.column_type:
                    perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        except Exception:
            perdoc.cancel_doc()
            raise
        if self.words is not None:
            self.words.analysed(texts, analysed)
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def add_postings_to_pool(self, reader, startdoc, docmap) -> None:
        add = self.postings.add
        for fieldname, btext, docnum, weight, value in self._process_posts(reader.iter_postings(), startdoc, docmap):
            add(fieldname, btext, docnum, weight, value)

    def add_reader(self, reader) -> None:
        """A segment merged in (Whoosh's merge policy): its field lengths are read for the block bounds."""
        start = self.docnum
        super().add_reader(reader)
        scorable = [name for name, field in self.schema.items() if field.scorable]
        for new, old in zip(range(start, self.docnum), reader.all_doc_ids(), strict=True):
            for name in scorable:
                length = reader.doc_field_length(old, name)
                if length:
                    self.postings.set_length(name, new, length)

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        flat = FlatWriter()
        self.postings.write(self.fieldwriter, self.schema, flat)
        self.fieldwriter.close()
        out = self.newsegment.create_file(self.storage, FLAT_EXTENSION)
        try:
            flat.write(out)
        finally:
            out.close()


class WorkerFailed:
    """Sent by a failed worker in place of its segments."""

    def __init__(self, exc: BaseException):
        self.errno = getattr(exc, "errno", None) or errno.EIO
        self.strerror = getattr(exc, "strerror", None) or f"{type(exc).__name__}: {exc}"
        self.filename = getattr(exc, "filename", None)


SEGMENT_DOCS = 50_000  # documents per segment a worker writes: bounds the postings held in memory


class ParallelWriter(Writer):
    """Documents are buffered, and written in batches by `procs` forked worker processes (or, with one,
    in this process), each a contiguous share of the batch into segments of its own. A batch is written
    when the buffered documents' estimated size (indexer.memory) would pass `budget` bytes, and at the
    commit: the run's memory follows the budget, not the size of the run. The documents are in the
    workers' memory already, so nothing is pickled on the way; a worker sends back only its segments'
    descriptions. The parent holds the locks, applies the deletions, merges small segments and commits
    the segments of every batch in one table of contents, and only if every worker delivered: a worker
    that fails reports its error, and the run ends with it, the index as it was. Until then the batches'
    segment files are named by no table of contents (a killed run's are removed by the next run).
    """

    def __init__(self, ix, procs: int, budget: int | None = None, **kwargs):
        super().__init__(ix, **kwargs)
        self.ix, self.procs, self.budget, self.subargs = ix, procs, budget, {**kwargs, "_lk": False}
        self.buffered: list[dict] = []
        self.buffered_bytes = 0
        self.written: list = []  # the segments of the batches written so far
        self.batches = 0
        self.counted: tuple[str, ...] = ()  # text fields whose terms the workers count (count_terms)
        self.term_counts: Counter = Counter()
        self.count_words = False  # the workers count the spelling list's words (indexer.written_words)
        self.word_shares: list[tuple[Counter, Edges]] = []
        self.tasks: list = []

    def add_document(self, **fields) -> None:
        self._check_state()
        size = document_bytes(fields)
        if self.buffered and self.budget is not None and self.buffered_bytes + size > self.budget:
            self.flush_batch()
        self.buffered.append(fields)
        self.buffered_bytes += size

    def flush_batch(self) -> None:
        """Write the buffered documents to new segments, uncommitted, and let them go."""
        if not self.buffered:
            return
        for segments, counts, words in self._write_shares():
            self.written += segments
            self.term_counts.update(counts)
            if words is not None:
                self.word_shares.append(words)
        self.buffered, self.buffered_bytes = [], 0
        self.batches += 1
        faults.point("writer-batch")

    def commit(self, mergetype=None, optimize=None, merge=None) -> None:
        self._check_state()
        if self.buffered:
            self.flush_batch()
        segments = self._merge_segments(mergetype, optimize, merge)
        if self._added:
            segments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(segments + self.written)
        self._finish()

    def _write_shares(self) -> list[tuple[list, Counter, tuple[Counter, Edges] | None]]:
        if self.procs < 2:
            return [_write_docs(self.ix, self.subargs, self.buffered, 0, len(self.buffered), self.counted,
                                self.count_words)]
        context = multiprocessing.get_context("fork")
        size = -(-len(self.buffered) // self.procs)
        tasks, pipes = [], []
        for start in range(0, len(self.buffered), size):
            receive, send = context.Pipe(duplex=False)
            task = context.Process(target=_write_share, args=(self.ix, self.subargs, self.buffered, start,
                                                              start + size, self.counted, self.count_words, send),
                                   daemon=True)
            task.start()
            send.close()
            self.tasks.append(task)
            tasks.append(task)
            pipes.append(receive)
        faults.point("parallel-writer")
        shares = []
        for task, pipe in zip(tasks, pipes, strict=True):
            try:
                result = pipe.recv()
            except EOFError:
                result = None
            task.join()
            if isinstance(result, WorkerFailed):
                raise OSError(result.errno, result.strerror, result.filename)
            if result is None or task.exitcode != 0:
                raise OSError(errno.EIO, f"a worker of the parallel writer ended with exit code {task.exitcode}; "
                                         f"nothing was committed")
            shares.append(result)
        self.tasks = [task for task in self.tasks if task not in tasks]
        return shares


def _write_docs(ix, subargs: dict, docs: list[dict], start: int, stop: int, counted: tuple[str, ...] = (),
                count_words: bool = False) -> tuple[list, Counter, tuple[Counter, Edges] | None]:
    """Documents start..stop into segments of at most SEGMENT_DOCS each: their descriptions, the term
    counts of the fields `counted` (Postings.count_documents) taken from the postings on the way, and
    with `count_words` the spelling list's words (indexer.written_words) their analysis found."""
    segments = []
    counts: Counter = Counter()
    words = WrittenWords() if count_words else None
    for first in range(start, stop, SEGMENT_DOCS):
        writer = Writer(ix, **subargs)
        writer.words = words
        for doc in docs[first:min(stop, first + SEGMENT_DOCS)]:
            writer.add_document(**doc)
        writer.postings.count_documents(counted, counts)
        segments.append(finalize_segment(writer))
    return segments, counts, words.shares() if words is not None else None


def _write_share(ix, subargs: dict, docs: list[dict], start: int, stop: int, counted: tuple[str, ...],
                 count_words: bool, pipe) -> None:
    """In a worker: documents start..stop into segments (`_write_docs`), sent to the parent with their
    term and word counts."""
    try:
        faults.point("parallel-worker")
        pipe.send(_write_docs(ix, subargs, docs, start, stop, counted, count_words))
    except BaseException as exc:  # any failure goes to the parent, which stops the commit
        pipe.send(WorkerFailed(exc))
        pipe.close()
        os._exit(1)
