"""A full disk while indexing: one line naming the path and the cause, exit 5, the index as it was (or,
after the commit, completed by the next run), never a traceback or a lost item."""
import os
import resource
import subprocess

import pytest

from tests.conftest import referat_command
from tests.indexer.faults import clean_build, indexed, one_item_minutes, snapshot, start_at_fault

EXIT_WRITE_FAILED = 5
FREE_BYTES = 96 * 1024


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB tmpfs (as root, as in CI) holding the index; else a file-size limit for the runs."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)], capture_output=True, check=False).returncode == 0
    yield disk, mounted
    if mounted:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk, mounted) -> dict:
    """Leave FREE_BYTES on the disk (or limit file sizes to that much); returns Popen arguments."""
    if not mounted:
        return {"preexec_fn": lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (FREE_BYTES, FREE_BYTES))}
    st = os.statvfs(disk)
    with open(disk / "filler", "wb") as f:
        f.write(b"\0" * (st.f_bavail * st.f_frsize - FREE_BYTES))
    return {}


def run(args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([referat_command(), *args], capture_output=True, text=True, check=False, **kwargs)


@pytest.mark.parametrize("command", ["reindex", "index"])
def test_a_full_disk_while_writing_is_one_line_and_the_index_is_intact(tmp_path, small_disk, command):
    disk, mounted = small_disk
    folder, ix = indexed(tmp_path, 5, sub="a", at=disk)
    before = snapshot(ix)
    one_item_minutes(folder / "b", 260, start=100, word="overbelægning")
    limits = fill(disk, mounted)
    result = run([command, "--index", str(ix), "--quiet"] + ([str(folder)] if command == "index" else []), **limits)
    assert result.returncode == EXIT_WRITE_FAILED, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert ("No space left on device" in lines[0] or "File too large" in lines[0])
    assert "nothing was committed, the index is as it was before this run" in lines[0]
    assert snapshot(ix) == before
    (disk / "filler").unlink(missing_ok=True)
    assert run([command, "--index", str(ix), "--quiet"] + ([str(folder)] if command == "index" else [])).returncode == 0
    assert snapshot(ix) == clean_build([folder], tmp_path / "clean")
    assert run(["check", "--index", str(ix)]).returncode == 0


def test_a_failure_after_the_commit_says_so_and_the_next_run_completes(tmp_path):
    folder, ix = indexed(tmp_path, 5, sub="a")
    one_item_minutes(folder / "b", 3, start=100)
    proc = start_at_fault(["reindex", "--index", str(ix), "--quiet"], "after-state", tmp_path, action="enospc")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == EXIT_WRITE_FAILED
    assert len(err.strip().splitlines()) == 1 and "the index was updated" in err and "as it was before" not in err
    # The side files of the new generation were written before its commit: pending, not missing.
    assert run(["check", "--index", str(ix)]).returncode == 0
    assert run(["reindex", "--index", str(ix), "--quiet"]).returncode == 0
    assert run(["check", "--index", str(ix)]).returncode == 0
    assert snapshot(ix) == clean_build([folder], tmp_path / "clean")


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the parallel writer needs two cores")
def test_a_worker_of_the_parallel_writer_that_fails_stops_the_commit(tmp_path):
    folder, ix = indexed(tmp_path, 5, sub="a")
    before = snapshot(ix)
    one_item_minutes(folder / "b", 450, start=100)
    result = run(["reindex", "--index", str(ix), "--quiet"],
                 env={**os.environ, "REFERAT_FAULT": "parallel-worker", "REFERAT_FAULT_ACTION": "enospc"})
    assert result.returncode == EXIT_WRITE_FAILED and "No space left on device" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(ix) == before  # not the other workers' half of the items
    assert run(["reindex", "--index", str(ix), "--quiet"]).returncode == 0
    assert snapshot(ix) == clean_build([folder], tmp_path / "clean")
    assert not [p for p in ix.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.skipif(os.geteuid() != 0, reason="remounting a tmpfs read-only needs root (as in CI)")
def test_a_read_only_index_is_one_line_for_every_writing_command_and_searches_still_work(tmp_path, small_disk):
    disk, mounted = small_disk
    if not mounted:
        pytest.skip("no tmpfs could be mounted")
    folder, ix = indexed(tmp_path, 4, at=disk)
    before = snapshot(ix)
    one_item_minutes(folder, 2, start=50)
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    for args in (["reindex", "--index", str(ix), "--quiet"], ["index", "--index", str(ix), "--quiet", str(folder)],
                 ["watch", "add", "--index", str(ix), "w", "sag"], ["check", "--index", str(ix), "--repair"]):
        result = run(args)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == EXIT_WRITE_FAILED and len(lines) == 1, (args, result.stderr)
        assert "Read-only file system" in lines[0] and str(ix) in lines[0]
    assert run(["search", "--index", str(ix), "sag"]).returncode == 0
    assert run(["check", "--index", str(ix)]).returncode == 0
    assert snapshot(ix) == before
