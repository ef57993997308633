"""Output formats, colour, wrapping, the pager and Ctrl-C, through the CLI."""
import csv
import io
import json
import os
import re
import signal
import subprocess
import time

import pytest
from click.testing import CliRunner

from search.cli import EXIT_INTERRUPTED, main
from search.format import wrap
from search.output import colour_wanted
from tests.conftest import BOTH_ENGINES, referat_command

pytestmark = BOTH_ENGINES


def invoke(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


@pytest.mark.parametrize("command", [("search", "rekruttering"), ("stats",)])
def test_every_format_of_search_and_stats(sample_index, command):
    base = [command[0], "--index", sample_index, *command[1:]]
    as_json = json.loads(invoke(*base, "--format", "json").stdout)
    assert json.loads(invoke(*base, "--json").stdout) == as_json
    ndjson = [json.loads(line) for line in invoke(*base, "--format", "ndjson").stdout.splitlines()]
    rows = list(csv.DictReader(io.StringIO(invoke(*base, "--format", "csv").stdout)))
    tsv = list(csv.DictReader(io.StringIO(invoke(*base, "--format", "tsv").stdout), delimiter="\t"))
    if command[0] == "search":
        assert [r["id"] for r in ndjson] == [r["id"] for r in rows] == [r["id"] for r in tsv] == \
            [h["id"] for h in as_json["hits"]]
        assert "**" not in rows[0]["snippet"] and rows[0]["cluster"] == as_json["hits"][0]["cluster"]
    else:
        assert sum(int(r["items"]) for r in rows) == as_json["items"] == sum(r["items"] for r in ndjson)
        assert len(tsv) == len(rows)


def test_colour_is_decided_by_the_option_and_no_color(sample_index, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert colour_wanted("auto", terminal=True) and not colour_wanted("auto", terminal=False)
    assert colour_wanted("always", terminal=False) and not colour_wanted("never", terminal=True)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not colour_wanted("auto", terminal=True)
    monkeypatch.setenv("NO_COLOR", "")  # empty: not set, by the NO_COLOR convention
    assert colour_wanted("auto", terminal=True)
    always = invoke("search", "--index", sample_index, "iltmætning", "--color", "always").stdout
    assert "\x1b[" in always
    assert "\x1b[" not in invoke("search", "--index", sample_index, "iltmætning").stdout


def test_text_wraps_between_words_and_never_inside_an_id():
    snippet = "Gruppen drøftede **iltmætning** hos borgere med kronisk obstruktiv lungesygdom " * 3
    lines = wrap(snippet + " [c33294d53dbc-17]", 40)
    assert all(len(line.replace("**", "")) <= 40 for line in lines)
    assert " ".join(line.strip() for line in lines) == " ".join(snippet.split()) + " [c33294d53dbc-17]"
    assert wrap("x" * 60, 40) == ["   " + "x" * 60]  # too long to break: whole, on its own line


def test_long_text_goes_through_the_pager_only_on_a_terminal(sample_index, tmp_path):
    """A pseudo-terminal makes stdout a terminal; the pager is a script that records what it got."""
    pty = pytest.importorskip("pty")
    record = tmp_path / "paged.txt"
    pager = tmp_path / "pager.sh"
    pager.write_text(f"#!/bin/sh\ncat > {record}\n")
    pager.chmod(0o755)
    env = dict(os.environ, PAGER=str(pager), LINES="5", COLUMNS="60")
    cmd = [referat_command(), "search", "--index", str(sample_index), "*", "--limit", "20"]
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(cmd[0], cmd, env)
    output = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    os.waitpid(pid, 0)
    paged = record.read_text("utf-8")
    visible = re.sub(r"\x1b\[[0-9;]*m", "", paged)
    assert "17 items match" in visible and all(len(line) <= 60 for line in visible.splitlines())
    piped = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert "17 items match" in piped.stdout  # piped: printed, not paged
    assert record.read_text("utf-8") == paged


def test_ctrl_c_ends_with_one_line_and_exit_130(tmp_path):
    """SIGINT to a real `referat index` run while it works through 400 files."""
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(400):
        (folder / f"{i}.txt").write_text("Referat\n\n1. Punkt\nTekst.\n" * 50, "utf-8")
    proc = subprocess.Popen([referat_command(), "index", "--index", str(tmp_path / "ix"), "-q", str(folder)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (tmp_path / "ix").exists():
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == EXIT_INTERRUPTED, err
    assert err.strip().splitlines()[-1].startswith("referat: ") and "Traceback" not in err
