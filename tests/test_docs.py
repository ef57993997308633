"""The README's two commands are the ones CI runs, and every command has help text."""
import re

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


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    for name, command in main.commands.items():
        assert command.help and "Example:" in command.help, name
        result = runner.invoke(main, [name, "--help"], catch_exceptions=False)
        assert result.exit_code == 0 and "Example:" in result.output


def test_readme_documents_every_command_and_exit_code():
    text = (ROOT / "README.md").read_text("utf-8")
    for name in main.commands:
        assert f"referat {name}" in text
    from search import cli

    for code in (cli.EXIT_FILES_FAILED, cli.EXIT_USAGE, cli.EXIT_NO_INDEX):
        assert f"| {code} |" in text
