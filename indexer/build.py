"""Bring the index in line with files on disk: `build()` (referat index) and `reindex()` (the nightly job).

Both run the same pass: scan, decide per file, parse, then one writer and one commit. Nothing is visible
to searchers until that commit, and Whoosh commits by renaming a new table of contents into place, so
a run killed at any moment leaves the previous index intact; a file that fails to read keeps its items.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
import shutil
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from whoosh import index as windex
from whoosh.index import LockError

import corpus
from corpus import Attachment, Meeting, NotAMeeting, ReadError, faults
from corpus.fetch import sources
from corpus.fetch.sources import place_of

from . import outbox, side_files
from .facets import stored_values
from .lock import IndexLocked, WriterLock, describe_holder, hold_descriptor, release_descriptor
from .cases import group_key
from .meetings import MergedItem, MergedMeeting, merge, pack_attachments, pack_sources
from .plan import Plan, plan
from .schema import SCHEMA_VERSION, SECTION_FIELDS, build_schema, pack_sections, section_mask
from .state import FileState, load_state, save_state
from .store import (
    IndexMissing,
    IndexWriteFailed,
    Interrupted,
    fsync_dir,
    has_index,
    open_index,
    os_error_text,
    read_meta,
    write_meta,
)
from .writers import ParallelWriter, Writer, clean_files


@dataclass
class BuildReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    items: int = 0  # items written: those of every meeting the run touched, each once however many copies
    meetings: int = 0  # meetings written
    copies: list[str] = field(default_factory=list)  # files that are other formats or copies of indexed meetings
    removed_items: int = 0
    new_items: list[str] = field(default_factory=list)  # ids of items new or changed in this run
    # Records of the alerts journal (indexer.outbox) to print: this run's, and those of runs killed after
    # recording theirs, before printing them.
    alerts: list[dict] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # Files of a supported kind that hold no meeting (an attachment, a portal's meeting list): skipped,
    # not failed (the CLI's --strict counts them as failures).
    not_meetings: list[tuple[str, str]] = field(default_factory=list)
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
    return [_document(meeting, merged, slot) for slot, merged in enumerate(meeting.items, start=1)]


def _document(meeting: MergedMeeting, merged: MergedItem, slot: int) -> dict:
    m, item, primary = meeting.meeting, merged.item, merged.primary
    sections = item.section_map()
    doc = dict(
        id=merged.id,
        path=primary.path,
        content_hash=primary.content_hash,
        digest=merged.digest,
        position=primary.position,
        order=f"{slot:05d}",
        number=item.number,
        title=item.title,
        time=item.time,
        presenter=item.presenter,
        sections=",".join(name for name in sections if sections[name]),
        section_mask=section_mask([name for name in sections if sections[name]]),
        participants="\n".join(m.participants),
        content=pack_sections(sections),
        meeting=meeting.id,
        sources=pack_sources(merged.sources, primary.path, primary.content_hash),
    )
    if item.attachments:
        doc["attachments"] = pack_attachments(item.attachments)
        text = "\n\n".join(a.text for a in item.attachments if a.pages)
        if text:
            doc["attachment"] = text
    if item.case_numbers:
        doc["case_numbers"] = ",".join(item.case_numbers)
    case = group_key(item.title, item.case_numbers, m.municipality)
    if case:
        doc["case"] = case
    if merged.formality:
        doc["_boost"] = FORMALITY_BOOST
    if m.ocr:
        doc["ocr"] = item.title + "\n" + "\n".join(sections.values())
    for name in SECTION_FIELDS:
        if sections.get(name):
            doc[name] = sections[name]
    if m.date:
        doc["date"] = m.date
    marks = item_marks(item)
    if m.cluster_inferred:
        marks["cluster_inferred"] = True
    if marks:
        doc["marks"] = marks
    doc.update(stored_values(m, item))
    return doc


def item_marks(item) -> dict:
    """The reader's notes on an item that `show` repeats (only those that are set)."""
    marks = {"closed": item.closed, "listed_only": item.listed_only, "group": item.group,
             "warnings": list(item.warnings)}
    return {key: value for key, value in marks.items() if value}


STAGING_DIR = ".rebuild"  # a rebuilt index is written here, beside the live one, then swapped in


def _open(index_dir: Path, create: bool, report: BuildReport, analysis: dict | None = None):
    """(the index to write into, the live index it replaces or None).

    A missing index is created (by `index`). An index of an older schema, or (for `index`) one whose
    table of contents is damaged, is rebuilt beside the live one and swapped in by `_swap_in`, so that
    searches see the old index until the new one is complete. A damaged meta file is an error: the
    index is never rebuilt over because its metadata cannot be read.
    """
    if has_index(index_dir):
        meta = read_meta(index_dir, required=True)
        if meta.get("schema") == SCHEMA_VERSION:
            try:
                return open_index(index_dir), None
            except IndexMissing as exc:
                if not create:
                    raise
                report.warnings.append((str(index_dir), f"{exc}; starting a new index there"))
        else:
            report.warnings.append((str(index_dir), ("index written by an older referat; rebuilding it beside "
                                                     "the live one, which searches use until the new one is complete")))
        return _staging(index_dir, build_schema(**(analysis or {}))), index_dir
    if not create:
        raise IndexMissing(f"no index at {index_dir}; build one with: referat index --index {index_dir} FOLDER")
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = windex.create_in(str(index_dir), build_schema(**(analysis or {})))
    write_meta(index_dir, {"schema": SCHEMA_VERSION})
    return ix, None


def _staging(index_dir: Path, schema):
    """An empty index in STAGING_DIR whose next commit has the live index's next generation number."""
    from whoosh.filedb.filestore import FileStorage

    staging = index_dir / STAGING_DIR
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    storage = FileStorage(str(staging))
    live = windex.TOC._latest_generation(FileStorage(str(index_dir)), windex._DEF_INDEX_NAME)
    windex.TOC(schema, [], max(live, 0)).write(storage, windex._DEF_INDEX_NAME)
    return windex.FileIndex(storage, schema, windex._DEF_INDEX_NAME)


def _swap_in(staging, index_dir: Path):
    """Move a complete rebuilt index into the live directory: its segment files first (new names, so
    searchers of the old index are undisturbed), then its table of contents, whose rename makes the new
    generation current in one step; the old generation's files are removed after."""
    from whoosh.filedb.filestore import FileStorage

    name = windex._DEF_INDEX_NAME
    source = Path(staging.storage.folder)
    generation = staging.latest_generation()
    toc = windex.TOC._filename(name, generation)
    segments = windex.TOC._segment_pattern(name)
    faults.point("rebuild")
    for f in source.iterdir():
        if segments.match(f.name):
            os.replace(f, index_dir / f.name)
    fsync_dir(index_dir)
    os.replace(source / toc, index_dir / toc)
    fsync_dir(index_dir)
    write_meta(index_dir, {**read_meta(index_dir), "schema": SCHEMA_VERSION})
    shutil.rmtree(source, ignore_errors=True)
    live = FileStorage(str(index_dir))
    clean_files(live, name, generation, windex.TOC.read(live, name, generation).segments)
    return windex.open_dir(str(index_dir))


def _stored_digests(index_dir: Path) -> dict[str, str]:
    """id -> digest of every item of the live index, whatever its schema, if it can still be read (so a
    rebuild alerts saved searches only to items that are really new)."""
    try:
        with windex.open_dir(str(index_dir)).searcher() as searcher:
            return {d["id"]: d.get("digest") for d in searcher.all_stored_fields() if "id" in d}
    except Exception:  # noqa: BLE001 -- an index too damaged to read in any way: every item counts as new
        return {}


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
    alerts: Callable[[list[str]], dict[str, list]] | None = None,
) -> BuildReport:
    """Bring the index up to date with the recorded roots (or `paths`): new, changed and deleted files.

    Changes are found by content hash. With `alerts` (item ids -> {saved search: [hit as JSON]}) the run
    owes saved-search alerts for the items new or changed in it, and in earlier runs killed after their
    commit: they are matched once and recorded in the alerts journal exactly once (indexer.outbox).
    `report.alerts` are the records to print (this run's, and any a killed run recorded but never
    printed), `report.new_items` every item this run's record covers. Raises IndexMissing without an
    index, IndexLocked while another run writes it.
    """
    index_dir = Path(index_dir)
    if not has_index(index_dir):
        raise IndexMissing(f"no index at {index_dir}; build one with: referat index --index {index_dir} FOLDER")
    roots = [Path(p) for p in paths] if paths else [Path(r) for r in read_meta(index_dir).get("roots", [])]
    return _sync(index_dir, roots, force=False, prune=True, create=False, registry_file=registry_file,
                 progress=progress, alerts=alerts)


PARALLEL_MIN_FILES = 200  # below this, parsing and writing on every core costs more than it saves


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity where the system tells it (a container or
    `taskset` may allow fewer than the machine has)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def _writer(ix, files: int):
    """The parallel writer for big batches (analysis and writing on every core), the plain one otherwise
    (indexer.writers). Segments are written as separate files: Whoosh's compound file is copied into
    memory whenever a searcher opens it."""
    procs = usable_cores()
    if procs > 1 and files >= PARALLEL_MIN_FILES:
        return ParallelWriter(ix, procs=procs, compound=False)
    return Writer(ix, compound=False)


Places = tuple[tuple[str, str], ...]  # (folder, municipality) of the registered sources (corpus.fetch.places)


def _parse(path: str, registry_file: str | None, places: Places = ()) -> Meeting | Attachment | str:
    """One file read (a meeting, or an attachment), or why it cannot be (a one-line message); a file in a
    source's folder is read as that source's municipality's."""
    try:
        return corpus.read_document(path, Path(path).read_bytes(), registry_file, place_of(path, places))
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}"
    except NotAMeeting as exc:
        return NotMeeting(exc)
    except ReadError as exc:
        return str(exc)


class NotMeeting(str):
    """Why a file holds no meeting (corpus.NotAMeeting), as `_parse` returns it."""


@contextmanager
def _parsing(paths: list[str], registry_file: str | None,
             places: Places) -> Iterator[Callable[[str], Meeting | Attachment | str]]:
    """`parsed(path)` for each of `paths` in their order, read ahead on every core for big batches.

    The plan holds every document before the writer starts (meetings merge across files), so parsing
    no longer overlaps the writer's analysis; done in one process it was a third of a full build.
    Workers are forked before the plan's documents pile up, and stopped when the block ends.
    """
    procs = usable_cores()
    if procs < 2 or len(paths) < PARALLEL_MIN_FILES:
        yield lambda path: _parse(path, registry_file, places)
        return
    pool = multiprocessing.get_context("fork").Pool(procs, initializer=_parse_worker)
    try:
        ahead = zip(paths, pool.imap(partial(_parse, registry_file=registry_file, places=places), paths,
                                          chunksize=4))

        def parsed(path: str) -> Meeting | Attachment | str:
            expected, result = next(ahead)
            assert expected == path, "the plan reads touched files in their order"
            return result

        yield parsed
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _parse_worker() -> None:
    """A parse worker dies quietly when the pool stops it, not through the CLI's SIGTERM handler."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextmanager
def _writing(ix, index_dir: Path, files: int) -> Iterator:
    """A writer that commits when the block ends and otherwise cancels, its worker processes with it.

    A writer's worker processes (they run during the commit) are killed here, so that an interrupted or
    failed commit leaves none behind. Whoosh's WRITELOCK descriptor is registered so that forked workers
    close it (see indexer.lock).
    """
    try:
        writer = _writer(ix, files)
    except LockError:
        who = describe_holder(index_dir / f"{windex._DEF_INDEX_NAME}_WRITELOCK")
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
    with suppress(OSError, ValueError):  # a writer stopped in the middle of its commit has little left to cancel
        writer.cancel()


def _under(path: str, root: Path) -> bool:
    root_s = str(root)
    return path == root_s or path.startswith(root_s.rstrip(os.sep) + os.sep)


def _sync(index_dir: Path, roots: list[Path], *, force: bool, prune: bool, create: bool,
          registry_file: str | None, progress, analysis: dict | None = None,
          alerts: Callable[[list[str]], dict[str, list]] | None = None) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport()
    try:
        _locked_sync(index_dir, roots, report, started, force=force, prune=prune, create=create,
                     registry_file=registry_file, progress=progress, analysis=analysis, alerts=alerts)
    except OSError as exc:
        if report.committed:
            after = ("the index was updated, but not all of its side files were written: "
                     "the next reindex completes them and reports this run's saved-search matches")
        else:
            after = "nothing was committed, the index is as it was before this run"
        raise IndexWriteFailed(f"{os_error_text(exc, index_dir)}; {after}") from None
    except KeyboardInterrupt as exc:
        raise Interrupted(getattr(exc, "signum", signal.SIGINT), report.committed) from None
    return report


def _locked_sync(index_dir: Path, roots: list[Path], report: BuildReport, started: float, *, force: bool,
                 prune: bool, create: bool, registry_file: str | None, progress, analysis: dict | None,
                 alerts: Callable[[list[str]], dict[str, list]] | None) -> None:
    """The run under the lock. The order makes the index change as one unit: the outbox of alerts is
    written before the commit, and so are the side files of the generation it makes (indexer.side_files);
    files.json after it, stamped with the generation it describes, so one missing or stale after a crash
    is derived again by the next run (`_complete_side_files`), which also records the alerts still owed."""
    with WriterLock(index_dir):
        ix, replaces = _open(index_dir, create, report, analysis)
        generation = ix.latest_generation()
        if not replaces:
            _remove_debris(ix, index_dir)
        owed, late = outbox.owed(index_dir, generation) if alerts else ([], [])

        def owed_with_this_run() -> list[outbox.Owed]:
            return [*owed, outbox.Owed(generation + 1, tuple(report.new_items))]

        if replaces:
            state, cache_valid, previous = {}, False, _stored_digests(index_dir) if alerts else {}
            force = True  # a rebuilt index: every file is indexed again
        else:
            (state, cache_valid), previous = load_state(ix, index_dir), {}
        todo, seen, scanned = _scan(roots, state, force, report)
        removed = [p for p in state if prune and p not in seen and any(_under(p, r) for r in scanned)]
        if todo or removed or replaces:
            side = side_files.next_generation(ix, index_dir, empty=bool(replaces))

            def before_commit() -> None:
                side.save()
                if alerts:
                    outbox.save(index_dir, owed_with_this_run())

            _write(ix, index_dir, todo, removed, state, registry_file, progress, report, previous, side,
                   before_commit)
            if replaces:
                ix = _swap_in(ix, index_dir)
            ix = ix.refresh()
            save_state(ix, index_dir, state)
            faults.point("after-state")
            side_files.publish(index_dir, ix.latest_generation())
            faults.point("after-compounds")
        elif not cache_valid:
            save_state(ix, index_dir, state)
        _complete_side_files(ix, index_dir)
        meta = read_meta(index_dir, required=True)
        recorded = meta.get("roots", [])
        meta["roots"] = recorded + [str(r) for r in scanned if str(r) not in recorded]
        meta["last_index" if create else "last_reindex"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        write_meta(index_dir, meta)
        faults.point("after-meta")
        if alerts:
            entries = owed_with_this_run() if report.committed else owed
            report.new_items = _unique([i for e in entries for i in e.items])
            written = outbox.record(index_dir, entries, alerts) if entries or late else None
            report.alerts = late + ([written] if written else [])
        report.seconds = time.perf_counter() - started


def _remove_debris(ix, index_dir: Path) -> None:
    """What a run that failed or was killed before its commit left: segment files no table of contents
    names, the writer's temporary folder, temporary side files. Only a writer makes these: this run
    holds referat's lock, and Whoosh's is taken too (a writer that bypassed referat keeps its files)."""
    name = windex._DEF_INDEX_NAME
    whoosh_lock = ix.lock("WRITELOCK")
    if not whoosh_lock.acquire():
        return
    try:
        clean_files(ix.storage, name, ix.latest_generation(), ix._read_toc().segments)
        shutil.rmtree(index_dir / f"{name}.tmp", ignore_errors=True)
        for stray in index_dir.glob(".*.tmp"):
            stray.unlink(missing_ok=True)
    finally:
        whoosh_lock.release()


def _complete_side_files(ix, index_dir: Path) -> None:
    """Write whichever side file of the current generation is missing, damaged or stale."""
    side_files.complete(ix, index_dir)


def _unique(ids: list[str]) -> list[str]:
    return list(dict.fromkeys(ids))


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
            if f.is_symlink() and not f.exists():  # named by the link the user has, not by its missing target
                report.failed.append((str(f), f"a symbolic link to {os.readlink(f)}, which does not exist"))
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
           registry_file: str | None, progress, report: BuildReport, previous: dict[str, str],
           side: side_files.NextGeneration, before_commit: Callable[[], None]) -> Plan:
    """One writer, one commit: the meetings the touched files belong to (before or after) are deleted
    and written again from all their documents (indexer.plan). `previous` (id -> digest) decides which
    items are new when the index is rebuilt; `side` (the side files) loses the meetings deleted and
    gains those written."""

    places = sources.places(index_dir, corpus.load_registry(registry_file))
    with _parsing(todo, registry_file, places) as parsed:

        def read(path: str, touched: bool) -> Meeting | Attachment | None:
            if touched and progress:
                progress(Path(path))
            kept = " (its indexed items are kept)" if path in state else ""
            result = parsed(path) if touched else _parse(path, registry_file, places)
            if isinstance(result, str):
                is_skipped = isinstance(result, NotMeeting) and not kept  # an indexed file turned into none: failed
                (report.not_meetings if is_skipped else report.failed).append((path, f"{result}{kept}"))
                return None
            if touched and isinstance(result, Meeting):
                report.warnings += [(path, w) for w in result.warnings]
            return result

        planned = plan(todo, removed, state, read)
    before: dict[str, str] = {}
    with ix.searcher() as searcher:
        for mid in planned.stale | {m.id for m in planned.meetings}:
            docs = list(searcher.documents(meeting=mid))
            before.update((d["id"], d.get("digest")) for d in docs)
            side.remove(mid, docs)
    known = previous or before
    written: set[str] = set()
    with _writing(ix, index_dir, len(todo)) as writer:
        for mid in planned.stale:
            writer.delete_by_term("meeting", mid)
        for meeting in planned.meetings:
            writer.delete_by_term("meeting", meeting.id)
            docs = merged_documents(meeting)
            for doc in docs:
                writer.add_document(**doc)
                written.add(doc["id"])
                if known.get(doc["id"]) != doc["digest"]:
                    report.new_items.append(doc["id"])
            side.add(meeting, docs)
            report.items += len(meeting.items)
        report.meetings = len(planned.meetings)
        before_commit()
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
    return planned
