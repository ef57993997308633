"""The output options every command that prints rows shares (`--format`, `--json`, `--color`), and
writing to the terminal: colour decided once, text wrapped to the terminal's width, long text through a
pager as git does (never when piped)."""
from __future__ import annotations

import contextlib
import functools
import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass

import click

from .format import FORMATS, render


@dataclass(frozen=True)
class Output:
    fmt: str
    colour: bool
    terminal: bool

    def show(self, obj) -> None:
        width = shutil.get_terminal_size().columns if self.terminal and self.fmt == "text" else None
        text = render(obj, self.fmt, colour=self.colour, width=width)
        if self.terminal and self.fmt == "text" and text.count("\n") + 1 > shutil.get_terminal_size().lines:
            page(text)
        elif text:
            click.echo(text, color=self.colour or None)  # click would strip asked-for colour when piped


def colour_wanted(choice: str, terminal: bool) -> bool:
    """--color always/never decide; auto means a terminal and no (non-empty) NO_COLOR."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    return terminal and not os.environ.get("NO_COLOR")


def page(text: str) -> None:
    """Through $PAGER (else `less -R`, with LESS=FRX as git sets it); printed directly if none runs."""
    command = os.environ.get("PAGER") or "less -R"
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    try:
        pager = subprocess.Popen(shlex.split(command), stdin=subprocess.PIPE, env=env)
    except (OSError, ValueError):
        click.echo(text)
        return
    with contextlib.suppress(BrokenPipeError):  # the user quit the pager early
        pager.communicate((text + "\n").encode("utf-8"))


def output_options(f):
    """--format text|json|ndjson|csv|tsv, --json (= --format json) and --color auto|always|never, given
    to the command as one `output` argument."""

    @click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
                  help="Output format: text for people, json/ndjson/csv/tsv for programs.")
    @click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
    @click.option("--color", "--colour", "colour", type=click.Choice(("auto", "always", "never")), default="auto",
                  show_default=True, help="Colour the text output (auto: on a terminal, unless NO_COLOR is set).")
    @functools.wraps(f)
    def wrapper(*args, fmt: str, as_json: bool, colour: str, **kwargs):
        terminal = sys.stdout.isatty()
        output = Output("json" if as_json else fmt, colour_wanted(colour, terminal), terminal)
        return f(*args, output=output, **kwargs)

    return wrapper
