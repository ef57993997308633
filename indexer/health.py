"""`referat check`: is the index whole? It opens, every side file belongs to its current generation and
agrees with it, the per-file state matches the items, and whoever holds the lock is alive.

`check(repair=True)` mends what can be derived from the index itself (side files, the meta file, the
leftovers of a killed run), under the writer lock so no run writes meanwhile. What cannot be derived (a
damaged table of contents, a lock held by a process that outlived its run) is reported with what to do.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import compounds, meeting_table, outbox, spelling
from .engine import EngineConfig, WriteEngine, engine_config, open_write_engine, unreachable
from .lock import LOCK_FILE, IndexLocked, WriterLock, holder_state
from .schema import FIELDS, SCHEMA_VERSION
from .state import STATE_FILE, load_state, save_state, state_from_index
from .store import META_FILE, STAGING_DIR, IndexMissing, has_index, meta_problem, read_meta, write_meta


@dataclass
class Finding:
    subject: str  # the file or part of the index concerned
    problem: str
    fix: str  # what --repair does, or (not repairable) what the operator must do
    repairable: bool = True
    repaired: bool = False


@dataclass
class Health:
    index_dir: str
    generation: int | None = None
    items: int = 0
    files: int = 0
    last_reindex: str | None = None
    notes: list[str] = field(default_factory=list)  # facts that are not problems (a run is writing, alerts owed)
    findings: list[Finding] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.findings

    @property
    def damaged(self) -> bool:
        return any(not f.repaired for f in self.findings)

    def to_json(self) -> dict:
        return {"index": self.index_dir, "generation": self.generation, "items": self.items, "files": self.files,
                "last_reindex": self.last_reindex, "notes": self.notes,
                "findings": [f.__dict__ for f in self.findings],
                "status": "healthy" if self.healthy else "damaged" if self.damaged else "repaired"}


def check(index_dir: str | os.PathLike, repair: bool = False) -> Health:
    index_dir = Path(index_dir)
    health = Health(str(index_dir))
    if not has_index(index_dir):
        health.findings.append(Finding("index", "there is no index here",
                                       f"build one with: referat index --index {index_dir} FOLDER", repairable=False))
        return health
    held = holder_state(index_dir)
    if held and held[1]:
        health.notes.append(f"a run is writing the index now ({held[0]}); side files are checked, not repaired")
        repair = False
    elif held:
        health.findings.append(Finding(LOCK_FILE, f"the lock is held by {held[0]}",
                                       "stop those processes; nothing else can free the lock", repairable=False))
        repair = False
    if not repair:
        _inspect(index_dir, health, repair=False)
        return health
    try:
        with WriterLock(index_dir):
            _inspect(index_dir, health, repair=True)
    except IndexLocked as exc:
        health.notes.append(f"not repaired: {exc}")
        _inspect(index_dir, health, repair=False)
    return health


def _inspect(index_dir: Path, health: Health, repair: bool) -> None:
    try:
        engine = open_write_engine(index_dir, _recorded_engine(index_dir))
        generation = engine.generation()
        health.items = engine.doc_count()
        stored = health.items or next(iter(engine.all_documents()), None) is not None
    except Exception as exc:  # a damaged table of contents fails in many ways
        if _older(index_dir):  # e.g. its table of contents names classes that have moved since
            health.findings.append(Finding("index", "written by an older referat, whose index this one cannot read",
                                           f"rebuild it with: referat reindex --index {index_dir}", repairable=False))
        elif unreachable(exc):  # the index may be whole: nothing to rebuild
            health.findings.append(Finding("index", str(exc), "start the cluster, or correct its address or "
                                           "credentials (referat.json, REFERAT_OPENSEARCH_AUTH), and check again",
                                           repairable=False))
        else:
            health.findings.append(Finding("index", _cause(exc), f"rebuild it with: referat index --index {index_dir} "
                                           "FOLDER", repairable=False))
        return
    health.generation = generation

    def found(subject: str, problem: str, fix: str, mend) -> None:
        finding = Finding(subject, problem, fix)
        if repair:
            mend()
            finding.repaired = True
        health.findings.append(finding)

    problem = meta_problem(index_dir)
    if problem:
        found(META_FILE, f"damaged: {problem}", "written again from the index (schema, roots from the indexed "
              "files' folders)", lambda: write_meta(index_dir, _derived_meta(engine, index_dir)))
    else:
        meta = read_meta(index_dir)
        health.last_reindex = meta.get("last_reindex")
        if meta.get("schema") != SCHEMA_VERSION:
            health.notes.append("written by an older referat: the next reindex rebuilds it beside the live one")

    if not stored:  # nothing indexed yet (an empty file, a first run interrupted): nothing to derive side files of
        health.notes.append("the index holds no items yet; index some minutes with: referat index")
        _inspect_journals(index_dir, health, generation, found)
        return
    truth = state_from_index(engine)
    health.files = len(truth)
    cached, sound = load_state(engine, index_dir)
    if not sound:
        found(STATE_FILE, "missing, damaged or of another generation", "written again from the index",
              lambda: save_state(engine, index_dir, truth))
    elif _comparable(cached) != _comparable(truth):
        found(STATE_FILE, "its items per file disagree with the index", "written again from the index",
              lambda: save_state(engine, index_dir, truth))

    name = compounds.COMPOUND_FILE.format(generation=generation)
    if not compounds.is_sound(index_dir, generation):
        found(name, "missing or damaged (every search rebuilds the lexicon meanwhile)", "written again",
              lambda: compounds.save_map(engine, index_dir))

    lexicon_check = getattr(engine, "lexicon_problem", None)  # an engine that keeps a lexicon of term statistics
    problem = lexicon_check() if lexicon_check else None
    if problem:
        subject, what, mend = problem
        if mend is None:
            health.notes.append(f"{subject}: {what}")
        else:
            found(subject, what, "derived again from the index", mend)

    derived = spelling.derive(engine)
    counts = spelling.load_counts(index_dir, generation)
    if counts is None:
        found(spelling.SPELLING_FILE, "missing, damaged or of another generation", "derived again from the index",
              lambda: spelling.save(index_dir, generation, derived))
    elif +counts != derived:
        found(spelling.SPELLING_FILE, "its word counts disagree with the index", "derived again from the index",
              lambda: spelling.save(index_dir, generation, derived))
    else:
        keys = spelling.load_keys(index_dir, generation)
        if keys is None:
            found(spelling.OCR_FILE, "missing, damaged or of another generation",
                  "derived again from the spelling list", lambda: spelling.save_keys(index_dir, generation, derived))
        elif keys != spelling.ocr_keys_of(derived):
            found(spelling.OCR_FILE, "its keys disagree with the spelling list", "derived again from the spelling list",
                  lambda: spelling.save_keys(index_dir, generation, derived))

    table = meeting_table.table_of(engine.all_documents())
    stored_table = meeting_table.stored_table(index_dir, generation)
    if stored_table is None:
        found(meeting_table.TABLE_FILE, "missing, damaged or of another generation", "derived again from the index",
              lambda: meeting_table.save_table(engine, index_dir, table, [], set()))
    elif stored_table != table:
        found(meeting_table.TABLE_FILE, "its meetings disagree with the index", "derived again from the index",
              lambda: meeting_table.save_table(engine, index_dir, table, [], set()))

    _inspect_journals(index_dir, health, generation, found)


def _inspect_journals(index_dir: Path, health: Health, generation: int, found) -> None:
    """The alerts outbox and journal, and what a killed run left behind."""
    if outbox.read(index_dir) is None:
        found(outbox.OUTBOX_FILE, "damaged: the alerts a killed run owed cannot be read", "removed",
              lambda: outbox.clear(index_dir))
    else:
        items = sum(len(e.items) for e in outbox.owed(index_dir, generation)[0])
        if items:
            health.notes.append(f"saved-search alerts for {items} items of a killed run are owed; the next "
                                f"reindex records them")
    bad = outbox.damaged_lines(index_dir)
    if bad:
        found(outbox.JOURNAL_FILE, f"damaged: {bad} lines cannot be read", "written again with its readable records",
              lambda: outbox.rewrite_journal(index_dir))

    if (index_dir / STAGING_DIR).exists():
        found(STAGING_DIR, "left by a schema rebuild that did not finish (the live index is unaffected)", "removed",
              lambda: _remove_tree(index_dir / STAGING_DIR))
    strays = [p for p in index_dir.glob(".*.tmp") if p.is_file()]
    if strays:
        found(", ".join(p.name for p in strays), "temporary files of a run that was killed", "removed",
              lambda: _remove_files(strays))


def _comparable(state) -> dict:
    return {p: (s.hash, list(s.items)) for p, s in state.items()}


def _derived_meta(engine: WriteEngine, index_dir: Path) -> dict:
    """The meta file as far as the index tells it: its schema version if its fields are today's, its
    engine, and as roots the folders of the indexed files (the outermost of them)."""
    same = set(engine.field_names()) == {f.name for f in FIELDS}
    folders = sorted({str(Path(p).parent) for p in state_from_index(engine)})
    roots = [f for f in folders if not any(f != r and f.startswith(r.rstrip(os.sep) + os.sep) for r in folders)]
    return {"schema": SCHEMA_VERSION if same else 0, "engine": engine.config.to_json(), "roots": roots}


def _recorded_engine(index_dir: Path):
    """The engine the meta file names; Whoosh when the meta file is damaged (check repairs it from the
    index in the folder)."""
    try:
        return engine_config(index_dir)
    except IndexMissing:
        return EngineConfig()


def _older(index_dir: Path) -> bool:
    """Whether the meta file says an older referat wrote the index."""
    try:
        return read_meta(index_dir, required=True).get("schema") != SCHEMA_VERSION
    except IndexMissing:
        return False


def _cause(exc: Exception) -> str:
    """What is wrong with an index the engine cannot open, without the advice (the finding's fix says it)."""
    if isinstance(exc, IndexMissing):
        return str(exc).split("; ")[0]
    return f"the index cannot be read ({type(exc).__name__})"


def _remove_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


@dataclass(frozen=True)
class Freshness:
    last_reindex: str | None  # ISO time of the last successful reindex
    last_index: str | None  # ... and of the last successful `referat index`
    days: float | None  # since the later of the two


def freshness(index_dir: str | os.PathLike, now: dt.datetime | None = None) -> Freshness:
    """When the index was last brought up to date: the signal that a nightly job fails quietly."""
    meta = read_meta(index_dir)
    times = [t for t in (meta.get("last_reindex"), meta.get("last_index")) if t]
    days = None
    if times:
        latest = max(dt.datetime.fromisoformat(t) for t in times)
        days = ((now or dt.datetime.now(dt.UTC)) - latest).total_seconds() / 86400
    return Freshness(meta.get("last_reindex"), meta.get("last_index"), days)


def describe(health: Health) -> str:
    """What `referat check` prints."""
    items, files = (f"{n} {noun}{'' if n == 1 else 's'}"
                    for n, noun in ((health.items, "item"), (health.files, "file")))
    summary = (f"index {health.index_dir}: generation {health.generation}, {items} from "
               f"{files}; last reindex {health.last_reindex or 'never'}")
    lines = [summary]
    lines += [f"note: {n}" for n in health.notes]
    for f in health.findings:
        action = (f"repaired: {f.fix}" if f.repaired else f"referat check --repair: {f.fix}" if f.repairable
                  else f.fix)
        lines.append(f"{f.subject}: {f.problem}; {action}")
    lines.append("healthy" if health.healthy else "damaged" if health.damaged else "repaired")
    return "\n".join(lines)


