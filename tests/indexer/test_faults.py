"""A run killed, interrupted or stopped at each named point of its work: no process outlives it, no lock is
left held, and the next run ends with exactly the index a clean build gives."""
import json
import multiprocessing
import os
import signal
import subprocess
import sys

import pytest
from click.testing import CliRunner

import indexer
import search
from indexer import compounds, outbox, spelling
from indexer.engines.whoosh.private import current_segments, segment_pattern
from indexer.lock import holder, holder_state
from indexer.schema import SCHEMA_VERSION
from indexer.store import write_atomic
from search import watch
from search.cli import main
from tests.indexer.faults import (
    children,
    clean_build,
    indexed,
    one_item_minutes,
    running,
    snapshot,
    start_at_fault,
    wait_for,
)
from tests.pdfwriter import make_scanned_pdf

parallel = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the parallel writer needs two cores")


@pytest.fixture
def grown(tmp_path):
    """An index of 5 files whose folder then gets 240 more: the next run takes the parallel writer."""
    folder, ix = indexed(tmp_path, 5, sub="a")
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


def _segment_files(ix) -> tuple[set[str], set[str]]:
    """(the segment ids the index's files hold, those its table of contents names)."""
    named = {segment.segment_id() for segment in current_segments(indexer.open_index(ix))}
    on_disk = {match.group(1) for f in ix.iterdir() if (match := segment_pattern().match(f.name))}
    return on_disk, named


@pytest.mark.parametrize("cores", [pytest.param("forked", marks=parallel), "in-process"])
def test_kill_9_between_two_batches_of_a_small_budget_then_the_next_run_completes(tmp_path, grown, cores):
    """A run under a tiny --memory-mb has written one batch of segments, uncommitted, and is killed before
    the next: the index is as it was, and the next run removes that batch's files and indexes everything."""
    folder, ix, before = grown
    allowed = os.sched_getaffinity(0)
    if cores == "in-process":  # the run inherits one core: it writes its batches itself
        os.sched_setaffinity(0, {min(allowed)})
    try:
        proc = start_at_fault(["reindex", "--index", str(ix), "--quiet", "--memory-mb", "1"], "writer-batch",
                              tmp_path)
    finally:
        os.sched_setaffinity(0, allowed)
    on_disk, named = _segment_files(ix)
    assert on_disk - named, "the first batch's segments are on disk, named by no table of contents"
    proc.kill()
    proc.communicate()
    assert holder(ix) is None
    assert snapshot(ix) == before
    report = indexer.reindex(ix, memory_mb=1)
    assert report.failed == [] and len(report.added) == 240 and report.batches > 1
    on_disk, named = _segment_files(ix)
    assert on_disk == named
    assert snapshot(ix) == clean_build([folder], tmp_path / "clean")


SCANNED = [["Referat", "Chefforum Køge-klyngen", "Mødedato: 3. marts 2026", "",
            "1. Opfølgning på udskrivningsforløb", "Beslutning", "Drøftet.", "",
            "2. Fælles plan for hjemmebehandling", "Beslutning", "Godkendt."]]


@parallel
def test_kill_9_during_ocr_in_a_parse_worker_then_the_next_run_completes(tmp_path, grown, tesseract, ocr_cache):
    """A scanned PDF among 240 new files is read by OCR in a parse worker when the run is killed."""
    folder, ix, before = grown
    scan = folder / "b" / "scan.pdf"
    scan.write_bytes(make_scanned_pdf(SCANNED))
    proc = start_at_fault(["reindex", "--index", str(ix), "--quiet"], "ocr", tmp_path)
    assert proc.at_fault != proc.pid and running(proc.at_fault), "OCR runs in a parse worker of the run"
    proc.kill()
    proc.communicate()
    wait_for(lambda: not running(proc.at_fault), "the parse worker to die with its parent", 15)
    assert holder(ix) is None and snapshot(ix) == before
    assert not list(ocr_cache.glob("*.json")), "nothing half-read is cached"
    report = indexer.reindex(ix)
    assert report.failed == [] and str(scan.resolve()) in report.added
    after = snapshot(ix)
    assert after == clean_build([folder], tmp_path / "clean")
    assert sum(path == str(scan.resolve()) for _, path, *_ in after) == 2  # both items of the scanned minutes


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
    assert holder_state(ix) == (f"pid {proc.pid}, running", True)
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


def spelling_words(index_dir) -> list[str]:
    return [line for line in (index_dir / spelling.SPELLING_FILE).read_text("utf-8").splitlines()
            if not line.startswith("#")]


@pytest.fixture
def watched(tmp_path):
    """An index with a saved search, and three new files it matches."""
    folder, ix = indexed(tmp_path, 5, sub="a")
    watch.add_watch(ix, "tele", "telemedicin")
    one_item_minutes(folder / "b", 3, start=100, word="telemedicin")
    return folder, ix


def alerts(ix) -> list[str]:
    """The ids a reindex reports to the saved search `tele`."""
    report = indexer.reindex(ix, alerts=watch.matcher(ix))
    assert report.failed == []
    return sorted(h["id"] for record in report.alerts for h in record["watches"]["tele"])


def journaled(ix) -> list[str]:
    """Every id the alerts journal holds for `tele`, as often as it holds it."""
    return sorted(h["id"] for record in outbox.journal(ix) for h in record["watches"].get("tele", []))


@pytest.mark.parametrize("point", ["before-commit", "after-commit", "after-state", "after-compounds", "after-meta",
                                   "after-journal"])
def test_kill_9_at_each_point_then_every_alert_is_delivered_once(tmp_path, watched, point):
    folder, ix = watched
    proc = start_at_fault(["reindex", "--index", str(ix), "--quiet", "--json"], point, tmp_path)
    proc.kill()
    out, _ = proc.communicate()
    assert out == "" and holder(ix) is None  # killed before it printed anything
    delivered = alerts(ix)
    assert len(delivered) == 3
    assert alerts(ix) == []  # never twice
    assert journaled(ix) == delivered  # recorded once, whether the killed run recorded them or the next one
    clean = tmp_path / "clean"
    assert snapshot(ix) == clean_build([folder], clean)
    assert spelling_words(ix) == spelling_words(clean)
    assert compounds.is_sound(ix, indexer.open_index(ix).latest_generation())


def test_alerts_of_a_committed_run_survive_a_later_run_killed_before_its_commit(tmp_path, watched):
    folder, ix = watched
    first = start_at_fault(["reindex", "--index", str(ix), "--quiet"], "after-commit", tmp_path)
    first.kill()
    first.communicate()
    one_item_minutes(folder / "c", 2, start=300, word="telemedicin")
    second = start_at_fault(["reindex", "--index", str(ix), "--quiet"], "before-commit", tmp_path)
    second.kill()
    second.communicate()
    delivered = alerts(ix)
    assert len(delivered) == 5  # the first run's three, committed, and the two the second never committed
    assert alerts(ix) == [] and journaled(ix) == delivered


def test_the_cli_prints_the_alerts_a_killed_run_recorded_and_the_journal_lists_them(tmp_path, watched):
    _, ix = watched
    proc = start_at_fault(["reindex", "--index", str(ix), "--quiet"], "after-journal", tmp_path)
    proc.kill()
    proc.communicate()
    result = CliRunner().invoke(main, ["reindex", "--index", str(ix), "--quiet"])
    assert result.exit_code == 0 and result.output.count("telemedicin") == 3
    assert "tele: 3 new or changed items" in result.output
    assert "tele: 0 new or changed items" in CliRunner().invoke(main, ["reindex", "--index", str(ix)]).output
    listed = CliRunner().invoke(main, ["watch", "alerts", "--index", str(ix), "--json"])
    assert listed.exit_code == 0
    records = json.loads(listed.output)
    assert len(records) == 1 and records[0]["items"] == 3 and len(records[0]["watches"]["tele"]) == 3
    text = CliRunner().invoke(main, ["watch", "alerts", "tele", "--index", str(ix)]).output
    assert text.startswith("reindex of 20") and text.count("Telemedicin nummer") == 3


def test_a_damaged_alerts_journal_is_reported_and_repaired_keeping_its_readable_records(tmp_path, watched):
    _, ix = watched
    assert len(alerts(ix)) == 3
    journal = ix / outbox.JOURNAL_FILE
    journal.write_bytes(journal.read_bytes() + b'{"seq": 2, "generat\n\x00\xff\n')
    result = CliRunner().invoke(main, ["check", "--index", str(ix)])
    assert result.exit_code == 3 and "alerts.jsonl: damaged: 2 lines cannot be read" in result.output
    assert CliRunner().invoke(main, ["check", "--index", str(ix), "--repair"]).exit_code == 6
    assert CliRunner().invoke(main, ["check", "--index", str(ix)]).exit_code == 0
    assert len(journaled(ix)) == 3 and alerts(ix) == []


def test_spelling_counts_do_not_grow_when_files_are_indexed_again(tmp_path):
    folder, ix = indexed(tmp_path, 6)
    first = spelling_words(ix)
    indexer.build(ix, [folder])
    indexer.build(ix, [folder])
    assert spelling_words(ix) == first
    (folder / "m00000.txt").unlink()
    one_item_minutes(folder, 1, start=50, word="hjerte")
    indexer.reindex(ix)
    clean = tmp_path / "clean"
    clean_build([folder], clean)
    assert spelling_words(ix) == spelling_words(clean)


def test_fifty_concurrent_watch_adds_lose_nothing(tmp_path):
    _, ix = indexed(tmp_path, 3)
    with multiprocessing.get_context("fork").Pool(8) as pool:
        pool.starmap(watch.add_watch, [(ix, f"w{n}", "sag") for n in range(50)])
    assert sorted(w.name for w in watch.list_watches(ix)) == sorted(f"w{n}" for n in range(50))


def test_write_atomic_leaves_no_temporary_file_when_it_fails(tmp_path, monkeypatch):
    target = tmp_path / "side.json"
    write_atomic(target, "old")

    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OSError):
        write_atomic(target, "new")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["side.json"]


DAMAGES = {
    "deleted": lambda f: f.unlink(),
    "emptied": lambda f: f.write_bytes(b""),
    "truncated": lambda f: f.write_bytes(f.read_bytes()[: max(1, f.stat().st_size // 2)]),
    "garbage": lambda f: f.write_bytes(b"\x00\xff garbage {[\n\tx\n"),
}


def side_file(ix, name: str):
    if name == "compounds":
        return ix / compounds.COMPOUND_FILE.format(generation=indexer.open_index(ix).latest_generation())
    return ix / name


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("name", ["files.json", "compounds", "spelling.txt", "ocr-keys.txt", "meetings.json"])
def test_a_damaged_side_file_is_harmless_and_healed_by_the_next_run(tmp_path, name, damage):
    _, ix = indexed(tmp_path, 6)
    expected, words = snapshot(ix), spelling_words(ix)
    damaged = side_file(ix, name)
    for heal in ("reindex", "check --repair"):
        DAMAGES[damage](damaged)
        result = CliRunner().invoke(main, ["search", "--index", str(ix), "sag", "--json"])
        assert result.exit_code == 0 and '"total": 6' in result.output
        result = CliRunner().invoke(main, ["check", "--index", str(ix)])
        assert result.exit_code == 3 and damaged.name in result.output and "damaged" in result.output
        if heal == "reindex":
            assert indexer.reindex(ix).failed == []
        else:
            assert CliRunner().invoke(main, ["check", "--index", str(ix), "--repair"]).exit_code == 6
        assert CliRunner().invoke(main, ["check", "--index", str(ix)]).exit_code == 0
        assert snapshot(ix) == expected and spelling_words(ix) == words


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_meta_file_is_an_error_that_says_how_to_repair_and_nothing_is_rebuilt_over_it(tmp_path, damage):
    folder, ix = indexed(tmp_path, 6)
    expected = snapshot(ix)
    DAMAGES[damage](ix / "referat.json")
    for args in (["search", "--index", str(ix), "sag"], ["reindex", "--index", str(ix)],
                 ["index", "--index", str(ix), str(folder)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 3, result.output
        assert "referat.json is damaged" in result.output and "referat check --repair" in result.output
        assert "older" not in result.output
    result = CliRunner().invoke(main, ["check", "--index", str(ix), "--repair"])
    assert result.exit_code == 6 and "referat.json" in result.output
    assert json.loads((ix / "referat.json").read_text("utf-8"))["roots"] == [str(folder.resolve())]
    assert indexer.reindex(ix).unchanged == 6 and snapshot(ix) == expected


def test_stats_warns_when_the_last_reindex_is_too_old(tmp_path):
    _, ix = indexed(tmp_path, 2)
    indexer.reindex(ix)
    fresh = CliRunner().invoke(main, ["stats", "--index", str(ix)])
    assert fresh.exit_code == 0 and "last successful reindex: 20" in fresh.output and "warning" not in fresh.output
    as_json = json.loads(CliRunner().invoke(main, ["stats", "--index", str(ix), "--json"]).stdout)
    assert as_json["last_reindex"].startswith("20") and 0 <= as_json["days_since_update"] < 1
    meta = json.loads((ix / "referat.json").read_text("utf-8"))
    old = "2020-01-01T02:30:00+00:00"
    (ix / "referat.json").write_text(json.dumps({**meta, "last_reindex": old, "last_index": old}), "utf-8")
    stale = CliRunner().invoke(main, ["stats", "--index", str(ix)])
    assert "warning: the index was last brought up to date" in stale.stderr
    with search.open(ix) as opened:
        days = opened.stats().days_since_update
        assert days is not None and days > 2000
    assert "warning" not in CliRunner().invoke(main, ["stats", "--index", str(ix)],
                                               env={"REFERAT_STALE_DAYS": "100000"}).stderr


def test_a_schema_rebuild_is_written_beside_the_live_index_and_old_items_do_not_alert_again(tmp_path, watched):
    folder, ix = watched
    indexer.reindex(ix)  # the three telemedicin items are delivered once, before the upgrade
    meta = json.loads((ix / "referat.json").read_text("utf-8"))
    (ix / "referat.json").write_text(json.dumps({**meta, "schema": SCHEMA_VERSION - 1}), "utf-8")
    live = sorted(p.name for p in ix.iterdir() if p.name.startswith(("_MAIN", "MAIN")))
    proc = start_at_fault(["reindex", "--index", str(ix), "--quiet"], "rebuild", tmp_path)
    assert sorted(p.name for p in ix.iterdir() if p.name.startswith(("_MAIN", "MAIN"))) == live
    proc.kill()
    proc.communicate()
    assert sorted(p.name for p in ix.iterdir() if p.name.startswith(("_MAIN", "MAIN"))) == live
    one_item_minutes(folder / "c", 1, start=200, word="telemedicin")
    delivered = alerts(ix)  # the rebuild: only the one new item is news
    assert len(delivered) == 1 and not (ix / ".rebuild").exists()
    assert snapshot(ix) == clean_build([folder], tmp_path / "clean")
    assert json.loads((ix / "referat.json").read_text("utf-8"))["schema"] == SCHEMA_VERSION


def test_whooshs_own_write_lock_held_elsewhere_is_named_not_a_traceback(tmp_path):
    folder, ix = indexed(tmp_path, 2)
    one_item_minutes(folder, 1, start=9)
    other = indexer.open_index(ix).writer()
    try:
        with pytest.raises(indexer.IndexLocked, match="holds Whoosh's write lock"):
            indexer.reindex(ix)
    finally:
        other.cancel()
    assert indexer.reindex(ix).added
