"""One fetch run: for each source, list its meetings and download the new and changed ones.

A meeting is fetched when its id is new, when its file is gone, when its entry in the committee list
changed (a new name or release date), or when it is recent enough to be corrected still (`recheck_days`):
then its content hash decides between changed and unchanged. A source that fails is reported with the
URL and the others go on; what was fetched before a failure stays fetched.

Each attachment (bilag) the meeting's JSON lists with a PDF is saved beside it, named with its id
(corpus.attachments.fetched_name) so that the index links it to its item; one already on disk is not
asked for again, one over the per-file cap is skipped with a warning (and not asked for again until the
meeting changes), and once a run has downloaded its cap the rest wait for the next run.
"""
from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

from ..attachments import fetched_name
from ..registry import fold
from . import ATTACHMENT_MB, ATTACHMENTS_PER_RUN_MB
from .client import Http, MeetingGone, MeetingRef, Politeness, Portal, PortalError, TooLarge
from .sources import Source, slug
from .store import Fetched, FolderLock, SourceState, remove_partial_files, write_bytes_atomic


@dataclass
class SourceReport:
    name: str
    url: str
    listed: int = 0
    new: list[str] = field(default_factory=list)  # files written for new meetings (relative)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)  # attachment files written (relative)

    def to_json(self) -> dict:
        return {"name": self.name, "url": self.url, "listed": self.listed, "new": len(self.new),
                "changed": len(self.changed), "unchanged": self.unchanged, "error": self.error,
                "attachments": len(self.attachments),
                "warnings": self.warnings, "files": self.new + self.changed}


@dataclass
class FetchReport:
    folder: str
    sources: list[SourceReport] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0

    @property
    def new(self) -> int:
        return sum(len(s.new) for s in self.sources)

    @property
    def changed(self) -> int:
        return sum(len(s.changed) for s in self.sources)

    @property
    def unchanged(self) -> int:
        return sum(s.unchanged for s in self.sources)

    @property
    def attachments(self) -> int:
        return sum(len(s.attachments) for s in self.sources)

    @property
    def failed(self) -> list[SourceReport]:
        return [s for s in self.sources if s.error]

    def to_json(self) -> dict:
        return {"folder": self.folder, "new": self.new, "changed": self.changed, "unchanged": self.unchanged,
                "attachments": self.attachments,
                "failed": len(self.failed), "requests": self.requests, "seconds": round(self.seconds, 2),
                "sources": [s.to_json() for s in self.sources]}


Progress = Callable[[str, MeetingRef, str], None]  # source name, meeting, "new" / "changed" / "unchanged"


MB = 1_000_000


@dataclass
class AttachmentCaps:
    """How much attachment PDF one run downloads: per file, and in all (the rest wait for the next run)."""
    per_file_mb: float = ATTACHMENT_MB
    per_run_mb: float = ATTACHMENTS_PER_RUN_MB
    spent: int = 0  # bytes downloaded in this run
    deferred: int = 0  # attachments left for the next run by the run's cap

    @property
    def exhausted(self) -> bool:
        return self.spent >= self.per_run_mb * MB


def content_hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def fetch(
    folder: str | Path,
    sources: list[Source],
    *,
    since: date | None = None,
    recheck_days: int = 60,
    pdf: bool = True,
    attachments: AttachmentCaps | bool = True,
    politeness: Politeness | None = None,
    progress: Progress | None = None,
    today: date | None = None,
) -> FetchReport:
    """Download the new and changed meetings of `sources` into `folder` (source / body / date files),
    with their attachments' PDFs within `attachments`' caps (True: the default caps; False: none).

    Raises FetchBusy while another fetch writes the same folder.
    """
    caps = (AttachmentCaps() if attachments is True else replace(attachments, spent=0, deferred=0)
            if attachments else None)
    started = time.perf_counter()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    report = FetchReport(str(folder))
    recheck_from = (today or date.today()) - timedelta(days=recheck_days)
    with FolderLock(folder), Http(politeness) as http:
        remove_partial_files(folder)
        for source in sources:
            result = SourceReport(source.name, source.url)
            report.sources.append(result)
            state = SourceState(folder, source.name)
            try:
                _fetch_source(Portal(source.url, http), source, state, folder, result, since=since,
                              recheck_from=recheck_from, pdf=pdf, caps=caps, progress=progress)
            except PortalError as exc:
                result.error = str(exc)
            finally:
                state.compact()
            if caps and caps.deferred:
                result.warnings.append(f"{caps.deferred} attachment PDF(s) left for the next run: this run "
                                       f"downloaded its cap of {caps.per_run_mb:g} MB")
                caps.deferred = 0
        report.requests = http.requests
    report.seconds = time.perf_counter() - started
    return report


def _selected(source: Source, portal: Portal, result: SourceReport) -> list[MeetingRef]:
    """The meetings of the source's committees (all committees when it names none)."""
    committees = portal.committees()
    if not source.udvalg:
        return [m for c in committees for m in c.meetings]
    chosen = []
    for wanted in source.udvalg:
        key = fold(wanted)
        found = [c for c in committees if c.id.lower() == wanted.lower() or fold(c.name) == key]
        if not found:
            result.warnings.append(f"committee {wanted!r} is not in the portal's committee list (renamed or gone?)")
        chosen += [c for c in found if c not in chosen]
    if not chosen:
        raise PortalError(portal.base + "/api/agenda/udvalgsliste",
                          "none of the source's committees is in the portal's committee list")
    return [m for c in chosen for m in c.meetings]


def _fetch_source(portal: Portal, source: Source, state: SourceState, folder: Path, result: SourceReport, *,
                  since: date | None, recheck_from: date, pdf: bool, caps: AttachmentCaps | None,
                  progress: Progress | None) -> None:
    listed = list({m.id: m for m in _selected(source, portal, result)}.values())
    meetings = sorted((m for m in listed if not since or m.date >= since), key=lambda m: (m.date, m.committee, m.id))
    result.listed = len(listed)
    if not listed and state.listed:
        result.warnings.append(f"the portal lists 0 meetings where it listed {state.listed} before "
                               "(a changed portal or committee?); nothing fetched before is removed")
    elif not listed:
        result.warnings.append("the portal lists no meetings for this source (a wrong committee, or a portal that "
                               "no longer lists meetings with its committees?)")
    for ref in meetings:
        before = state.meetings.get(ref.id)
        present = before if before is not None and all((folder / f).is_file() for f in before.files) else None
        if present and present.fingerprint == ref.fingerprint and ref.date < recheck_from:
            _unchanged(portal, ref, present, state, folder, result, pdf, caps, progress, source)
            continue
        try:
            raw, data = portal.meeting(ref.id)
        except MeetingGone as exc:
            result.warnings.append(f"{exc} (listed, but not given; skipped, what was fetched before is kept)")
            continue
        digest = content_hash(data)
        if present and digest == present.hash:
            if present.fingerprint != ref.fingerprint:
                present = replace(present, fingerprint=ref.fingerprint)
                state.record(present)
            _unchanged(portal, ref, present, state, folder, result, pdf, caps, progress, source)
            continue
        name = f"{ref.date.isoformat()}_{slug(ref.name)}_{ref.id[:8]}"
        stem = str(Path(slug(source.name)) / slug(ref.committee) / name)
        files = [stem + ".json"]
        write_bytes_atomic(folder / files[0], raw)
        document, pending = _pdf(portal, ref, stem, folder, result) if pdf else (None, False)
        files += [document] if document else []
        saved, too_large = _attachments(portal, data, stem, folder, result, caps, []) if caps else ([], [])
        files += saved
        state.record(Fetched(ref.id, ref.committee, ref.date.isoformat(), ref.name, digest, ref.fingerprint, files,
                             pending, too_large))
        for old in (before.files if before else []):
            if old not in files:
                (folder / old).unlink(missing_ok=True)
        changed = before is not None and digest != before.hash
        (result.changed if changed else result.new).append(files[0])
        _tell(progress, source, ref, "changed" if changed else "new")
    state.record_listed(len(listed))


def _pdf(portal: Portal, ref: MeetingRef, stem: str, folder: Path, result: SourceReport) -> tuple[str | None, bool]:
    """The meeting's published PDF saved beside its JSON: its file, and whether the portal failed to give it."""
    try:
        document = portal.meeting_pdf(ref.id)
    except PortalError as exc:
        result.warnings.append(f"no PDF: {exc} (asked again next time)")
        return None, True
    if document is None:
        return None, False
    write_bytes_atomic(folder / (stem + ".pdf"), document)
    return stem + ".pdf", False


def _attachments(portal: Portal, data: dict, stem: str, folder: Path, result: SourceReport, caps: AttachmentCaps,
                 too_large: list[str]) -> tuple[list[str], list[str]]:
    """The PDFs of the attachments the meeting lists, saved beside it: (their files, the ids over the
    per-file cap). One on disk already, or over the cap before, is not asked for again."""
    files, skipped = [], list(too_large)
    for point in data.get("Dagsordenpunkter") or []:
        for bilag in (point.get("Bilag") or []) if isinstance(point, dict) else []:
            if not isinstance(bilag, dict) or str(bilag.get("HarPdfVersion")).lower() != "true":
                continue
            ref = re.sub(r"[^0-9A-Za-z-]", "", str(bilag.get("Id") or ""))
            name = fetched_name(stem, ref) + ".pdf"
            if not ref or ref in skipped or name in files:
                continue
            if (folder / name).is_file():
                files.append(name)
                continue
            if caps.exhausted:
                caps.deferred += 1
                continue
            try:
                document = portal.attachment_pdf(ref, int(caps.per_file_mb * MB))
            except TooLarge as exc:
                result.warnings.append(f"bilag {bilag.get('Navn') or ref!r} skipped: {exc}")
                skipped.append(ref)
                continue
            except PortalError as exc:
                result.warnings.append(f"no bilag PDF: {exc} (asked again next time)")
                continue
            if document is None:
                continue
            write_bytes_atomic(folder / name, document)
            caps.spent += len(document)
            files.append(name)
            result.attachments.append(name)
    return files, skipped


def _unchanged(portal: Portal, ref: MeetingRef, before: Fetched, state: SourceState, folder: Path,
               result: SourceReport, pdf: bool, caps: AttachmentCaps | None, progress: Progress | None,
               source: Source) -> None:
    """An unchanged meeting; a PDF the portal failed to give last time is asked for again, and so are
    attachments not on disk yet (left by a run's cap or a failure, or listed before they were fetched)."""
    if pdf and before.pdf_pending:
        document, pending = _pdf(portal, ref, before.files[0].removesuffix(".json"), folder, result)
        before = replace(before, files=before.files + ([document] if document else []), pdf_pending=pending)
        state.record(before)
    if caps:
        try:
            data = json.loads((folder / before.files[0]).read_text("utf-8"))
        except (OSError, ValueError):
            data = {}
        stem = before.files[0].removesuffix(".json")
        saved, too_large = _attachments(portal, data if isinstance(data, dict) else {}, stem, folder, result, caps,
                                        before.too_large)
        new = [f for f in saved if f not in before.files]
        if new or too_large != before.too_large:
            state.record(replace(before, files=before.files + new, too_large=too_large))
    result.unchanged += 1
    _tell(progress, source, ref, "unchanged")


def _tell(progress: Progress | None, source: Source, ref: MeetingRef, what: str) -> None:
    if progress:
        progress(source.name, ref, what)
