"""Bring the index in line with files on disk: `build()` (referat index) and `reindex()` (the nightly job).

Both run the same pass: scan, decide per file, parse, then one writer and one commit. Nothing is visible
to searchers until that commit, and Whoosh commits by renaming a new table of contents into place, so
a run killed at any moment leaves the previous index intact; a file that fails to read keeps its items.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as windex

import corpus
from corpus import Meeting, ReadError

from .lock import WriterLock
from .schema import SECTION_FIELDS, build_schema
from .state import FileState, load_state, save_state
from .store import IndexMissing, has_index, open_index, read_meta, write_meta


@dataclass
class BuildReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    items: int = 0
    removed_items: int = 0
    new_items: list[str] = field(default_factory=list)  # ids of items new or changed in this run
    warnings: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def files(self) -> int:
        return len(self.added) + len(self.updated)


def item_digest(number: str, title: str, sections: dict[str, str]) -> str:
    payload = json.dumps([number, title, sections], ensure_ascii=False, sort_keys=True)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:16]


def item_documents(meeting: Meeting) -> list[dict]:
    """The Whoosh documents of one meeting, one per agenda item."""
    docs = []
    for item in meeting.items:
        sections = item.section_map()
        doc = dict(
            id=item.id,
            path=meeting.path,
            content_hash=meeting.content_hash,
            digest=item_digest(item.number, item.title, sections),
            position=item.position,
            number=item.number,
            title=item.title,
            time=item.time,
            presenter=item.presenter,
            sections=",".join(name for name in sections if sections[name]),
            case_numbers=",".join(item.case_numbers),
            participants="\n".join(meeting.participants),
            exact=item.title + "\n\n" + "\n\n".join(sections.values()),
            content=json.dumps(sections, ensure_ascii=False),
        )
        for name in SECTION_FIELDS:
            if sections.get(name):
                doc[name] = sections[name]
        for key in ("cluster", "region", "forum", "date"):
            value = getattr(meeting, key)
            if value:
                doc[key] = value
        if meeting.year:
            doc["year"] = meeting.year
        docs.append(doc)
    return docs


def _open(index_dir: Path, create: bool, report: BuildReport):
    if has_index(index_dir):
        try:
            return open_index(index_dir)
        except IndexMissing as exc:
            if not create:
                raise
            report.warnings.append((str(index_dir), f"{exc}; starting a new index there"))
    elif not create:
        raise IndexMissing(f"no index at {index_dir}; build one with: referat index --index {index_dir} FOLDER")
    index_dir.mkdir(parents=True, exist_ok=True)
    return windex.create_in(str(index_dir), build_schema())


def build(
    index_dir: str | os.PathLike,
    paths: list[str | os.PathLike],
    *,
    registry_file: str | None = None,
    progress: Callable[[Path], None] | None = None,
) -> BuildReport:
    """Index every supported file under `paths` (creating the index); re-indexing a file replaces its items."""
    return _sync(Path(index_dir), [Path(p) for p in paths], force=True, prune=False, create=True,
                 registry_file=registry_file, progress=progress)


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


def _under(path: str, root: Path) -> bool:
    root_s = str(root)
    return path == root_s or path.startswith(root_s.rstrip(os.sep) + os.sep)


def _sync(index_dir: Path, roots: list[Path], *, force: bool, prune: bool, create: bool,
          registry_file: str | None, progress) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport()
    with WriterLock(index_dir):
        ix = _open(index_dir, create, report)
        state, cache_valid = load_state(ix, index_dir)
        seen: set[str] = set()
        todo: dict[str, tuple[bytes, str]] = {}
        scanned_roots: list[Path] = []
        for root in roots:
            if not root.exists():
                report.failed.append((str(root), "no such file or directory (its indexed items are kept)"))
                continue
            scanned_roots.append(root.resolve())
            for f in corpus.iter_files([root]):
                if f.suffix.lower() not in corpus.SUPPORTED_SUFFIXES:
                    report.skipped.append((str(f), f"not a minutes file ({f.suffix or 'no suffix'})"))
                    continue
                path = str(f.resolve())
                seen.add(path)
                try:
                    data = f.read_bytes()
                except OSError as exc:
                    report.failed.append((str(f), f"cannot read file: {exc.strerror or exc} (its indexed items are kept)"))
                    continue
                digest = hashlib.sha256(data).hexdigest()
                if not force and path in state and state[path].hash == digest:
                    report.unchanged += 1
                    continue
                todo[path] = (data, digest)
        removed = [p for p in state if prune and p not in seen and any(_under(p, r) for r in scanned_roots)]
        # Identical files share item ids: when one copy goes or changes, the others are written again.
        gone_hashes = {state[p].hash for p in removed} | {state[p].hash for p in todo if p in state}
        for path, st in state.items():
            if st.hash in gone_hashes and path not in todo and path not in removed and Path(path).exists():
                data = Path(path).read_bytes()
                todo[path] = (data, hashlib.sha256(data).hexdigest())
        meetings: list[Meeting] = []
        for path, (data, _) in todo.items():
            if progress:
                progress(Path(path))
            try:
                meetings.append(corpus.read_bytes(path, data, registry_file))
            except ReadError as exc:
                report.failed.append((path, f"{exc} (its indexed items are kept)" if path in state else str(exc)))
        if removed or meetings:
            before = {d for p in removed + [m.path for m in meetings] if p in state for d in state[p].items}
            written: set[str] = set()
            with ix.writer(limitmb=256) as writer:
                for path in removed:
                    report.removed_items += writer.delete_by_term("path", path)
                for meeting in meetings:
                    writer.delete_by_term("path", meeting.path)
                    docs = item_documents(meeting)
                    for doc in docs:
                        if doc["id"] in written:  # a second identical file in this run
                            continue
                        written.add(doc["id"])
                        writer.update_document(**doc)
                        if doc["digest"] not in before:
                            report.new_items.append(doc["id"])
                    report.items += len(docs)
                    (report.updated if meeting.path in state else report.added).append(meeting.path)
                    report.warnings += [(meeting.path, w) for w in meeting.warnings]
                    state[meeting.path] = FileState(meeting.content_hash, [d["digest"] for d in docs])
            for path in removed:
                del state[path]
            report.removed = removed
            save_state(ix.refresh(), index_dir, state)
        elif not cache_valid:
            save_state(ix, index_dir, state)
        meta = read_meta(index_dir)
        recorded = meta.get("roots", [])
        if any(str(r) not in recorded for r in scanned_roots):
            meta["roots"] = recorded + [str(r) for r in scanned_roots if str(r) not in recorded]
            write_meta(index_dir, meta)
    report.seconds = time.perf_counter() - started
    return report

