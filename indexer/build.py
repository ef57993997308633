"""Write agenda items into the index: `build()` is what `referat index` runs."""
from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as windex

import corpus
from corpus import Meeting, ReadError

from .schema import SECTION_FIELDS, build_schema
from .store import IndexMissing, has_index, open_index, read_meta, write_meta


@dataclass
class BuildReport:
    files: int = 0
    items: int = 0
    warnings: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0


def item_documents(meeting: Meeting) -> list[dict]:
    """The Whoosh documents of one meeting, one per agenda item."""
    docs = []
    for item in meeting.items:
        sections = item.section_map()
        doc = dict(
            id=item.id,
            path=meeting.path,
            content_hash=meeting.content_hash,
            position=item.position,
            number=item.number,
            title=item.title,
            time=item.time,
            presenter=item.presenter,
            sections=",".join(name for name in sections if sections[name]),
            case_numbers=",".join(item.case_numbers),
            participants="\n".join(meeting.participants),
            body="\n\n".join(sections.values()),
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


def open_or_create(index_dir: str | os.PathLike, report: BuildReport):
    """The index at `index_dir`; a new one where there is none, or where the old one is damaged."""
    path = Path(index_dir)
    path.mkdir(parents=True, exist_ok=True)
    if has_index(path):
        try:
            return open_index(path)
        except IndexMissing as exc:
            report.warnings.append((str(path), f"{exc}; starting a new index there"))
    return windex.create_in(str(path), build_schema())


def build(
    index_dir: str | os.PathLike,
    paths: list[str | os.PathLike],
    *,
    registry_file: str | None = None,
    progress: Callable[[Path], None] | None = None,
) -> BuildReport:
    """Index every supported file under `paths`; re-indexing a file replaces its items.

    A file that cannot be read is reported and skipped; the rest of the run goes on. Nothing is visible
    to searchers until the single commit at the end.
    """
    started = time.perf_counter()
    report = BuildReport()
    files: list[Path] = []
    for root in paths:
        if not Path(root).exists():
            report.failed.append((str(root), "no such file or directory"))
            continue
        for f in corpus.iter_files([root]):
            if f.suffix.lower() in corpus.SUPPORTED_SUFFIXES:
                files.append(f)
            else:
                report.skipped.append((str(f), f"not a minutes file ({f.suffix or 'no suffix'})"))
    ix = open_or_create(index_dir, report)
    with ix.writer(limitmb=256) as writer:
        for f in files:
            if progress:
                progress(f)
            resolved = str(f.resolve())
            try:
                meeting = corpus.read(resolved, registry_file)
            except ReadError as exc:
                report.failed.append((str(f), str(exc)))
                continue
            writer.delete_by_term("path", resolved)
            for doc in item_documents(meeting):
                writer.update_document(**doc)
                report.items += 1
            report.files += 1
            report.warnings += [(str(f), w) for w in meeting.warnings]
    meta = read_meta(index_dir)
    roots = meta.get("roots", [])
    for root in paths:
        resolved = str(Path(root).resolve())
        if Path(root).exists() and resolved not in roots:
            roots.append(resolved)
    meta["roots"] = roots
    write_meta(index_dir, meta)
    report.seconds = time.perf_counter() - started
    return report
