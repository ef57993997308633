"""`referat watch`: saved searches, reported after each reindex (registered in search/cli.py)."""
from __future__ import annotations

import json

import click

from . import format as fmt
from .cli import QueryCommand, _errors_as_messages, facet_options, index_option


@click.group("watch")
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
