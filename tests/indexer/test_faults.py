"""A run killed, interrupted or stopped at each named point of its work: no process outlives it, no lock is
left held, and the next run ends with exactly the index a clean build gives."""
import os
import signal
import subprocess
import sys

import pytest

import indexer
from indexer.lock import holder
from tests.indexer.faults import children, clean_build, one_item_minutes, running, snapshot, start_at_fault, wait_for

parallel = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the parallel writer needs two cores")


@pytest.fixture
def grown(tmp_path):
    """An index of 5 files whose folder then gets 240 more: the next run takes the parallel writer."""
    folder = tmp_path / "minutes"
    one_item_minutes(folder / "a", 5)
    ix = tmp_path / "ix"
    indexer.build(ix, [folder])
    before = snapshot(ix)
    one_item_minutes(folder / "b", 240, start=100)
    return folder, ix, before


@parallel
def test_kill_9_inside_the_parallel_writer_leaves_no_worker_and_no_lock(tmp_path, grown):
    folder, ix, before = grown
    proc = start_at_fault(["reindex", "--index", str(ix), "--quiet"], "parallel-writer", tmp_path)
    workers = children(proc.pid)
    assert workers, "the parallel writer's workers must be running at this point"
    proc.kill()
    proc.communicate()
    wait_for(lambda: not any(running(w) for w in workers), "the workers to die with their parent", 15)
    assert holder(ix) is None
    assert snapshot(ix) == before  # searchable, and unchanged: nothing was committed
    report = indexer.reindex(ix)
    assert report.failed == [] and len(report.added) == 240
    assert snapshot(ix) == clean_build([folder], tmp_path / "clean")


@pytest.mark.parametrize("point", ["before-commit", "after-commit"])
def test_kill_9_at_a_point_then_the_next_run_completes(tmp_path, grown, point):
    folder, ix, _ = grown
    proc = start_at_fault(["reindex", "--index", str(ix), "--quiet"], point, tmp_path)
    proc.kill()
    proc.communicate()
    assert holder(ix) is None
    assert indexer.reindex(ix).failed == []
    assert snapshot(ix) == clean_build([folder], tmp_path / "clean")


def test_a_forked_child_of_a_killed_writer_cannot_hold_the_lock(tmp_path):
    ix = tmp_path / "ix"
    marker = tmp_path / "forked"
    script = (
        "import os, signal, sys, time\n"
        "from indexer.lock import WriterLock\n"
        "with WriterLock(sys.argv[1]):\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(600)\n"
        "        os._exit(0)\n"
        "    open(sys.argv[2], 'w').write('x')\n"
        "    signal.pause()\n")
    proc = subprocess.Popen([sys.executable, "-c", script, str(ix), str(marker)])
    wait_for(marker.exists, "the writer to fork")
    child = children(proc.pid)
    assert len(child) == 1 and proc.poll() is None
    with pytest.raises(indexer.IndexLocked, match=f"pid {proc.pid}, running"):
        indexer.build(ix, [tmp_path])
    proc.kill()
    proc.wait()
    wait_for(lambda: not running(child[0]), "the forked child to die with its parent", 15)
    assert holder(ix) is None


@parallel
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_of_the_parallel_writer_is_one_line_and_changes_nothing(tmp_path, grown, signum):
    folder, ix, before = grown
    proc = start_at_fault(["index", "--index", str(ix), str(folder)], "parallel-writer", tmp_path)
    workers = children(proc.pid)
    assert workers
    os.killpg(proc.pid, signum) if signum == signal.SIGINT else proc.send_signal(signum)  # Ctrl-C: the group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum
    assert err.strip().splitlines() == ["referat: interrupted; nothing was written, the index is as it was before this run"]
    wait_for(lambda: not any(running(w) for w in workers), "the workers to stop", 15)
    assert holder(ix) is None and snapshot(ix) == before
