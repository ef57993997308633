"""The `referat source` and `referat fetch` commands: a thin layer over corpus.fetch and indexer.reindex."""
from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path

import click

import corpus
import corpus.fetch as fetching
import indexer

from .cli import EXIT_FILES_FAILED, IndexBusy, _errors_as_messages, _warn, index_option, registry_option
from .format import plural


def _source_errors(f):
    """Source and folder problems as one-line messages with the documented exit codes."""
    import functools

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except (fetching.SourceError, corpus.RegistryError) as exc:
            raise click.UsageError(str(exc)) from None
        except fetching.FetchBusy as exc:
            raise IndexBusy(str(exc)) from None

    return wrapper


def politeness(delay: float | None = None, timeout: float | None = None, retries: int | None = None):
    """The options given, else $REFERAT_FETCH_DELAY / _TIMEOUT / _RETRIES, else the polite defaults."""
    default = fetching.Politeness()

    def pick(value, env, kind, fallback):
        if value is not None:
            return value
        try:
            return kind(os.environ[env]) if env in os.environ else fallback
        except ValueError:
            raise click.UsageError(f"${env} must be a number, not {os.environ[env]!r}") from None

    return fetching.Politeness(delay=pick(delay, "REFERAT_FETCH_DELAY", float, default.delay),
                               timeout=pick(timeout, "REFERAT_FETCH_TIMEOUT", float, default.timeout),
                               retries=pick(retries, "REFERAT_FETCH_RETRIES", int, default.retries))


def download_folder(index_dir: str, into: str | None) -> Path:
    """--into, else the folder remembered from an earlier --into, else `fetched` beside the index."""
    listed = fetching.load_sources(index_dir)
    if into:
        folder = Path(into).resolve()
        if listed.folder != str(folder):
            listed.folder = str(folder)
            fetching.save_sources(index_dir, listed)
        return folder
    return listed.download_folder(index_dir)


def _chosen(index_dir: str, names: tuple[str, ...]) -> list[fetching.Source]:
    listed = fetching.load_sources(index_dir)
    portals = [s for s in listed.sources if s.url]
    if not portals:
        raise fetching.SourceError("no sources to fetch from; add one with: referat source add NAME [URL] "
                                   "(referat source list --known shows the known portals)")
    named = [(n, listed.get(n)) for n in names]
    folders_only = [n for n, s in named if s is not None and not s.url]
    if folders_only:
        raise fetching.SourceError(f"source {folders_only[0]!r} is a folder, not a portal: nothing to fetch")
    unknown = [n for n, s in named if s is None]
    if unknown:
        raise fetching.SourceError(f"no source named {', '.join(map(repr, unknown))} "
                                   f"(sources: {', '.join(s.name for s in listed.sources)})")
    return [s for _, s in named if s is not None] if names else portals


def _report_problems(report: fetching.FetchReport, say) -> None:
    for s in report.sources:
        for warning in s.warnings:
            say(f"source {s.name}: warning: {warning}")
        if s.error:
            say(f"source {s.name}: failed: {s.error} (what was fetched before is kept)")


def summary_line(report: fetching.FetchReport) -> str:
    failed = f"; {len(report.failed)} failed" if report.failed else ""
    return (f"fetched from {len(report.sources)} source{'s' * (len(report.sources) != 1)}{failed}: "
            f"{report.new} new, {report.changed} changed, {report.unchanged} unchanged meetings, "
            f"{report.attachments} attachment{'s' * (report.attachments != 1)}; "
            f"{report.requests} requests; {report.seconds:.1f} s")


def run_fetch(index_dir: str, names: tuple[str, ...] = (), into: str | None = None, *, since: date | None = None,
              recheck_days: int = 60, pdf: bool = True, manners: fetching.Politeness | None = None,
              attachments=True,
              progress=None) -> fetching.FetchReport:
    folder = download_folder(index_dir, into)
    return fetching.fetch(folder, _chosen(index_dir, names), since=since, recheck_days=recheck_days, pdf=pdf,
                          attachments=attachments, politeness=manners or politeness(), progress=progress)


def fetch_before_reindex(index_dir: str, paths: list[str], log) -> tuple[list[str], dict | None, bool]:
    """`referat reindex --fetch`: fetch every source, then the roots to reindex (the download folder
    added when it is not recorded yet), the fetch summary, and whether a source failed."""
    try:
        report = run_fetch(index_dir)
    except fetching.SourceError as exc:
        log.warning("fetch skipped: %s", exc)
        return paths, None, False
    except fetching.FetchBusy as exc:
        log.warning("fetch skipped: %s", exc)
        return paths, None, True
    _report_problems(report, lambda text: log.warning("%s", text))
    log.info("%s", summary_line(report))
    if not paths:
        roots = indexer.read_meta(index_dir).get("roots", [])
        paths = roots + [report.folder] if report.folder not in roots else []
    return paths, report.to_json(), bool(report.failed)


@click.group("source")
def source_group() -> None:
    """Portals to fetch minutes from (FirstAgenda Publication), stored beside the index.

    \b
    Example:
      referat source add sundhedsraad-midtjylland
      referat source add greve https://dagsordener.greve.dk --udvalg 'Sundheds- og Omsorgsudvalget'
      referat source list --known
      referat source remove greve
    """


@source_group.command("add")
@click.argument("name")
@click.argument("url", required=False)
@click.option("--udvalg", multiple=True, metavar="ID|NAME",
              help="Only this committee (by id or name; repeatable). Default: every committee of the portal.")
@click.option("--folder", type=click.Path(file_okay=False),
              help="A folder of this source's minutes (got elsewhere): indexed files in it are the source's.")
@click.option("--municipality", metavar="NAME",
              help="Whose minutes these are (default: the municipality the portal's host names).")
@index_option
@registry_option
@_source_errors
def source_add(name, url, udvalg, folder, municipality, index_dir, registry_file) -> None:
    """Add a source: a known portal by NAME, any FirstAgenda portal by URL, or a folder of minutes (replaces
    one of the same name).

    A committee link pasted as URL (…?request.kriterie.udvalgId=…) selects that committee. A
    municipality's portal (or --municipality) makes the committees of its minutes that municipality's.

    \b
    Example:
      referat source add sundhedsraad-horsens
      referat source add rm https://dagsorden.rm.dk --udvalg 'Sundhedsråd Horsens'
      referat source add greve --folder ~/minutes/greve --municipality Greve
    """
    registry = corpus.load_registry(registry_file)
    source = fetching.add_source(index_dir, name, url, list(udvalg), folder=folder, municipality=municipality,
                                 registry=registry)
    which = ", ".join(source.udvalg) if source.udvalg else "every committee"
    where = ", ".join(p for p in (source.url and f"{source.url} ({which})", source.folder) if p)
    place = fetching.source_place(source, registry)
    click.echo(f"added source {source.name}: {where}" + (f"; minutes of {place} Kommune" if place else ""))


@source_group.command("list")
@index_option
@click.option("--known", is_flag=True, help="List the known portals instead (add one by its name).")
@click.option("--json", "as_json", is_flag=True, help="Print the sources as a JSON list.")
@_source_errors
def source_list(index_dir, known, as_json) -> None:
    """List the sources fetched from (or, with --known, the known portals).

    \b
    Example:
      referat source list
      referat source list --known
    """
    sources = fetching.known_sources() if known else fetching.load_sources(index_dir).sources
    if not sources and not as_json:
        _warn("source", "no sources yet; add one with: referat source add NAME [URL] "
                        "(known ones: referat source list --known)")
    if as_json:
        click.echo(json.dumps([s.to_json() for s in sources], ensure_ascii=False, indent=1))
        return
    for s in sources:
        which = ", ".join(s.udvalg) if s.udvalg else "every committee"
        click.echo("\t".join([s.name, s.url or s.folder, s.title if known and s.title else which,
                              s.municipality]).rstrip("\t"))


@source_group.command("remove")
@click.argument("name")
@index_option
@_source_errors
def source_remove(name, index_dir) -> None:
    """Remove the source NAME (files already fetched stay where they are).

    \b
    Example:
      referat source remove rm
    """
    fetching.remove_source(index_dir, name)
    click.echo(f"removed source {name}")


@click.command("fetch")
@index_option
@click.option("--source", "names", multiple=True, metavar="NAME", help="Only this source (repeatable).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only meetings on or after this date (YYYY-MM-DD).")
@click.option("--into", type=click.Path(file_okay=False),
              help="Download folder (remembered); default: the last one, else 'fetched' beside the index.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="Print only warnings and errors.")
@click.option("--delay", type=click.FloatRange(0),
              help="Seconds between requests to one portal [default 1; env REFERAT_FETCH_DELAY].")
@click.option("--timeout", type=click.FloatRange(0.01), help="Seconds to wait for an answer [default 30].")
@click.option("--retries", type=click.IntRange(0), help="Retries after a 5xx or a timeout [default 3].")
@click.option("--recheck-days", type=click.IntRange(0), default=60, show_default=True,
              help="Meetings this recent are downloaded again to catch corrections "
                   "(older ones when their listing changes).")
@click.option("--no-pdf", is_flag=True, help="Do not download the published PDFs.")
@click.option("--no-attachments", is_flag=True, help="Do not download the attachments' (bilag) PDFs.")
@click.option("--max-attachment-mb", type=click.FloatRange(0, min_open=True),
              default=fetching.ATTACHMENT_MB, show_default=True,
              help="Skip (with a warning) an attachment PDF larger than this.")
@click.option("--max-attachments-total-mb", type=click.FloatRange(0, min_open=True),
              default=fetching.ATTACHMENTS_PER_RUN_MB, show_default=True,
              help="Download at most this much attachment PDF in one run; the rest come in the next runs.")
@click.option("--no-index", is_flag=True, help="Only download; do not index what was fetched.")
@registry_option
@_errors_as_messages
@_source_errors
def fetch_cmd(index_dir, names, since, into, as_json, quiet, delay, timeout, retries, recheck_days, no_pdf,
              no_attachments, max_attachment_mb, max_attachments_total_mb, no_index, registry_file) -> None:
    """Fetch new and changed minutes from the sources, then index them.

    Each meeting is saved as the portal's JSON (and its PDF where the portal offers one) under
    FOLDER/source/committee/date_name_id, with its attachments' PDFs beside it
    (date_name_id_bilag_ID.pdf); a corrected meeting is fetched and indexed again.

    \b
    Exit codes: 0 all sources fetched, 1 a source failed (the others were fetched) or files failed
    to index, 2 usage error or no sources, 4 another fetch or index run is writing.
    \b
    Example:
      referat fetch --into ~/referater
      referat fetch --source sundhedsraad-horsens --since 2026-01-01 --json
    """
    def say(text: str) -> None:
        _warn("fetch", text)

    show = sys.stderr.isatty() and not quiet and not as_json

    def progress(source, ref, what):
        if show and what != "unchanged":
            click.echo(f"{source}: {ref.date} {ref.committee} {ref.name}: {what}", err=True)

    try:
        report = run_fetch(index_dir, names, into, since=since.date() if since else None,
                           recheck_days=recheck_days, pdf=not no_pdf, manners=politeness(delay, timeout, retries),
                           attachments=not no_attachments and fetching.AttachmentCaps(max_attachment_mb,
                                                                                      max_attachments_total_mb),
                           progress=progress)
    except OSError as exc:  # a full disk, a folder that cannot be written
        raise click.ClickException(f"fetch stopped: {exc}; what was fetched before is kept") from None
    _report_problems(report, say)
    indexed, busy = None, None
    unindexed = report.folder not in indexer.read_meta(index_dir).get("roots", [])
    if not no_index and (report.new or report.changed or unindexed):
        from indexer.store import has_index

        build = indexer.reindex if has_index(index_dir) else indexer.build
        try:
            indexed = build(index_dir, [report.folder], registry_file=registry_file)
        except indexer.IndexLocked as exc:
            busy = f"{exc}; the fetched files are indexed by the next reindex"
        else:
            for path, reason in indexed.failed:
                _warn(path, f"failed: {reason}")
    if as_json:
        payload = {"fetch": report.to_json(), "index": None if indexed is None else {
            "files": indexed.files, "meetings": indexed.meetings, "items": indexed.items, "failed": len(indexed.failed),
            "skipped": len(indexed.skipped), "seconds": round(indexed.seconds, 2)}}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=1))
    elif not quiet:
        click.echo(summary_line(report) + f"; into {report.folder}")
        if indexed is not None:
            click.echo(f"indexed {plural(indexed.files, 'file')} ({plural(indexed.meetings, 'meeting')}, "
                       f"{plural(indexed.items, 'item')}) "
                       f"into {index_dir}; "
                       f"{len(indexed.failed)} failed, {len(indexed.skipped)} skipped")
    if busy:
        raise IndexBusy(busy)
    if report.failed or (indexed is not None and indexed.failed):
        sys.exit(EXIT_FILES_FAILED)
