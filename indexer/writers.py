"""Whoosh's writers with two repairs a live index needs.

Old files are removed after a grace period: Whoosh deletes the files of the generation a commit
replaces at once, while a search of that generation may not have opened them yet (Whoosh opens a
segment's columns lazily), and such a search then fails. Here a replaced generation's table of contents
and segment files stay until GRACE_SECONDS after it was replaced.

The multiprocess writer fails loudly: in Whoosh's own, a worker that raises (a full disk while writing
its segment) prints a traceback and exits, and the parent commits without that worker's documents:
items are lost without a word. Here a worker reports its error to the parent instead, and the parent
refuses to commit unless every worker delivered its segment; the run then ends with the worker's
error, the index as it was.
"""
from __future__ import annotations

import errno
import os
import pickle
import queue
import time
from itertools import pairwise

from whoosh.index import TOC
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.util import random_name
from whoosh.writing import SegmentWriter

from corpus import faults

GRACE_SECONDS = 600


def clean_files(storage, indexname: str, generation: int, segments) -> None:
    """Remove the tables of contents replaced more than GRACE_SECONDS ago and every segment file that
    no remaining table of contents names (Whoosh's clean_files, with the grace period)."""
    now = time.time()
    tocs: dict[int, float] = {}
    for name in storage:
        match = TOC._pattern(indexname).match(name)
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
        except Exception:  # noqa: BLE001 -- an unreadable old table of contents: its files go with it
            keep.discard(kept)
    segment_file = TOC._segment_pattern(indexname)
    for name in list(storage):
        toc = TOC._pattern(indexname).match(name)
        seg = segment_file.match(name)
        if (toc and int(toc.group(1)) not in keep) or (not toc and seg and seg.group(1) not in wanted):
            try:
                storage.delete_file(name)
            except OSError:
                pass


class _GraceCommit:
    def _commit_toc(self, segments) -> None:
        TOC(self.schema, segments, self.generation).write(self.storage, self.indexname)
        clean_files(self.storage, self.indexname, self.generation, segments)


class Writer(_GraceCommit, SegmentWriter):
    """Whoosh's single-process writer."""


class WorkerFailed:
    """Sent by a failed worker in place of its segment."""

    def __init__(self, exc: BaseException):
        self.errno = getattr(exc, "errno", None) or errno.EIO
        self.strerror = getattr(exc, "strerror", None) or f"{type(exc).__name__}: {exc}"
        self.filename = getattr(exc, "filename", None)


class _Task(SubWriterTask):
    def run(self) -> None:
        try:
            faults.point("parallel-worker")
            super().run()
        except BaseException as exc:  # noqa: BLE001 -- any failure goes to the parent, which stops the commit
            self.resultqueue.put((None, None, WorkerFailed(exc)))
            self.resultqueue.close()
            self.resultqueue.join_thread()
            os._exit(1)


class ParallelWriter(_GraceCommit, MpWriter):
    def _new_task(self):
        task = _Task(self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs,
                     self.multisegment)
        self.tasks.append(task)
        task.start()
        return task

    def _enqueue(self) -> None:
        """Whoosh's, except that a full job queue is waited on while the workers live, not forever."""
        filename = f"{random_name()}.doclist"
        with self.temp_storage().create_file(filename).raw_file() as f:
            for item in self.docbuffer:
                pickle.dump(item, f, 2)
        if len(self.tasks) < self.procs:
            self._new_task()
        job = (filename, len(self.docbuffer))
        while True:
            try:
                self.jobqueue.put(job, timeout=0.5)
                break
            except queue.Full:
                self._check_workers()
        self.docbuffer = []

    def commit(self, *args, **kwargs) -> None:
        self._check_workers()
        super().commit(*args, **kwargs)

    def _check_workers(self) -> None:
        if all(t.is_alive() or t.exitcode == 0 for t in self.tasks):
            return
        try:
            while True:
                failure = self.resultqueue.get(timeout=1)[2]
                if isinstance(failure, WorkerFailed):
                    raise OSError(failure.errno, failure.strerror, failure.filename)
        except queue.Empty:
            pass
        raise OSError(errno.EIO, "a worker of the parallel writer died; nothing was committed")

    def _commit_toc(self, segments) -> None:
        for segment in segments:
            if isinstance(segment, WorkerFailed):
                raise OSError(segment.errno, segment.strerror, segment.filename)
        lost = [t for t in self.tasks if t.exitcode != 0]
        if lost:
            raise OSError(errno.EIO, f"a worker of the parallel writer ended with exit code {lost[0].exitcode}; "
                                     f"nothing was committed")
        super()._commit_toc(segments)
