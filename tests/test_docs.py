"""The README's two commands are the ones CI runs, and every command has help text."""
import re

import click
from click.testing import CliRunner

from search.cli import main
from tests.conftest import ROOT


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", text, re.S)]


def test_readme_starts_with_two_commands_and_ci_runs_the_test_one():
    commands = readme_commands()
    assert len(commands) == 2
    assert "referat index" in commands[0] and "referat search" in commands[0]
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert commands[1] in ci


def all_commands(group=main, prefix=()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # the group loads each command's module when asked for it
        command = group.get_command(ctx, name)
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from all_commands(command, prefix + (name,))


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    for path, command in all_commands():
        assert command.help and "Example:" in command.help, path
        result = runner.invoke(main, [*path, "--help"], catch_exceptions=False)
        assert result.exit_code == 0 and "Example:" in result.output


def test_readme_documents_every_command_and_exit_code():
    text = (ROOT / "README.md").read_text("utf-8")
    for path, _ in all_commands():
        assert "referat " + " ".join(path) in text, path
    assert "## Nightly reindex" in text
    for unit in ("referat-reindex.service", "referat-reindex.timer", "crontab"):
        assert (ROOT / "contrib" / unit).is_file()
    from search import cli
    from search.cli_check import EXIT_REPAIRED

    for code in (cli.EXIT_FILES_FAILED, cli.EXIT_USAGE, cli.EXIT_NO_INDEX, cli.EXIT_LOCKED, cli.EXIT_WRITE_FAILED,
                 EXIT_REPAIRED):
        assert f"| {code} |" in text
