"""`referat check [--repair]`: whether the index is whole, a thin layer over indexer.health."""
from __future__ import annotations

import json
import sys

import click

from .cli import EXIT_NO_INDEX, _errors_as_messages, index_option

EXIT_REPAIRED = 6


@click.command("check")
@index_option
@click.option("--repair", is_flag=True, help="Mend what can be derived from the index (side files, meta, leftovers).")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as one JSON object.")
@_errors_as_messages
def check_cmd(index_dir: str, repair: bool, as_json: bool) -> None:
    """Check that the index opens, its side files belong to its current generation and agree with it,
    the per-file state matches the items, and the lock holder (if any) is alive.

    \b
    Exit codes: 0 healthy, 6 problems found and all repaired (--repair),
    3 damaged (what remains is listed with what to do).
    \b
    Example:
      referat check --index ./ix
      referat check --index ./ix --repair
    """
    from indexer import health as checking

    found = checking.check(index_dir, repair=repair)
    click.echo(json.dumps(found.to_json(), ensure_ascii=False, indent=1) if as_json else checking.describe(found))
    if found.damaged:
        sys.exit(EXIT_NO_INDEX)
    if not found.healthy:
        sys.exit(EXIT_REPAIRED)
