"""The writer's lexicon rows within the run's memory budget, and a lexicon repaired from the cluster.

Past the writer's share of `--memory-mb` (indexer.memory) the rows are written out as sorted runs to
unnamed files in the index folder and merged at the commit: the lexicon has the same bytes as one
counted in memory, after a build and after a reindex; the runs are gone after the commit, a failure
and a kill -9. `referat check --repair` counts a missing lexicon again from the cluster, also for items
an older referat wrote (without what the lexicon is counted from): the same bytes as the writer's."""
from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

import indexer
from indexer.engines.opensearch import OpenSearchWriteEngine, documents, lexicon
from indexer.engines.opensearch import engine as os_engine
from indexer.engines.opensearch.mapping import STACK, text_fields
from search.cli import main as cli
from tests.conftest import ROOT, referat_command
from tests.indexer.faults import wait_for

from .conftest import _committee_meetings, drop_index, opensearch_config
from .opensearch_support import drop, engine, items, rows_of_fields, write_generation, write_minutes
from .test_opensearch_lexicon import _with_ocr_and_bilag, assert_exact


def _bodies(count: int, seed: int) -> list[dict]:
    """Items as the cluster receives them, with many distinct terms (names, numbers, OCR-like junk)."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyzæøå"
    out = []
    for _ in range(count):
        body: dict = {"id": str(rng.random()), "meeting": "m", "path": "p"}
        for name in text_fields()[:4]:
            words = ["".join(rng.choices(letters, k=rng.randint(2, 9))) for _ in range(rng.randint(5, 30))]
            body[name] = " ".join(words + ["fælles", "ord"])
            if rng.random() < 0.4:
                body[name + STACK] = " ".join(words[:3] + ["\x01x"])  # a term sorting below the tab
        out.append(body)
    return out


def _varied_minutes(folder: Path, numbers, seed: int = 7) -> None:
    """write_minutes' meetings, each with words of its own in its titles (a real archive's names, case
    numbers, OCR damage): enough distinct terms for a budget of 1 MB to spill several runs."""
    rng = random.Random(seed)
    for n in numbers:
        words = ["".join(rng.choices("bcdfghjklmnprstv", k=3)) + rng.choice("aeiouyæøå") + str(rng.randint(0, 99))
                 for _ in range(80)]
        write_minutes(folder, [n], version=" ".join(words))


def test_a_bounded_delta_spills_runs_and_writes_the_same_bytes(tmp_path):
    """Unit level: a build's counts and a reindex's (deletions subtracted, additions counted), each in
    memory and within a budget that spills several runs, give byte-identical lexicons; the runs are
    unnamed files of the index folder, closed with the delta."""
    first, added = _bodies(400, 1), _bodies(150, 2)
    made = {}
    for bounded in (False, True):
        folder = tmp_path / ("bounded" if bounded else "memory")
        folder.mkdir()
        budget = 20_000 if bounded else None
        build = lexicon.Delta(folder=folder, budget=budget)
        for body in first:
            build.add(body)
        lexicon.write(folder, 1, None, build)
        runs = list(build.runs)
        build.close()
        assert all(run.closed for run in runs)
        previous = lexicon.open_lexicon(folder, 1)
        assert previous is not None
        change = lexicon.Delta(folder=folder, budget=budget)
        for body in first[:120]:
            change.add(body, -1)
        for body in added:
            change.add(body)
        lexicon.write(folder, 2, previous, change)
        previous.close()
        if bounded:
            assert build.spilled >= 5 and change.spilled >= 3, (build.spilled, change.spilled)
            assert build.peak < 20_000 / lexicon.ROW_BYTES + 200
        else:
            assert build.spilled == change.spilled == 0
        change.close()
        assert sorted(p.name for p in folder.iterdir()) == ["lexicon-1.txt", "lexicon-2.txt"]
        made[bounded] = [(folder / f"lexicon-{n}.txt").read_bytes() for n in (1, 2)]
    assert made[True] == made[False]
    assert lexicon.is_sound(tmp_path / "bounded", 2)


def test_many_runs_are_merged_a_few_at_a_time(tmp_path, monkeypatch):
    """More runs than MAX_RUNS are first merged into one: fewer open files, the same lexicon."""
    monkeypatch.setattr(lexicon, "MAX_RUNS", 3)
    bodies = _bodies(200, 3)
    for name, budget in (("memory", None), ("bounded", 8_000)):
        delta = lexicon.Delta(folder=tmp_path, budget=budget)
        for body in bodies:
            delta.add(body)
        assert len(delta.runs) <= 3
        lexicon.write(tmp_path, 1, None, delta)
        delta.close()
        (tmp_path / "lexicon-1.txt").rename(tmp_path / name)
    assert (tmp_path / "memory").read_bytes() == (tmp_path / "bounded").read_bytes()


@pytest.fixture
def runs(monkeypatch) -> list:
    """Every run file the lexicon opens in this process."""
    opened: list = []
    real = lexicon._run

    def spy(folder):
        run = real(folder)
        opened.append(run)
        return run

    monkeypatch.setattr(lexicon, "_run", spy)
    return opened


@pytest.fixture
def two_indexes(tmp_path, opensearch_url):
    names = [f"osmem-test-{uuid.uuid4().hex[:10]}" for _ in range(2)]
    yield [opensearch_config(opensearch_url, name) for name in names]
    for name in names:
        drop_index(opensearch_url, name)


def _lexicons(index_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(index_dir.glob("lexicon-*.txt"))}


def test_a_build_and_a_reindex_within_a_tiny_budget_write_the_unbounded_lexicon(tmp_path, two_indexes, runs):
    folder = tmp_path / "minutes"
    _varied_minutes(folder, range(50))
    _committee_meetings(folder / "udvalg")
    bounded, unbounded = tmp_path / "bounded", tmp_path / "unbounded"
    for index_dir, config, memory in ((bounded, two_indexes[0], 1), (unbounded, two_indexes[1], None)):
        assert not indexer.build(index_dir, [folder], engine=config, memory_mb=memory).failed
    spilled = len(runs)
    assert spilled >= 3 and all(run.closed for run in runs)
    assert _lexicons(bounded) == _lexicons(unbounded)
    write_minutes(folder, range(5, 12), version="revideret udgave med hjemmesygeplejerske og ældrepleje")
    (folder / "referat-0020.txt").unlink()
    _varied_minutes(folder, range(60, 80), seed=8)
    assert indexer.reindex(bounded, [folder], memory_mb=1).committed
    assert len(runs) >= spilled + 2 and all(run.closed for run in runs)
    assert indexer.reindex(unbounded, [folder]).committed
    assert len(_lexicons(bounded)) == 2 and _lexicons(bounded) == _lexicons(unbounded)
    writer = OpenSearchWriteEngine(bounded, two_indexes[0])
    try:
        assert_exact(writer, bounded)
    finally:
        writer.close()
    assert not [p.name for p in bounded.iterdir() if p.name.endswith(".tmp")]


def test_the_runs_go_when_a_run_fails(tmp_path, two_indexes, runs, monkeypatch):
    folder = tmp_path / "minutes"
    _varied_minutes(folder, range(35))
    index_dir = tmp_path / "ix"
    monkeypatch.setenv("REFERAT_FAULT", "opensearch-flip")
    monkeypatch.setenv("REFERAT_FAULT_ACTION", "enospc")
    with pytest.raises(indexer.IndexWriteFailed):
        indexer.build(index_dir, [folder], engine=two_indexes[0], memory_mb=1)
    assert len(runs) >= 2 and all(run.closed for run in runs)
    assert not list(index_dir.glob(".*.tmp"))


def _open_runs(pid: int, index_dir: Path) -> list[str]:
    """The deleted files of `index_dir` process `pid` holds open (the lexicon's runs)."""
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(index_dir) + "/") and target.endswith(" (deleted)"):
            found.append(target)
    return found


def test_kill_9_with_runs_spilled_leaves_nothing_and_the_next_run_writes_the_lexicon(tmp_path, two_indexes):
    folder = tmp_path / "minutes"
    _varied_minutes(folder, range(20))
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    marker = tmp_path / "fault.pid"
    config = two_indexes[0]
    command = [referat_command(), "index", "--index", str(killed), "--engine", "opensearch", "--url", config.url,
               "--opensearch-index", config.index, "--memory-mb", "1", "--quiet", str(folder)]
    env = {**os.environ, "REFERAT_FAULT": "lexicon-spill", "REFERAT_FAULT_MARKER": str(marker),
           "REFERAT_FAULT_ACTION": "hang", "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(command, env=env, cwd=ROOT)
    try:
        pid = int(wait_for(lambda: marker.exists() and marker.read_text(), "a run of the lexicon spilled"))
        assert child.poll() is None and _open_runs(pid, killed), "the run's files are open, unnamed, in the folder"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL
    assert not list(killed.glob("lexicon-*")) and not list(killed.glob(".*.tmp"))
    env.pop("REFERAT_FAULT")
    subprocess.run(command, env=env, cwd=ROOT, check=True)
    assert not indexer.build(clean, [folder], engine=two_indexes[1]).failed
    assert _lexicons(killed) == _lexicons(clean) != {}


def _without_indexed(monkeypatch) -> None:
    """Items stored as an older referat stored them: without documents.INDEXED."""
    real = documents.stored_source
    monkeypatch.setattr(documents, "stored_source",
                        lambda document: {k: v for k, v in real(document).items() if k != documents.INDEXED})


def test_repair_counts_the_lexicon_of_an_older_referats_items_from_the_cluster(tmp_path, two_indexes, monkeypatch):
    """Items without what the lexicon is counted from, the lexicon file removed: `referat check` reports
    it, `--repair` counts it from the cluster (the participants' terms listed a few at a time on each
    of 2 shards) and gives the bytes the writer wrote, every count the cluster's."""
    folder = tmp_path / "minutes"
    write_minutes(folder, range(10))
    _committee_meetings(folder / "udvalg")
    index_dir = tmp_path / "ix"
    config = two_indexes[0]
    with monkeypatch.context() as patch:
        _without_indexed(patch)
        assert not indexer.build(index_dir, [folder], engine=config).failed
    (file,) = index_dir.glob("lexicon-*.txt")
    written = file.read_bytes()
    file.unlink()
    writer = OpenSearchWriteEngine(index_dir, config)
    try:
        assert all(documents.INDEXED not in item for item in writer.stored_items())
        checked = CliRunner().invoke(cli, ["check", "--index", str(index_dir)], catch_exceptions=False)
        assert checked.exit_code == 3 and file.name in checked.output, checked.output
        monkeypatch.setattr(os_engine, "TERMS_PAGE", 3)
        repaired = CliRunner().invoke(cli, ["check", "--index", str(index_dir), "--repair"], catch_exceptions=False)
        assert repaired.exit_code == 6, repaired.output
        found = lexicon.Lexicon(file, writer.generation())
        # the writer counted every field; the cluster, the participants: no rows of a term in any field
        assert not found.anywhere
        assert rows_of_fields(file.read_bytes()) == rows_of_fields(written)
        assert any(key.startswith(b"participants\t") and counts[2] for key, counts in found.rows())
        queries, expected = [], []
        for key, counts in found.rows():
            name, term = key.decode().split("\t")[:2]
            main, stacked = {"term": {name: term}}, {"term": {name + STACK: term}}
            queries += [main, stacked, {"bool": {"should": [main, stacked]}}]
            expected += counts
        lines = [line for query in queries for line in ({"index": writer.alias}, {"query": query, "size": 0})]
        answers = [r["hits"]["total"]["value"] for start in range(0, len(lines), 600)
                   for r in writer.client.msearch(body=lines[start:start + 600])["responses"]]
        assert answers == expected
        found.close()
        assert CliRunner().invoke(cli, ["check", "--index", str(index_dir)]).exit_code == 0
    finally:
        writer.close()


def test_repair_follows_ocr_and_bilag_of_an_older_referats_items(tmp_path, opensearch_url, monkeypatch):
    """Which item's text is OCR's is asked of the cluster: the repaired lexicon is the writer's."""
    index_dir = tmp_path / "ix"
    index_dir.mkdir()
    writer = engine(opensearch_url, index_dir, replicas=0, shards=2)
    try:
        writer.create()
        with monkeypatch.context() as patch:
            _without_indexed(patch)
            write_generation(writer, _with_ocr_and_bilag(items(write_minutes(tmp_path / "minutes", range(6)))))
        file = lexicon.path(index_dir, writer.generation())
        written = file.read_bytes()
        assert b"\nocr\t" in written
        file.unlink()
        subject, _, mend = writer.lexicon_problem()
        assert subject == file.name and mend is not None
        mend()
        assert rows_of_fields(file.read_bytes()) == rows_of_fields(written)
        assert writer.lexicon_problem() is None
    finally:
        drop(writer)


def test_terms_after_a_term_are_every_later_term(tmp_path, opensearch_url, monkeypatch):
    """The cluster's term list (the repair's participants), page by page after the last term of a page:
    terms with the regular expressions' special characters, letters beyond ASCII, digits, one long."""
    index_dir = tmp_path / "ix"
    index_dir.mkdir()
    writer = engine(opensearch_url, index_dir, replicas=0, shards=2)
    terms = ["a", "a.b", "a*", "ab", "d", "\\d", "x|y", "[z]", "(q)", "æble", "øre", "å", "10", "9", "·",
             "w" * 80 + "1", "w" * 80 + "2", "~#@<>&", "\"q\"", "é"]
    try:
        writer.create()
        with writer.writer(1) as generation:
            for n, term in enumerate(terms):
                generation.client.index(index=generation.index, id=str(n), body={"participants": term})
            generation.client.indices.refresh(index=generation.index)
            monkeypatch.setattr(os_engine, "TERMS_PAGE", 2)
            assert list(writer._terms(generation.index, "participants")) == sorted(terms)
    finally:
        drop(writer)


def test_an_unwritable_folder_is_one_error_and_nothing_committed(tmp_path, two_indexes, monkeypatch):
    """A run that cannot write its lexicon's runs (a full disk) fails as a run that cannot write its
    index does: one line, nothing committed."""
    folder = tmp_path / "minutes"
    _varied_minutes(folder, range(20))
    index_dir = tmp_path / "ix"
    real = lexicon._run

    def full(where):
        run = real(where)
        run.close()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(lexicon, "_run", full)
    with pytest.raises(indexer.IndexWriteFailed, match="nothing was committed"):
        indexer.build(index_dir, [folder], engine=two_indexes[0], memory_mb=1)
    assert not list(index_dir.glob("lexicon-*"))


def test_the_memory_driver_counts_the_same_lexicon_within_a_budget(tmp_path):
    """bench.lexicon_memory (the figures of bench/README.md): a budget spills runs, the file is the same."""
    from bench.lexicon_memory import count

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    free, bounded = count(6000, None, tmp_path / "a"), count(6000, 0.2, tmp_path / "b")
    assert free["runs"] == 0 and bounded["runs"] >= 2 and bounded["peak_rows_held"] < free["peak_rows_held"]
    assert free["rows"] == bounded["rows"] >= 6000 and free["sha1"] == bounded["sha1"]
