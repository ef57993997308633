"""Bring the index in line with files on disk: `build()` (referat index) and `reindex()` (the nightly job).

Both run the same pass: scan, decide per file, parse, then one writer and one commit. Nothing is visible
to searchers until that commit, and Whoosh commits by renaming a new table of contents into place, so
a run killed at any moment leaves the previous index intact; a file that fails to read keeps its items.
"""
from __future__ import annotations

import hashlib
import os
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as windex
from whoosh.index import LockError

import corpus
from corpus import Meeting, ReadError

from . import faults
from .compounds import save_map as save_compounds
from .facets import stored_values
from .lock import IndexLocked, WriterLock, describe_holder, hold_descriptor, release_descriptor
from .meetings import MergedItem, MergedMeeting, merge
from .plan import plan
from .spelling import add_words as add_spelling_words
from .spelling import meeting_words
from .schema import SCHEMA_VERSION, SECTION_FIELDS, build_schema, pack_sections, section_mask
from .state import FileState, load_state, save_state
from .store import (IndexMissing, IndexWriteFailed, Interrupted, has_index, open_index, os_error_text, read_meta,
                    write_meta)


@dataclass
class BuildReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    items: int = 0  # items written: those of every meeting the run touched, each once however many copies
    meetings: int = 0  # meetings written
    copies: list[str] = field(default_factory=list)  # files that are copies of meetings already indexed
    removed_items: int = 0
    new_items: list[str] = field(default_factory=list)  # ids of items new or changed in this run
    warnings: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    committed: bool = False  # this run's new generation became current

    @property
    def files(self) -> int:
        return len(self.added) + len(self.updated)


def item_documents(meeting: Meeting) -> list[dict]:
    """The Whoosh documents of one document read alone, one per agenda item (see merged_documents)."""
    return merged_documents(merge([meeting]))


FORMALITY_BOOST = 0.5  # a formality's words weigh half: it ranks below substantive items that match as well


def merged_documents(meeting: MergedMeeting) -> list[dict]:
    """The Whoosh documents of one meeting, one per merged agenda item; its path and position are
    the primary source's (the version whose text it shows)."""
    return [_document(meeting, merged) for merged in meeting.items]


def _document(meeting: MergedMeeting, merged: MergedItem) -> dict:
    m, item, primary = meeting.meeting, merged.item, merged.primary
    sections = item.section_map()
    doc = dict(
        id=merged.id,
        path=primary.path,
        content_hash=primary.content_hash,
        digest=merged.digest,
        position=primary.position,
        order=f"{item.position:05d}",
        number=item.number,
        title=item.title,
        time=item.time,
        presenter=item.presenter,
        sections=",".join(name for name in sections if sections[name]),
        section_mask=section_mask([name for name in sections if sections[name]]),
        participants="\n".join(m.participants),
        content=pack_sections(sections),
        meeting=meeting.id,
        sources=[s.to_list() for s in merged.sources],
        versions=",".join(merged.versions),
    )
    if item.case_numbers:
        doc["case_numbers"] = ",".join(item.case_numbers)
    if merged.cases:
        doc["cases"] = ",".join(merged.cases)
    if merged.formality:
        doc["formality"] = merged.formality
        doc["_boost"] = FORMALITY_BOOST
    if m.ocr:
        doc["ocr"] = item.title + "\n" + "\n".join(sections.values())
    for name in SECTION_FIELDS:
        if sections.get(name):
            doc[name] = sections[name]
    if m.date:
        doc["date"] = m.date
    doc.update(stored_values(m, item))
    return doc


def _open(index_dir: Path, create: bool, report: BuildReport, analysis: dict | None = None):
    """The index to write, and whether it is new: a missing index is created (by `index`), a damaged
    one or one of an older schema is started afresh (its files are then indexed again from scratch)."""
    if has_index(index_dir):
        try:
            if read_meta(index_dir).get("schema") == SCHEMA_VERSION:
                return open_index(index_dir), False
            report.warnings.append((str(index_dir), "index written by an older referat; rebuilding it from scratch"))
        except IndexMissing as exc:
            if not create:
                raise
            report.warnings.append((str(index_dir), f"{exc}; starting a new index there"))
    elif not create:
        raise IndexMissing(f"no index at {index_dir}; build one with: referat index --index {index_dir} FOLDER")
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = windex.create_in(str(index_dir), build_schema(**(analysis or {})))
    write_meta(index_dir, {**read_meta(index_dir), "schema": SCHEMA_VERSION})
    return ix, True


def build(
    index_dir: str | os.PathLike,
    paths: list[str | os.PathLike],
    *,
    registry_file: str | None = None,
    progress: Callable[[Path], None] | None = None,
    analysis: dict | None = None,
) -> BuildReport:
    """Index every supported file under `paths` (creating the index); re-indexing a file replaces its items.

    `analysis` (fold=, exceptions=) applies when the index is created, and stays with it.
    """
    return _sync(Path(index_dir), [Path(p) for p in paths], force=True, prune=False, create=True,
                 registry_file=registry_file, progress=progress, analysis=analysis)


def reindex(
    index_dir: str | os.PathLike,
    paths: list[str | os.PathLike] | None = None,
    *,
    registry_file: str | None = None,
    progress: Callable[[Path], None] | None = None,
) -> BuildReport:
    """Bring the index up to date with the recorded roots (or `paths`): new, changed and deleted files.

    Changes are found by content hash. Raises IndexMissing without an index, IndexLocked while another
    run writes it.
    """
    index_dir = Path(index_dir)
    if not has_index(index_dir):
        raise IndexMissing(f"no index at {index_dir}; build one with: referat index --index {index_dir} FOLDER")
    roots = [Path(p) for p in paths] if paths else [Path(r) for r in read_meta(index_dir).get("roots", [])]
    return _sync(index_dir, roots, force=False, prune=True, create=False, registry_file=registry_file,
                 progress=progress)


PARALLEL_MIN_FILES = 200  # below this, starting sub-writers costs more than it saves
WRITER_MB = 256  # per writer process: the memory bound of Whoosh's posting pool


def _writer(ix, files: int):
    """Whoosh's multiprocess writer for big batches (analysis on every core), the plain one otherwise.

    Sub-writers each add their own segment (multisegment=True): Whoosh's merging variant is known to
    crash with procs > 1.
    """
    procs = os.cpu_count() or 1
    if procs > 1 and files >= PARALLEL_MIN_FILES:
        return ix.writer(procs=procs, multisegment=True, limitmb=WRITER_MB, batchsize=200, compound=False)
    return ix.writer(limitmb=WRITER_MB, compound=False)


@contextmanager
def _writing(ix, index_dir: Path, files: int) -> Iterator:
    """A writer that commits when the block ends and otherwise cancels, its worker processes with it.

    Whoosh's own cancel only flags its workers in the parent's memory: a worker blocked on the job queue
    would live on, so they are killed here. Whoosh's WRITELOCK descriptor is registered so that forked
    workers close it (see indexer.lock).
    """
    try:
        writer = _writer(ix, files)
    except LockError:
        who = describe_holder(index_dir / "WRITELOCK")
        raise IndexLocked(f"another process ({who}) holds Whoosh's write lock of the index at {index_dir}") from None
    lock_fd = getattr(getattr(writer, "writelock", None), "fd", None)
    if lock_fd is not None:
        hold_descriptor(lock_fd)
    try:
        try:
            yield writer
            faults.point("before-commit")
            writer.commit()
        except BaseException:
            _stop_workers(writer)
            raise
    finally:
        if lock_fd is not None:
            release_descriptor(lock_fd)


def _stop_workers(writer) -> None:
    for task in getattr(writer, "tasks", []):
        if task.is_alive():
            task.kill()
        task.join()
    for queue in (getattr(writer, "jobqueue", None), getattr(writer, "resultqueue", None)):
        if queue is not None:
            queue.cancel_join_thread()
    with suppress(OSError, ValueError):  # a writer stopped in the middle of its commit has little left to cancel
        writer.cancel()


def _under(path: str, root: Path) -> bool:
    root_s = str(root)
    return path == root_s or path.startswith(root_s.rstrip(os.sep) + os.sep)


def _sync(index_dir: Path, roots: list[Path], *, force: bool, prune: bool, create: bool,
          registry_file: str | None, progress, analysis: dict | None = None) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport()
    try:
        _locked_sync(index_dir, roots, report, force=force, prune=prune, create=create,
                     registry_file=registry_file, progress=progress, analysis=analysis)
    except OSError as exc:
        if report.committed:
            after = ("the index was updated, but not all of its side files were written: "
                     "the next reindex completes them and reports this run's saved-search matches")
        else:
            after = "nothing was committed, the index is as it was before this run"
        raise IndexWriteFailed(f"{os_error_text(exc, index_dir)}; {after}") from None
    except KeyboardInterrupt as exc:
        raise Interrupted(getattr(exc, "signum", signal.SIGINT), report.committed) from None
    report.seconds = time.perf_counter() - started
    return report


def _locked_sync(index_dir: Path, roots: list[Path], report: BuildReport, *, force: bool, prune: bool,
                 create: bool, registry_file: str | None, progress, analysis: dict | None) -> None:
    with WriterLock(index_dir):
        ix, fresh = _open(index_dir, create, report, analysis)
        state, cache_valid = ({}, False) if fresh else load_state(ix, index_dir)
        if fresh and not create:
            force = True  # an outdated index was started afresh: every file is indexed again
        todo, seen, scanned = _scan(roots, state, force, report)
        removed = [p for p in state if prune and p not in seen and any(_under(p, r) for r in scanned)]
        if todo or removed:
            _write(ix, index_dir, todo, removed, state, registry_file, progress, report)
            save_state(ix.refresh(), index_dir, state)
            save_compounds(ix.refresh(), index_dir)
        elif not cache_valid:
            save_state(ix, index_dir, state)
        meta = read_meta(index_dir)
        recorded = meta.get("roots", [])
        if any(str(r) not in recorded for r in scanned):
            meta["roots"] = recorded + [str(r) for r in scanned if str(r) not in recorded]
            write_meta(index_dir, meta)


def _scan(roots: list[Path], state: dict[str, FileState], force: bool,
          report: BuildReport) -> tuple[list[str], set[str], list[Path]]:
    """Files to (re)index, every file seen, and the roots that exist; unchanged files are counted."""
    todo: list[str] = []
    seen: set[str] = set()
    scanned: list[Path] = []
    for root in roots:
        if not root.exists():
            report.failed.append((str(root), "no such file or directory (its indexed items are kept)"))
            continue
        scanned.append(root.resolve())
        for f in corpus.iter_files([root]):
            if f.suffix.lower() not in corpus.SUPPORTED_SUFFIXES:
                report.skipped.append((str(f), f"not a minutes file ({f.suffix or 'no suffix'})"))
                continue
            path = str(f.resolve())
            if path in seen:
                continue
            seen.add(path)
            if not force and path in state:
                try:
                    if hashlib.sha256(f.read_bytes()).hexdigest() == state[path].hash:
                        report.unchanged += 1
                        continue
                except OSError:
                    pass  # reported when the file is read for indexing
            todo.append(path)
    return todo, seen, scanned


def _write(ix, index_dir: Path, todo: list[str], removed: list[str], state: dict[str, FileState],
           registry_file: str | None, progress, report: BuildReport) -> None:
    """One writer, one commit: the meetings the touched files belong to (before or after) are deleted
    and written again from all their documents (indexer.plan)."""
    vocabulary: Counter[str] = Counter()

    def read(path: str, touched: bool) -> Meeting | None:
        if touched and progress:
            progress(Path(path))
        kept = " (its indexed items are kept)" if path in state else ""
        try:
            meeting = corpus.read_bytes(path, Path(path).read_bytes(), registry_file)
        except OSError as exc:
            report.failed.append((path, f"cannot read file: {exc.strerror or exc}{kept}"))
            return None
        except ReadError as exc:
            report.failed.append((path, f"{exc}{kept}"))
            return None
        if touched:
            vocabulary.update(meeting_words(meeting))
            report.warnings += [(path, w) for w in meeting.warnings]
        return meeting

    planned = plan(todo, removed, state, read)
    before: dict[str, str] = {}
    with ix.searcher() as searcher:
        for mid in planned.stale:
            before.update((d["id"], d.get("digest")) for d in searcher.documents(meeting=mid))
    written: set[str] = set()
    with _writing(ix, index_dir, len(todo)) as writer:
        for mid in planned.stale:
            writer.delete_by_term("meeting", mid)
        for meeting in planned.meetings:
            if getattr(writer, "tasks", None):
                faults.point("parallel-writer")
            writer.delete_by_term("meeting", meeting.id)
            for doc in merged_documents(meeting):
                writer.add_document(**doc)
                written.add(doc["id"])
                if before.get(doc["id"]) != doc["digest"]:
                    report.new_items.append(doc["id"])
            report.items += len(meeting.items)
        report.meetings = len(planned.meetings)
    report.committed = True
    faults.point("after-commit")
    report.removed_items = len(set(before) - written)
    for path in planned.read:
        if path in planned.files:
            (report.updated if path in state else report.added).append(path)
        else:
            report.warnings.append((path, "not indexed yet: another file of its meeting cannot be read"))
    report.copies = planned.copies
    for path in removed:
        del state[path]
    state.update(planned.files)
    report.removed = removed
    add_spelling_words(index_dir, vocabulary)
