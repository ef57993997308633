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
import importlib
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

import click

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
    from indexer import Interrupted

    raise Interrupted(signum)


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
    from indexer import Interrupted

    signum = getattr(exc, "signum", signal.SIGINT)
    click.echo(f"referat: {exc if isinstance(exc, Interrupted) else Interrupted(signum)}", err=True)
    sys.exit(128 + signum)


def index_option(f: Command) -> Command:
    """--index DIR, else $REFERAT_INDEX, else the per-user data directory."""

    @click.option("--index", "index_dir", envvar="REFERAT_INDEX", type=click.Path(file_okay=False),
                  help="Index directory [env REFERAT_INDEX; default: per-user data directory].")
    @functools.wraps(f)
    def wrapper(*args, index_dir=None, **kwargs):
        if not index_dir:
            from indexer import default_index_dir

            index_dir = str(default_index_dir())
        return f(*args, index_dir=index_dir, **kwargs)

    return wrapper


def strict_option(f: Command) -> Command:
    return click.option("--strict", is_flag=True,
                        help="A file that holds no meeting (an attachment, a list of meetings) is a failure.")(f)


def registry_option(f: Command) -> Command:
    return click.option("--registry", "registry_file", envvar="REFERAT_REGISTRY", type=click.Path(dir_okay=False),
                        help="JSON file extending or overriding the cluster registry [env REFERAT_REGISTRY].")(f)


def facet_options(multiple: bool = True):
    """One option per facet of indexer.facets (`--cluster`, `--year`, `--body`, `--person`, ...), passed
    on as keyword arguments named after the facet."""

    def decorate(f):
        from indexer.facets import FACETS

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
        try:
            return f(*args, **kwargs)
        except KeyboardInterrupt as exc:
            _stop(exc)
        except Exception as exc:
            problem = _problem(exc)
            if problem is None:
                raise
            raise problem from None

    return wrapper


def _problem(exc: Exception) -> click.ClickException | None:
    """The one-line message and exit code of a library error (None: not one of them). The error classes
    are imported here, when one was raised, so that loading a command does not load their modules."""
    import indexer
    from corpus.registry import RegistryError
    from indexer.engine import EngineError, unreachable

    from .query import QueryError

    if isinstance(exc, (QueryError, RegistryError)):
        return click.UsageError(str(exc))
    if isinstance(exc, EngineError):
        return UsageProblem(str(exc))
    if isinstance(exc, indexer.IndexMissing):
        return IndexProblem(str(exc))
    if isinstance(exc, indexer.IndexLocked):
        return IndexBusy(str(exc))
    if isinstance(exc, indexer.IndexWriteFailed):
        return WriteFailed(str(exc))
    if isinstance(exc, OSError):
        return WriteFailed(indexer.os_error_text(exc, "the index"))
    if unreachable(exc):  # the cluster's: a refused write (5), or an index it cannot serve (3)
        problem = WriteFailed if type(exc).__name__ == "WriteFailed" else IndexProblem
        return problem(f"{exc}; the index is kept as it is")
    return None


EXIT_INTERRUPTED = 128 + signal.SIGINT


# Every command, in the module that defines it: a module is imported when its command runs (or for
# --help), so that a one-shot `referat search` or `referat --version` loads only what it needs.
COMMANDS = {
    "case": "cli_meetings:case_cmd",
    "check": "cli_check:check_cmd",
    "fetch": "cli_fetch:fetch_cmd",
    "index": "cli_index:index_cmd",
    "meeting": "cli_meetings:meeting_cmd",
    "meetings": "cli_meetings:meetings_cmd",
    "open": "cli_meetings:open_cmd",
    "parse": "cli_index:parse",
    "reindex": "cli_index:reindex_cmd",
    "search": "cli_search:search_cmd",
    "serve": "cli_serve:serve",
    "show": "cli_search:show_cmd",
    "source": "cli_fetch:source_group",
    "stats": "cli_search:stats_cmd",
    "watch": "cli_watch:watch_group",
}


# The commands that read the index once and exit, and the modules such a process imports only for
# libraries that never use them there: Whoosh imports cached_property (which imports asyncio), its
# highlighter and its Levenshtein automata; the standard library's data-file reader imports zipfile (and
# bz2, lzma) and tempfile; the CSV and pager modules are for some outputs only. STAND_INS: modules a
# library takes a function from by name and never calls there: whoosh.compat's urlretrieve
# (urllib.request, with http.client, email and ssl), whoosh.query's English `variations` (the morphology
# tables of whoosh.lang.morph_en), the English stemmer and double metaphone of whoosh.analysis. Each runs
# at its first use (corpus.lazy.defer_imports).
ONE_SHOT = ("case", "meeting", "meetings", "open", "search", "show", "stats")
DEFERRED_IMPORTS = ("asyncio", "bz2", "csv", "email.parser", "lzma", "shlex", "ssl", "subprocess", "tempfile",
                    "whoosh.automata.lev", "whoosh.highlight", "zipfile")
STAND_INS = {"urllib.request": ("urlretrieve",), "whoosh.lang.morph_en": ("variations",),
             "whoosh.lang.porter": ("stem",), "whoosh.lang.dmetaphone": ("double_metaphone",)}


class _Main(click.Group):
    """Commands loaded from COMMANDS on first use. Ctrl-C anywhere in any command ends it as _stop says
    (one line, 130); a closed pipe (`referat search x | head`) ends it quietly."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            if cmd_name in ONE_SHOT:  # before the command's module imports them
                from corpus.lazy import defer_imports

                defer_imports(DEFERRED_IMPORTS, STAND_INS)
            module, name = COMMANDS[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(f".{module}", __package__), name), cmd_name)
        return self.commands.get(cmd_name)

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


