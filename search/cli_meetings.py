"""The commands of the meeting model: `referat meeting`, `meetings`, `case` and `open`.

Thin over the Index methods (search.meetings holds the views); registered in search/cli.py.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import click

from indexer.meetings import MEETING_FACETS

from .cli import _errors_as_messages, index_option, registry_option
from .format import plural
from .output import output_options

OPENER_SECONDS = 15  # a desktop opener hands the file to the viewer and returns


def _json(payload) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=1)


def meeting_text(meeting) -> str:
    out = [f"{meeting.date or '(no date)'}  {meeting.name}",
           f"  {plural(len(meeting.items), 'item')} · versions: {', '.join(meeting.versions) or '-'} · id {meeting.id}"]
    for path in meeting.files:
        out.append(f"  file: {path}")
    out.append("")
    for entry in meeting.items:
        outcome = f"  [{entry.outcome}]" if entry.outcome else ""
        out.append(f"{entry.number:>4}. {entry.title}{outcome}")
        if entry.decision:
            out.append(f"      {entry.decision}")
        out.append(f"      [{entry.id}]" + (f"  {entry.sources[0].where}" if entry.sources and entry.sources[0].where
                                             else ""))
    return "\n".join(out)


def case_text(case) -> str:
    numbers = f" ({', '.join(case.case_numbers)})" if case.case_numbers else ""
    n = len(case.appearances)
    out = [f"{case.title}{numbers}: {n} appearance{'s' if n != 1 else ''} (linked by {case.linked_by})"]
    for a in case.appearances:
        out.append("")
        out.append(f"{a.date or '(no date)'}  {a.name}  punkt {a.number}. {a.title}")
        out.append(f"  outcome: {a.outcome or '-'}" + (f" · versions: {', '.join(a.versions)}" if a.versions else ""))
        if a.decision:
            out.append(f"  {a.decision}")
        out.append(f"  [{a.id}]")
    return "\n".join(out)


@click.command("meeting")
@click.argument("meeting_id")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the meeting as one JSON object.")
@_errors_as_messages
def meeting_cmd(meeting_id: str, index_dir: str, as_json: bool) -> None:
    """Print a meeting's agenda with each item's outcome and decision.

    MEETING_ID is a meeting id (from referat meetings) or the id of one of its items.

    \b
    Example:
      referat meeting 2024-03-14-horsens-klyngen-faglig-97014c
    """
    from .index import open as open_index

    with open_index(index_dir) as ix:
        meeting = ix.meeting(meeting_id)
    click.echo(_json(meeting.to_json()) if as_json else meeting_text(meeting))


def meeting_facet_options(f):
    """`--cluster`, `--body`, ...: one option per meeting facet of indexer.facets (repeatable)."""
    for facet in reversed(MEETING_FACETS):
        f = click.option(facet.cli_option, facet.name, multiple=True, help=facet.help)(f)
    return f


@click.command("meetings")
@index_option
@registry_option
@meeting_facet_options
@click.option("--year", help="A year or a range, e.g. 2023 or 2022-2024.")
@click.option("--from", "date_from", help="Meetings on or after this date (YYYY-MM-DD).")
@click.option("--to", "date_to", help="Meetings on or before this date (YYYY-MM-DD).")
@click.option("--sort", type=click.Choice(("-date", "date")), default="-date", show_default=True,
              help="By meeting date: -date newest first, date oldest first.")
@click.option("--limit", type=click.IntRange(1, 100000), default=50, show_default=True, help="Meetings per page.")
@click.option("--page", type=click.IntRange(1), default=1, show_default=True, help="Which page of meetings to show.")
@output_options
@_errors_as_messages
def meetings_cmd(index_dir, registry_file, year, date_from, date_to, sort, limit, page, output, **facets) -> None:
    """List meetings (date, body, items, versions), newest first, with the search filters.

    \b
    Example:
      referat meetings --cluster horsens --year 2024
      referat meetings --format tsv > meetings.tsv
    """
    from .index import open as open_index

    with open_index(index_dir, registry_file=registry_file) as ix:
        listing = ix.meetings(year=year, date_from=date_from, date_to=date_to, sort=sort, limit=limit, page=page,
                              **{name: list(values) for name, values in facets.items() if values})
    output.show(listing)


@click.command("case")
@click.argument("item_id")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the case as one JSON object.")
@_errors_as_messages
def case_cmd(item_id: str, index_dir: str, as_json: bool) -> None:
    """Follow an item's case across meetings: every appearance by date, with its outcome.

    Items are one case when they share a case number (Sagsnr., SagsNummer, EMN-...), or, without one,
    the same title in the same body. ITEM_ID is an item id or a case number.

    \b
    Example:
      referat case 2024-03-14-horsens-klyngen-faglig-97014c-2
      referat case EMN-2024-00417 --json
    """
    from .index import open as open_index

    with open_index(index_dir) as ix:
        case = ix.case(item_id)
    click.echo(_json(case.to_json()) if as_json else case_text(case))


@click.command("open")
@click.argument("item_id")
@index_option
@click.option("--source", "choice", type=click.IntRange(1), help="Open the N-th source listed by referat show.")
@click.option("--attachment", "attachment", type=int, default=None,
              help="Open the item's attachment (bilag) N instead, as `referat show` lists them.")
@click.option("--page", "page", type=int, default=None, help="With --attachment: the page to open it at.")
@click.option("--print", "print_only", is_flag=True, help="Only print the file:// URI, do not open it.")
@_errors_as_messages
def open_cmd(item_id: str, index_dir: str, choice: int | None, attachment: int | None, page: int | None,
             print_only: bool) -> None:
    """Open an item's source file at the item's page (PDF), with the desktop's opener.

    Without an opener (xdg-open, open) on PATH, or with --print, prints the file:// URI
    (`#page=N` for a PDF) instead.

    \b
    Example:
      referat open 2022-11-30-sundhedsklynge-nord-di-67cfa1-3
      referat open 2022-11-30-sundhedsklynge-nord-di-67cfa1-3 --attachment 2 --page 14
    """
    from .index import open as open_index

    with open_index(index_dir) as ix:
        source = ix.attachment(item_id, attachment, page) if attachment is not None else ix.source(item_id, choice)
    opener = None if print_only else desktop_opener()
    if opener is None:
        click.echo(source.uri)
        return
    try:
        done = subprocess.run([opener, source.uri], capture_output=True, timeout=OPENER_SECONDS,
                              check=False)
        failed = done.returncode != 0
    except (OSError, subprocess.TimeoutExpired):
        failed = True
    if failed:
        click.echo(f"referat: {Path(opener).name} could not open the file; its URI is printed instead", err=True)
        click.echo(source.uri)
        return
    click.echo(f"opened {source.uri}")


def desktop_opener() -> str | None:
    """The platform's command that opens a file in the user's viewer (None on a machine without one)."""
    names = {"darwin": ("open",), "win32": ("explorer",)}.get(sys.platform, ("xdg-open", "wslview"))
    return next((found for name in names if (found := shutil.which(name))), None)
