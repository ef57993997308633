"""Bring the index in line with files on disk: `build()` (referat index) and `reindex()` (the nightly job).

Both run the same pass: scan, decide per file, parse, then one writer and one commit, through the index's
engine (indexer.engine: Whoosh in the folder, or OpenSearch). Nothing is visible to searchers until that
commit, so a run killed at any moment leaves the previous index intact; a file that fails to read keeps
its items.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import corpus
from corpus import Attachment, Meeting, NotAMeeting, ReadError, faults
from corpus.fetch import sources
from corpus.fetch.sources import place_of

from . import compounds, outbox, side_files
from .cases import group_key
from .engine import (
    CountsTerms,
    CountsWords,
    EngineConfig,
    WriteEngine,
    check_engine,
    default_config,
    engine_config,
    open_write_engine,
)
from .facets import stored_values
from .lock import WriterLock
from .meetings import MergedItem, MergedMeeting, attachments_text, merge, pack_attachments, pack_sources
from .memory import checked, side_bytes
from .plan import Plan, plan
from .schema import SCHEMA_VERSION, SECTION_FIELDS, pack_sections, section_mask
from .spill import Spill
from .state import FileState, load_state, save_state
from .store import IndexMissing, IndexWriteFailed, Interrupted, has_index, os_error_text, read_meta, write_meta

LOOKUP_MEETINGS = 500  # meetings whose stored items a run fetches in one look-up (indexer.engine.documents)


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
    memory_mb: int = 0  # the run's memory budget (indexer.memory)
    batches: int = 0  # batches of documents the writer wrote (or sent) within it before its commit

    @property
    def files(self) -> int:
        return len(self.added) + len(self.updated)


def item_documents(meeting: Meeting) -> list[dict]:
    """The documents of one document read alone, one per agenda item (see merged_documents)."""
    return merged_documents(merge([meeting]))


FORMALITY_BOOST = 0.5  # a formality's words weigh half: it ranks below substantive items that match as well


def merged_documents(meeting: MergedMeeting) -> list[dict]:
    """The documents of one meeting, one per merged agenda item; its path and position are
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
        text = attachments_text(item.attachments)
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


def _open(index_dir: Path, create: bool, report: BuildReport, analysis: dict | None,
          config: EngineConfig | None, previous: Callable[[WriteEngine], dict[str, str | None]]
          ) -> tuple[WriteEngine, dict[str, str | None] | None]:
    """(the engine to write into, None or, when the index is being rebuilt, `previous(engine)` read
    from the index it replaces).

    A missing index is created (by `index`) in the engine `config` names, which the meta file records.
    An index of an older schema, or (for `index`) one the engine cannot open, is rebuilt by the engine
    beside the live one and replaces it at the commit, so that searches see the old index until the new
    one is complete. A damaged meta file is an error: the index is never rebuilt over because its
    metadata cannot be read.
    """
    if has_index(index_dir):
        meta = read_meta(index_dir, required=True)
        recorded = engine_config(index_dir)
        if config is not None:
            check_engine(recorded, config)
        engine = open_write_engine(index_dir, recorded)
        if meta.get("schema") == SCHEMA_VERSION:
            try:
                engine.generation()
                return engine, None
            except IndexMissing as exc:
                if not create:
                    raise
                report.warnings.append((str(index_dir), f"{exc}; starting a new index there"))
        else:
            report.warnings.append((str(index_dir), ("index written by an older referat; rebuilding it beside "
                                                     "the live one, which searches use until the new one is complete")))
        before = previous(engine)
        engine.create(analysis)
        return engine, before
    if not create:
        raise IndexMissing(f"no index at {index_dir}; build one with: referat index --index {index_dir} FOLDER")
    config = config or default_config()
    engine = open_write_engine(index_dir, config)
    index_dir.mkdir(parents=True, exist_ok=True)
    engine.create(analysis)
    # The engine's own config: what it resolved (an OpenSearch index name made from the folder) is recorded,
    # so that the folder finds its items wherever it is moved or copied.
    write_meta(index_dir, {"schema": SCHEMA_VERSION, "engine": engine.config.to_json()})
    return engine, None


def _stored_digests(engine: WriteEngine) -> dict[str, str | None]:
    """id -> digest of every item of the live index, whatever its schema, if it can still be read (so a
    rebuild alerts saved searches only to items that are really new)."""
    try:
        return {d["id"]: d.get("digest") for d in engine.all_documents() if "id" in d}
    except Exception:  # an index too damaged to read in any way: every item counts as new
        return {}


def build(
    index_dir: str | os.PathLike,
    paths: list[str | os.PathLike],
    *,
    registry_file: str | None = None,
    progress: Callable[[Path], None] | None = None,
    analysis: dict | None = None,
    engine: EngineConfig | None = None,
    memory_mb: int | None = None,
) -> BuildReport:
    """Index every supported file under `paths` (creating the index); re-indexing a file replaces its items.

    `analysis` (fold=, exceptions=) and `engine` (where the items live: Whoosh in the folder by default)
    apply when the index is created, and stay with it (indexer.engine.EngineConfig in the meta file).
    `memory_mb` bounds what the run holds before it writes a batch (indexer.memory; default a fraction of
    the machine's memory); BadMemoryBudget (a ValueError) for one that is not a positive number.
    """
    memory_mb = checked(memory_mb)
    if not has_index(index_dir):  # an engine this referat lacks, or a cluster not named: before anything is made
        engine = engine or default_config()
        open_write_engine(index_dir, engine).close()
    return _sync(Path(index_dir), [Path(p) for p in paths], force=True, prune=False, create=True,
                 registry_file=registry_file, progress=progress, analysis=analysis, engine=engine,
                 memory_mb=memory_mb)


def reindex(
    index_dir: str | os.PathLike,
    paths: list[str | os.PathLike] | None = None,
    *,
    registry_file: str | None = None,
    progress: Callable[[Path], None] | None = None,
    alerts: Callable[[list[str]], dict[str, list]] | None = None,
    memory_mb: int | None = None,
) -> BuildReport:
    """Bring the index up to date with the recorded roots (or `paths`): new, changed and deleted files.

    Changes are found by content hash. With `alerts` (item ids -> {saved search: [hit as JSON]}) the run
    owes saved-search alerts for the items new or changed in it, and in earlier runs killed after their
    commit: they are matched once and recorded in the alerts journal exactly once (indexer.outbox).
    `report.alerts` are the records to print (this run's, and any a killed run recorded but never
    printed), `report.new_items` every item this run's record covers. Raises IndexMissing without an
    index, IndexLocked while another run writes it. `memory_mb` as for `build`.
    """
    memory_mb = checked(memory_mb)
    index_dir = Path(index_dir)
    if not has_index(index_dir):
        raise IndexMissing(f"no index at {index_dir}; build one with: referat index --index {index_dir} FOLDER")
    roots = [Path(p) for p in paths] if paths else [Path(r) for r in read_meta(index_dir).get("roots", [])]
    return _sync(index_dir, roots, force=False, prune=True, create=False, registry_file=registry_file,
                 progress=progress, alerts=alerts, memory_mb=memory_mb)


PARALLEL_MIN_FILES = 200  # below this, parsing and writing on every core costs more than it saves


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity where the system tells it (a container or
    `taskset` may allow fewer than the machine has)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


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
    """`parsed(path)` for each of `paths` in their order (one the caller no longer needs may be passed
    over), read ahead on every core for big batches.

    The plan reads every file before the writer starts (meetings merge across files; their text waits
    in a spill file), so parsing does not overlap the writer's analysis; done in one process it was a
    third of a full build. Each worker returns one file's result at a time and holds nothing after it;
    the workers are forked before the plan grows, and stopped when the block ends.
    """
    procs = usable_cores()
    if procs < 2 or len(paths) < PARALLEL_MIN_FILES:
        yield lambda path: _parse(path, registry_file, places)
        return
    pool = multiprocessing.get_context("fork").Pool(procs, initializer=_parse_worker)
    try:
        ahead = zip(paths, pool.imap(partial(_parse, registry_file=registry_file, places=places), paths,
                                          chunksize=4), strict=True)

        def parsed(path: str) -> Meeting | Attachment | str:
            for expected, result in ahead:  # a path the caller no longer needs is passed over
                if expected == path:
                    return result
            raise AssertionError("files are read in the order they were given")

        yield parsed
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _parse_worker() -> None:
    """A parse worker dies quietly when the pool stops it, not through the CLI's SIGTERM handler."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _under(path: str, root: Path) -> bool:
    root_s = str(root)
    return path == root_s or path.startswith(root_s.rstrip(os.sep) + os.sep)


def _sync(index_dir: Path, roots: list[Path], *, force: bool, prune: bool, create: bool,
          registry_file: str | None, progress, analysis: dict | None = None, engine: EngineConfig | None = None,
          alerts: Callable[[list[str]], dict[str, list]] | None = None, memory_mb: int) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport(memory_mb=memory_mb)
    try:
        _locked_sync(index_dir, roots, report, started, force=force, prune=prune, create=create,
                     registry_file=registry_file, progress=progress, analysis=analysis, config=engine,
                     alerts=alerts)
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
                 config: EngineConfig | None, alerts: Callable[[list[str]], dict[str, list]] | None) -> None:
    """The run under the lock. The order makes the index change as one unit: the outbox of alerts is
    written before the commit, and so are the side files of the generation it makes (indexer.side_files);
    files.json after it, stamped with the generation it describes, so one missing or stale after a crash
    is derived again by the next run (`_complete_side_files`), which also records the alerts still owed."""
    with WriterLock(index_dir):
        engine, previous = _open(index_dir, create, report, analysis, config,
                                 _stored_digests if alerts else lambda engine: {})
        rebuilt = previous is not None
        generation = engine.generation()
        if not rebuilt:
            engine.recover()
            for stray in index_dir.glob(".*.tmp"):  # a killed run's temporary side files
                stray.unlink(missing_ok=True)
        owed, late = outbox.owed(index_dir, generation) if alerts else ([], [])

        def owed_with_this_run() -> list[outbox.Owed]:
            return [*owed, outbox.Owed(generation + 1, tuple(report.new_items))]

        state: dict[str, FileState]
        if rebuilt:
            state, cache_valid = {}, False
            force = True  # a rebuilt index: every file is indexed again
        else:
            state, cache_valid = load_state(engine, index_dir)
        todo, seen, scanned = _scan(roots, state, force, report)
        removed = [p for p in state if prune and p not in seen and any(_under(p, r) for r in scanned)]
        if todo or removed or rebuilt:
            side = side_files.next_generation(engine, index_dir, empty=rebuilt, budget=side_bytes(report.memory_mb))

            def before_commit() -> None:
                side.save()
                if alerts:
                    outbox.save(index_dir, owed_with_this_run())

            _write(engine, index_dir, todo, removed, state, registry_file, progress, report, previous or {}, side,
                   before_commit)
            if rebuilt:
                write_meta(index_dir, {**read_meta(index_dir), "schema": SCHEMA_VERSION})
            save_state(engine, index_dir, state)
            faults.point("after-state")
            side_files.publish(index_dir, engine.generation())
            faults.point("after-compounds")
        elif not cache_valid:
            save_state(engine, index_dir, state)
        _complete_side_files(engine, index_dir)
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


def _complete_side_files(engine: WriteEngine, index_dir: Path) -> None:
    """Write whichever side file of the current generation is missing, damaged or stale."""
    side_files.complete(engine, index_dir)


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


def _write(engine: WriteEngine, index_dir: Path, todo: list[str], removed: list[str], state: dict[str, FileState],
           registry_file: str | None, progress, report: BuildReport, previous: dict[str, str | None],
           side: side_files.NextGeneration, before_commit: Callable[[], None]) -> Plan:
    """One writer, one commit: the meetings the touched files belong to (before or after) are deleted
    and written again from all their documents (indexer.plan). `previous` (id -> digest) decides which
    items are new when the index is rebuilt; `side` (the side files) loses the meetings deleted and
    gains those written."""

    with Spill(index_dir) as spill:
        return _write_spilled(engine, index_dir, todo, removed, state, registry_file, progress, report, previous,
                              side, before_commit, spill)


def _write_spilled(engine: WriteEngine, index_dir: Path, todo: list[str], removed: list[str],
                   state: dict[str, FileState], registry_file: str | None, progress, report: BuildReport,
                   previous: dict[str, str | None], side: side_files.NextGeneration,
                   before_commit: Callable[[], None], spill: Spill) -> Plan:
    """`_write`, the documents read set aside in `spill` until their meeting is written (indexer.spill)."""
    places = sources.places(index_dir, corpus.load_registry(registry_file))
    with _parsing(todo, registry_file, places) as parsed, ExitStack() as later:
        untouched: list[Callable[[str], Meeting | Attachment | str]] = []

        def ahead(paths: list[str]) -> None:
            """The untouched files the plan reads (other documents of the touched meetings' dates), read
            ahead on every core too."""
            untouched.append(later.enter_context(_parsing(paths, registry_file, places)))

        def read(path: str, touched: bool) -> Meeting | Attachment | None:
            if touched and progress:
                progress(Path(path))
            kept = " (its indexed items are kept)" if path in state else ""
            if touched:
                result = parsed(path)
            else:
                result = untouched[0](path) if untouched else _parse(path, registry_file, places)
            if isinstance(result, str):
                is_skipped = isinstance(result, NotMeeting) and not kept  # an indexed file turned into none: failed
                (report.not_meetings if is_skipped else report.failed).append((path, f"{result}{kept}"))
                return None
            if touched and isinstance(result, Meeting):
                report.warnings += [(path, w) for w in result.warnings]
            return result

        planned = plan(todo, removed, state, read, spill, ahead)
    before: dict[str, str | None] = {}  # an item stored without a digest has None
    touched = sorted(planned.stale | {m.id for m in planned.meetings})
    for start in range(0, len(touched), LOOKUP_MEETINGS):  # a look-up per batch of meetings, not per meeting,
        batch = touched[start:start + LOOKUP_MEETINGS]  # and never every replaced item held at once
        replaced: dict[str | None, list[dict]] = {}
        for doc in engine.documents("meeting", batch):
            replaced.setdefault(doc.get("meeting"), []).append(doc)
        for mid in batch:
            docs = replaced.get(mid, [])
            before.update((d["id"], d.get("digest")) for d in docs)
            side.remove(mid, docs)
    known = previous or before
    written: set[str] = set()
    with engine.writer(len(todo), report.memory_mb) as writer:
        # The side files' term counts from the writer's own analysis, where it offers them (most of their cost).
        counter = writer if isinstance(writer, CountsTerms) and writer.count_terms(compounds.TEXT_FIELDS) else None
        side.writer_counts = counter is not None
        speller = writer if isinstance(writer, CountsWords) and writer.count_words() else None  # the spelling list's
        side.writer_words = speller is not None
        for mid in planned.stale:
            writer.delete_meeting(mid)
        report.meetings = len(planned.meetings)
        for meeting in planned.merged():  # read back one at a time: the batches, not the run, are held
            writer.delete_meeting(meeting.id)
            docs = merged_documents(meeting)
            for doc in docs:
                writer.add(doc)
                written.add(doc["id"])
                if known.get(doc["id"]) != doc["digest"]:
                    report.new_items.append(doc["id"])
            side.add(meeting, docs)
            report.items += len(meeting.items)
        if counter is not None:
            side.add_terms(counter.term_counts())
        if speller is not None:
            side.add_words(speller.word_counts())
        before_commit()
        faults.point("before-commit")
        writer.commit()
        report.batches = writer.batches
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
