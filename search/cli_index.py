"""`referat parse`, `index` and `reindex`: reading minutes and writing the index (registered in search/cli.py)."""
from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

import click

import corpus
import indexer
from indexer.engine import DEFAULT_ENGINE, ENGINES, OPENSEARCH_AUTH_ENV, EngineConfig, EngineError, default_config
from indexer.memory import MEMORY_FRACTION, MIN_DEFAULT_MB, BadMemoryBudget, checked, default_memory_mb

from . import format as fmt
from .cli import (
    EXIT_FILES_FAILED,
    Command,
    UsageProblem,
    _errors_as_messages,
    _warn,
    index_option,
    registry_option,
    strict_option,
)


def memory_option(f: Command) -> Command:
    """--memory-mb N: the run's memory budget (indexer.memory), a bad value one line and exit 2."""

    def check(ctx, param, value):
        try:
            return None if value is None else checked(value)
        except BadMemoryBudget as exc:
            raise UsageProblem(str(exc)) from None

    return click.option("--memory-mb", "memory_mb", metavar="N", callback=check,
                        help=f"Memory budget of the run in MB: documents are written in batches within it "
                             f"[default: 1/{MEMORY_FRACTION} of this machine's memory, at least "
                             f"{MIN_DEFAULT_MB}: here {default_memory_mb()}].")(f)


@click.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file (a list for several files).")
@registry_option
@_errors_as_messages
def parse(files: tuple[str, ...], as_json: bool, registry_file: str | None) -> None:
    """Split minutes into agenda items and show what was found.

    \b
    Example:
      referat parse minutes/2024-11-27.pdf
      referat parse --json minutes/*.txt
    """
    meetings, failed = [], 0
    for path in corpus.iter_files(list(files)):
        try:
            meeting = corpus.read(path, registry_file)
        except corpus.ReadError as exc:
            _warn(str(path), str(exc))
            failed += 1
            continue
        for warning in meeting.warnings:
            _warn(str(path), f"warning: {warning}")
        meetings.append(meeting)
    if as_json:
        payload = [m.to_json() for m in meetings]
        one = len(files) == 1 and len(payload) == 1 and not Path(files[0]).is_dir()
        click.echo(json.dumps(payload[0] if one else payload, ensure_ascii=False, indent=1))
    else:
        click.echo("\n\n".join(fmt.meeting_outline(m) for m in meetings))
    if failed:
        sys.exit(EXIT_FILES_FAILED)


@click.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@index_option
@registry_option
@click.option("--quiet", "-q", is_flag=True, help="Print only warnings and errors.")
@strict_option
@memory_option
@click.option("--engine", "engine_name", type=click.Choice(list(ENGINES)), default=None,
              help=f"Where the index keeps its items, chosen by its first `index` and kept [default: env "
                   f"REFERAT_ENGINE, else {DEFAULT_ENGINE}, in the index folder].")
@click.option("--url", help="The OpenSearch cluster's address, e.g. http://127.0.0.1:9200 [default: env "
                            "REFERAT_OPENSEARCH_URL] (with --engine opensearch; "
                            f"a password as user:password in env {OPENSEARCH_AUTH_ENV}).")
@click.option("--opensearch-index", "opensearch_index", metavar="NAME",
              help="The OpenSearch index (alias) name [default: made from the index folder].")
@_errors_as_messages
def index_cmd(paths: tuple[str, ...], index_dir: str, registry_file: str | None, quiet: bool, strict: bool,
              memory_mb: int | None, engine_name: str | None, url: str | None, opensearch_index: str | None) -> None:
    """Index minutes files and folders (recursively); re-indexing a file replaces its items.

    A file that holds no meeting (an attachment, a portal's list of meetings) is skipped and named;
    with --strict it is a failure (exit 1). The first `index` of a folder records its engine (--engine);
    every later command uses it, and naming another one is an error (exit 2). The run holds at most about
    --memory-mb of documents before it writes them, in batches, to the one generation it commits.

    \b
    Example:
      referat index --index ./ix minutes/ more/2024-11-27.pdf
      referat index --index ./ix --memory-mb 500 archive/
      referat index --index ./ix --engine opensearch --url http://127.0.0.1:9200 minutes/
    """
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:  # a typo must not leave an empty index behind it
        raise click.UsageError(f"{missing[0]}: no such file or directory; nothing was indexed")
    engine = _engine_asked(engine_name, url, opensearch_index)
    show_bar = sys.stderr.isatty() and not quiet
    files = [f for f in corpus.iter_files(list(paths))] if show_bar else []
    if show_bar:
        with click.progressbar(length=len(files), label="indexing", file=sys.stderr) as bar:
            report = indexer.build(index_dir, list(paths), registry_file=registry_file,
                                   progress=lambda _: bar.update(1), engine=engine, memory_mb=memory_mb)
    else:
        report = indexer.build(index_dir, list(paths), registry_file=registry_file, engine=engine,
                               memory_mb=memory_mb)
    if strict:
        report.failed += report.not_meetings
        report.not_meetings = []
    for path, reason in report.skipped + report.not_meetings:
        _warn(path, f"skipped: {reason}")
    for path, reason in report.failed:
        _warn(path, f"failed: {reason}")
    if not quiet:
        for path, warning in report.warnings:
            _warn(path, f"warning: {warning}")
        click.echo(
            f"indexed {fmt.plural(report.files, 'file')}, {fmt.plural(report.meetings, 'meeting')}, "
            f"{fmt.plural(report.items, 'item')} into {index_dir}; "
            + (f"{_copies(report)}; " if report.copies else "")
            + f"{len(report.failed)} failed, {len(report.skipped) + len(report.not_meetings)} skipped"
            + (f" ({_not_meetings(report)})" if report.not_meetings else "")
            + f", {fmt.plural(len(report.warnings), 'warning')}; "
            f"{report.seconds:.1f} s"
        )
    if report.failed:
        sys.exit(EXIT_FILES_FAILED)


def _engine_asked(name: str | None, url: str | None, index: str | None) -> EngineConfig | None:
    """The engine `index` was asked for (None: the one recorded, or the default for a new index)."""
    if name is None and (url or index):
        name = "opensearch"
    if name is None:
        return None
    if name != "opensearch" and (url or index):
        raise UsageProblem(f"--url and --opensearch-index are for --engine opensearch, not {name}")
    if name == "opensearch" and not url:
        try:
            url = default_config(name).url
        except EngineError as exc:
            raise UsageProblem(str(exc)) from None
    return EngineConfig(name, url, index)


def _not_meetings(report) -> str:
    n = len(report.not_meetings)
    return f"{n} files hold no meeting" if n != 1 else "1 file holds no meeting"


def _copies(report) -> str:
    n = len(report.copies)
    return (f"{n} files are other formats of meetings already indexed" if n != 1
            else "1 file is another format of a meeting already indexed")


def _logger(quiet: bool, log_file: str | None) -> logging.Logger:
    """Timestamped lines on stderr (warnings only with --quiet) and, with --log, appended to a file."""
    log = logging.getLogger("referat.reindex")
    log.handlers.clear()
    log.setLevel(logging.INFO)
    log.propagate = False
    form = logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%S")
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.WARNING if quiet else logging.INFO)
    console.setFormatter(form)
    log.addHandler(console)
    if log_file:
        try:
            handler = logging.FileHandler(log_file, encoding="utf-8")
        except OSError as exc:
            raise click.UsageError(f"cannot open log file {log_file}: {exc.strerror}") from None
        handler.setFormatter(form)
        log.addHandler(handler)
    return log


@click.command("reindex")
@click.argument("paths", nargs=-1, type=click.Path())
@index_option
@registry_option
@click.option("--quiet", "-q", is_flag=True, help="Log only warnings and errors (for cron).")
@click.option("--log", "log_file", type=click.Path(dir_okay=False), help="Also append the log lines to this file.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary and the saved-search matches as JSON.")
@click.option("--fetch", "fetch_first", is_flag=True, help="First fetch new minutes from the sources (referat fetch).")
@strict_option
@memory_option
@_errors_as_messages
def reindex_cmd(paths, index_dir, registry_file, quiet, log_file, as_json, fetch_first, strict, memory_mb) -> None:
    """Bring the index up to date: new, changed (by content hash) and deleted files.

    Re-scans the roots recorded by `referat index` (or the PATHs given), then reports the new
    or changed items that match each saved search (`referat watch`). A file that fails to read
    keeps its previously indexed items.

    \b
    A file that holds no meeting is skipped and logged (with --strict: failed).

    \b
    Exit codes: 0 all good, 1 some files failed, 3 missing or damaged index,
    4 another reindex holds the lock (exits at once), 5 the index could not be written,
    130/143 interrupted.
    \b
    Example:
      referat reindex --index ./ix --quiet --log /var/log/referat.log
      referat reindex --fetch --quiet
    """
    log = _logger(quiet, log_file)
    fetched, fetch_failed = None, False
    if fetch_first:
        from .cli_fetch import fetch_before_reindex

        paths, fetched, fetch_failed = fetch_before_reindex(index_dir, list(paths), log)
    log.info("reindex of %s started", index_dir)

    from . import watch as watches

    try:
        report = indexer.reindex(index_dir, list(paths) or None, registry_file=registry_file,
                                 alerts=watches.matcher(index_dir), memory_mb=memory_mb)
    except (indexer.IndexLocked, indexer.IndexMissing, indexer.IndexWriteFailed, KeyboardInterrupt) as exc:
        log.handlers[0].setLevel(logging.CRITICAL + 1)  # the error line below goes to stderr once, not twice
        log.error("reindex stopped: %s", exc)
        raise
    if strict:
        report.failed += report.not_meetings
        report.not_meetings = []
    for path, reason in report.failed:
        log.warning("%s: failed: %s", path, reason)
    for path, reason in report.skipped + report.not_meetings:
        log.info("%s: skipped: %s", path, reason)
    for path, warning in report.warnings:
        log.info("%s: warning: %s", path, warning)
    summary = {
        "added": len(report.added), "updated": len(report.updated), "removed": len(report.removed),
        "unchanged": report.unchanged, "failed": len(report.failed), "not_meetings": len(report.not_meetings),
        "copies": len(report.copies),
        "meetings_written": report.meetings, "items_written": report.items,
        "items_removed": report.removed_items, "new_items": len(report.new_items), "batches": report.batches,
        "seconds": round(report.seconds, 2),
    }
    log.info("reindex done: %s", ", ".join(f"{k} {v}" for k, v in summary.items()))
    if report.copies:
        log.info("%s", _copies(report))
    found = watches.found_by(index_dir, report.alerts)
    for name, hits in found.items():
        if hits:
            log.info("saved search %s: %d new or changed items", name, len(hits))
    if as_json:
        payload = {"summary": summary, "fetch": fetched,
                   "watches": {name: [h.to_json() for h in hits] for name, hits in found.items()}}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=1))
    elif not quiet or any(found.values()):
        click.echo(fmt.watch_report_text(found))
    if report.failed or fetch_failed:
        sys.exit(EXIT_FILES_FAILED)
