"""The `referat` command: a thin layer over corpus.read(), indexer.build() and search.run().

Exit codes: 0 success; 1 some input files could not be read (the others were processed);
2 usage error (bad option, malformed query, unknown or ambiguous cluster/region/forum name);
3 no index, or a damaged one, at the index location; 4 another referat run is writing the index;
5 the index could not be written (disk full, permission denied, read-only); 6 `check --repair`
repaired every problem it found; 130 / 143 interrupted by
SIGINT / SIGTERM (one line says whether the index changed).
"""
from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

import corpus
import indexer
from indexer.engine import DEFAULT_ENGINE, ENGINES, OPENSEARCH_AUTH_ENV, EngineConfig, EngineError, default_config
from indexer.facets import FACETS
from indexer.memory import MEMORY_FRACTION, MIN_DEFAULT_MB, BadMemoryBudget, checked, default_memory_mb

from . import format as fmt
from .output import output_options
from .result import SORTS

Command = Callable[..., Any]  # a command's function, as the option decorators take and give it

EXIT_FILES_FAILED = 1
EXIT_USAGE = 2
EXIT_NO_INDEX = 3
EXIT_LOCKED = 4
EXIT_WRITE_FAILED = 5


class UsageProblem(click.ClickException):
    """A usage error told in one line (exit 2), without click's usage text."""
    exit_code = EXIT_USAGE


class IndexProblem(click.ClickException):
    exit_code = EXIT_NO_INDEX


class IndexBusy(click.ClickException):
    exit_code = EXIT_LOCKED


class WriteFailed(click.ClickException):
    exit_code = EXIT_WRITE_FAILED


def _terminated(signum, frame) -> None:
    raise indexer.Interrupted(signum)


def _default_sigterm_in_child() -> None:
    """Forked workers (the parse pool, Whoosh's writers) must die of SIGTERM as workers do: with this
    CLI's handler they raised instead, printed a traceback, and could leave Pool.terminate() waiting
    forever for a worker blocked on the task queue's lock."""
    if signal.getsignal(signal.SIGTERM) is _terminated:
        with contextlib.suppress(ValueError):  # not the main thread: nothing was inherited there to undo
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


os.register_at_fork(after_in_child=_default_sigterm_in_child)


def _stop(exc: KeyboardInterrupt) -> None:
    """One line and 128 + the signal's number, the shell's convention."""
    signum = getattr(exc, "signum", signal.SIGINT)
    click.echo(f"referat: {exc if isinstance(exc, indexer.Interrupted) else indexer.Interrupted(signum)}", err=True)
    sys.exit(128 + signum)


def index_option(f: Command) -> Command:
    """--index DIR, else $REFERAT_INDEX, else the per-user data directory."""

    @click.option("--index", "index_dir", envvar="REFERAT_INDEX", type=click.Path(file_okay=False),
                  help="Index directory [env REFERAT_INDEX; default: per-user data directory].")
    @functools.wraps(f)
    def wrapper(*args, index_dir=None, **kwargs):
        return f(*args, index_dir=index_dir or str(indexer.default_index_dir()), **kwargs)

    return wrapper


def strict_option(f: Command) -> Command:
    return click.option("--strict", is_flag=True,
                        help="A file that holds no meeting (an attachment, a list of meetings) is a failure.")(f)


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


def registry_option(f: Command) -> Command:
    return click.option("--registry", "registry_file", envvar="REFERAT_REGISTRY", type=click.Path(dir_okay=False),
                        help="JSON file extending or overriding the cluster registry [env REFERAT_REGISTRY].")(f)


def facet_options(multiple: bool = True):
    """One option per facet of indexer.facets (`--cluster`, `--year`, `--body`, `--person`, ...), passed
    on as keyword arguments named after the facet."""

    def decorate(f):
        for facet in reversed(FACETS):
            several = multiple and facet.kind != "section"
            f = click.option(facet.cli_option, *facet.more_options, facet.name, multiple=several, help=facet.help
                             + (" Repeat for any of several." if several else ""))(f)
        return f

    return decorate


class QueryCommand(click.Command):
    """A command whose QUERY words may begin with '-': `referat search telekol -horsens` excludes a word.

    Known options (and their values) go to click; every other argument that is not a `--long` option
    is a query word, passed after `--` so that click does not read `-horsens` as `-h -o ...`.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value = {}
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                for name in param.opts + param.secondary_opts:
                    takes_value[name] = not param.is_flag and not param.count
        options: list[str] = []
        words: list[str] = []
        rest = iter(args)
        for arg in rest:
            if arg == "--":
                words.extend(rest)
                break
            name = arg.split("=", 1)[0]
            if name in takes_value:
                options.append(arg)
                if takes_value[name] and "=" not in arg:
                    value = next(rest, None)
                    if value is not None:
                        options.append(value)
            elif arg.startswith("--"):
                options.append(arg)  # an unknown option: click says so
            else:
                words.append(arg)
        return super().parse_args(ctx, options + (["--", *words] if words else []))


def _errors_as_messages(f: Command) -> Command:
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        from .query import QueryError

        try:
            return f(*args, **kwargs)
        except QueryError as exc:
            raise click.UsageError(str(exc)) from None
        except corpus.RegistryError as exc:
            raise click.UsageError(str(exc)) from None
        except EngineError as exc:
            raise UsageProblem(str(exc)) from None
        except indexer.IndexMissing as exc:
            raise IndexProblem(str(exc)) from None
        except indexer.IndexLocked as exc:
            raise IndexBusy(str(exc)) from None
        except indexer.IndexWriteFailed as exc:
            raise WriteFailed(str(exc)) from None
        except OSError as exc:
            raise WriteFailed(indexer.os_error_text(exc, "the index")) from None
        except KeyboardInterrupt as exc:
            _stop(exc)

    return wrapper


EXIT_INTERRUPTED = 128 + signal.SIGINT


class _Main(click.Group):
    """Ctrl-C anywhere in any command ends it as _stop says (one line, 130); a closed pipe
    (`referat search x | head`) ends it quietly."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            _stop(exc)
        except BrokenPipeError:
            sys.stderr.close()
            ctx.exit(0)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="referat")
def main() -> None:
    """Search the minutes of Danish health clusters.

    \b
    Example:
      referat index --index ./ix minutes/
      referat search --index ./ix telekol --year 2023
    Exit codes: 0 ok, 1 some files failed, 2 usage error, 3 missing or damaged index,
    4 another run is writing the index, 5 the index could not be written, 130/143 interrupted.
    """
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminated)


def _warn(path: str, message: str) -> None:
    click.echo(f"referat: {path}: {message}", err=True)


@main.command()
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


@main.command("index")
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


@main.command("reindex")
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


@main.group("watch")
def watch_group() -> None:
    """Saved searches, reported after each reindex for the items that are new or changed.

    \b
    Example:
      referat watch add telekol 'telekol OR "tele-kol"' --cluster midtklyngen
      referat watch list
      referat watch alerts telekol
      referat watch remove telekol
    """


@watch_group.command("add", cls=QueryCommand)
@click.argument("name")
@click.argument("query", nargs=-1, required=True)
@index_option
@facet_options(multiple=False)
@_errors_as_messages
def watch_add(name, query, index_dir, **filters) -> None:
    """Save a search under NAME (replacing one of the same name).

    \b
    Example:
      referat watch add rekruttering rekruttering --region nordjylland
    """
    from . import watch as watches

    watch = watches.add_watch(index_dir, name, " ".join(query), **filters)
    click.echo(f"saved search {watch.name}: {watch.query}" + "".join(f" --{k} {v}" for k, v in watch.filters.items()))


@watch_group.command("list")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the saved searches as a JSON list.")
@_errors_as_messages
def watch_list(index_dir, as_json) -> None:
    """List the saved searches.

    \b
    Example:
      referat watch list --json
    """
    from . import watch as watches

    saved = watches.list_watches(index_dir)
    if as_json:
        click.echo(json.dumps([w.__dict__ for w in saved], ensure_ascii=False, indent=1))
        return
    for w in saved:
        click.echo(f"{w.name}\t{w.query}" + "".join(f" --{k} {v}" for k, v in w.filters.items()))


@watch_group.command("alerts")
@click.argument("name", required=False)
@index_option
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="How many of the newest reindex runs that found something.")
@click.option("--json", "as_json", is_flag=True, help="Print the alerts as a JSON list, newest run first.")
@_errors_as_messages
def watch_alerts(name, index_dir, limit, as_json) -> None:
    """What the saved searches found in past reindex runs (all, or saved search NAME), newest first.

    Every run's alerts are kept in the index's alerts journal exactly once, also those of a run that was
    killed before it could print them.

    \b
    Example:
      referat watch alerts
      referat watch alerts rekruttering --limit 3 --json
    """
    from . import watch as watches

    found = watches.alerts(index_dir, limit=limit, name=name)
    if as_json:
        click.echo(json.dumps([a.to_json() for a in found], ensure_ascii=False, indent=1))
        return
    if not found:
        click.echo("no alerts recorded" + (f" for {name}" if name else ""))
    for n, entry in enumerate(found):
        noun = "item" if entry.items == 1 else "items"
        click.echo(("\n" if n else "") + f"reindex of {entry.time} ({entry.items} new or changed {noun}):")
        click.echo(fmt.watch_report_text({k: v for k, v in entry.found.items() if v}))


@watch_group.command("remove")
@click.argument("name")
@index_option
@_errors_as_messages
def watch_remove(name, index_dir) -> None:
    """Delete the saved search NAME.

    \b
    Example:
      referat watch remove rekruttering
    """
    from . import watch as watches

    watches.remove_watch(index_dir, name)
    click.echo(f"removed saved search {name}")


@main.command("search", cls=QueryCommand)
@click.argument("query", nargs=-1)
@index_option
@registry_option
@facet_options()
@click.option("--from", "date_from", help="Meetings on or after this date (YYYY-MM-DD).")
@click.option("--to", "date_to", help="Meetings on or before this date (YYYY-MM-DD).")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True,
              help="Best match first, or by meeting date (date: oldest first, -date: newest first).")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True, help="Hits per page.")
@click.option("--page", type=click.IntRange(1), default=1, show_default=True, help="Which page of hits to show.")
@click.option("--all-appearances", is_flag=True,
              help="Every appearance of a case a hit of its own (default: one hit per case, the others under it).")
@output_options
@_errors_as_messages
def search_cmd(query, index_dir, registry_file, date_from, date_to, sort, limit, page, all_appearances, output,
               **filters) -> None:
    """Search agenda items; facet counts cover the whole result set. The items of one case (a case
    number, else a title within a municipality) are one hit: the most recent, the others listed under it.

    \b
    Query language: words (all must match), "a phrase", AND / OR / NOT, -word,
    prefix*, =exactform (no stemming), title:word, beslutning:word, cluster:Name, year:2023,
    bilag:word (the attachments alone, as --in bilag). A hit found only in an attachment
    names it and its page. A case number (21-014446, EMN-2025-010561, 12/27845) finds its
    case's items first.
    \b
    Example:
      referat search telekol --cluster gødstrup --year 2023-2024
      referat search '"livets afslutning"' --section referat --json
      referat search handleplan --in bilag
    """
    from .run import run

    result = run(index_dir, " ".join(query), date_from=date_from, date_to=date_to, sort=sort, limit=limit, page=page,
                 registry_file=registry_file, all_appearances=all_appearances, **filters)
    output.show(result)


@main.command("show")
@click.argument("item_id")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the item, its sources and its meeting's agenda as JSON.")
@_errors_as_messages
def show_cmd(item_id: str, index_dir: str, as_json: bool) -> None:
    """Print one whole agenda item with its metadata, its sources and its meeting's agenda.

    \b
    Example:
      referat show 2024-03-14-faglig-strategisk-grup-fc056e-2
    """
    from .index import open as search_open

    with search_open(index_dir) as ix:
        item = ix.show(item_id)
        meeting = ix.meeting(item.meeting) if item.meeting else None
    if as_json:
        payload = {**item.to_json(), "meeting_context": meeting and meeting.outline()}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=1))
    else:
        click.echo(fmt.item_text(item, meeting))


@main.command("stats")
@index_option
@output_options
@click.option("--stale-days", type=click.FloatRange(min=0), default=2, show_default=True, envvar="REFERAT_STALE_DAYS",
              help="Warn when the last successful reindex is older than this [env REFERAT_STALE_DAYS].")
@_errors_as_messages
def stats_cmd(index_dir: str, output, stale_days: float) -> None:
    """Item counts by body kind, body and year and by cluster and year; when the index was last updated.

    \b
    Example:
      referat stats --json
      referat stats --stale-days 1
    """
    from .run import stats

    counts = stats(index_dir)
    output.show(counts)
    days = counts.days_since_update
    if days is not None and days > stale_days:
        _warn(index_dir, f"warning: the index was last brought up to date {days:.1f} days ago (more than "
                         f"{stale_days:g}): is the nightly reindex failing? see `referat check`")


from .cli_fetch import fetch_cmd, source_group  # noqa: E402  (commands in their own module, registered here)

main.add_command(source_group)
main.add_command(fetch_cmd)

from .cli_serve import serve  # noqa: E402

main.add_command(serve)

from .cli_check import check_cmd  # noqa: E402

main.add_command(check_cmd)

# the meeting model's commands; they import this module's options
from .cli_meetings import case_cmd, meeting_cmd, meetings_cmd, open_cmd  # noqa: E402

main.add_command(meeting_cmd)
main.add_command(meetings_cmd)
main.add_command(case_cmd)
main.add_command(open_cmd)
