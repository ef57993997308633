"""`referat search`, `show` and `stats`: one-shot reads of the index (registered in search/cli.py)."""
from __future__ import annotations

import json

import click

from . import format as fmt
from .cli import QueryCommand, _errors_as_messages, _warn, facet_options, index_option, registry_option
from .output import output_options
from .result import SORTS


@click.command("search", cls=QueryCommand)
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


@click.command("show")
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


@click.command("stats")
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
