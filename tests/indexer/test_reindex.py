"""Incremental reindex: exactly the right items after changes, failures that keep items, crash safety,
concurrent searches, one writer at a time, and saved searches over the new items."""
import fcntl
import importlib
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

import indexer
import search
from bench.generate import generate
from indexer.engine import open_write_engine
from indexer.lock import LOCK_FILE
from search import watch
from tests.conftest import BOTH_ENGINES, SAMPLE, referat_command

pytestmark = BOTH_ENGINES

HORSENS = "2024-03-14_horsens-klyngen_faglig-strategisk-gruppe.txt"


def snapshot(index_dir) -> list[tuple]:
    """Everything that identifies the index's content: each item's id, file, position and digest."""
    engine = open_write_engine(index_dir)  # the index's own engine, through the seam
    try:
        return sorted((d["id"], d["path"], d["position"], d["digest"], d.get("cluster")) for d in engine.all_documents())
    finally:
        engine.close()


def clean_build(folder, tmp_path) -> list[tuple]:
    target = tmp_path / f"clean-{time.monotonic_ns()}"
    indexer.build(target, [folder])
    return snapshot(target)


@pytest.fixture
def corpus_dir(tmp_path):
    folder = tmp_path / "minutes"
    shutil.copytree(SAMPLE, folder)
    return folder


def test_add_modify_delete_rename(tmp_path, corpus_dir):
    ix = tmp_path / "ix"
    indexer.build(ix, [corpus_dir])
    first = indexer.reindex(ix)
    assert (first.unchanged, first.files, first.removed, first.new_items) == (4, 0, [], [])

    horsens = corpus_dir / HORSENS
    horsens.write_text(horsens.read_text("utf-8").replace("84 borgere", "97 borgere"), "utf-8")
    (corpus_dir / "2022-11-30_sundhedsklynge-nord_direktoerforum.pdf").unlink()
    (corpus_dir / "2023-02-02_aarhus-klyngen_faglig-operativ-gruppe.txt").rename(corpus_dir / "aarhus-omdoebt.txt")
    sub = corpus_dir / "2025"
    sub.mkdir()
    (sub / "ny.txt").write_text("Referat Chefforum Køge-klyngen\nMødedato: 2. maj 2025\n\n1. Lægevagten\n\n"
                                "Beslutning\nGodkendt.\n\n2. Eventuelt\n", "utf-8")
    os.utime(corpus_dir / "2023-09-05_randers-klyngen_klyngestyregruppe.html")  # touched, content unchanged

    report = indexer.reindex(ix)
    assert sorted(Path(p).name for p in report.added) == ["aarhus-omdoebt.txt", "ny.txt"]
    assert [Path(p).name for p in report.updated] == [HORSENS]
    assert sorted(Path(p).name for p in report.removed) == [
        "2022-11-30_sundhedsklynge-nord_direktoerforum.pdf", "2023-02-02_aarhus-klyngen_faglig-operativ-gruppe.txt"]
    assert report.unchanged == 1
    assert snapshot(ix) == clean_build(corpus_dir, tmp_path)
    # Only the edited item and the new meeting's items are new; the renamed file's items are not.
    changed = search.show(ix, report.new_items[0])
    assert "97 borgere" in changed.sections["sagsfremstilling"]
    assert len(report.new_items) == 1 + 2
    assert indexer.reindex(ix).unchanged == 4


def test_unreadable_file_keeps_its_items(tmp_path, corpus_dir):
    ix = tmp_path / "ix"
    indexer.build(ix, [corpus_dir])
    before = snapshot(ix)
    pdf = corpus_dir / "2022-11-30_sundhedsklynge-nord_direktoerforum.pdf"
    good = pdf.read_bytes()
    pdf.write_bytes(good[:200])
    report = indexer.reindex(ix)
    assert [Path(p).name for p, _ in report.failed] == [pdf.name]
    assert "items are kept" in report.failed[0][1]
    assert snapshot(ix) == before
    pdf.write_bytes(good)
    again = indexer.reindex(ix)
    assert again.failed == [] and again.unchanged == 4 and snapshot(ix) == before


def test_missing_root_keeps_items_and_given_paths_are_used(tmp_path, corpus_dir):
    ix = tmp_path / "ix"
    indexer.build(ix, [corpus_dir])
    before = snapshot(ix)
    moved = tmp_path / "elsewhere"
    corpus_dir.rename(moved)
    report = indexer.reindex(ix)
    assert report.failed and "kept" in report.failed[0][1]
    assert snapshot(ix) == before
    only = indexer.reindex(ix, [moved])
    assert len(only.added) == 4


def test_identical_copies_survive_removal_of_one(tmp_path, corpus_dir):
    ix = tmp_path / "ix"
    shutil.copy(corpus_dir / HORSENS, corpus_dir / "kopi.txt")
    indexer.build(ix, [corpus_dir])
    (corpus_dir / HORSENS).unlink()
    indexer.reindex(ix)
    assert snapshot(ix) == clean_build(corpus_dir, tmp_path)
    assert search.run(ix, "telekol").total == 1


def test_no_index_and_lock_held(tmp_path, corpus_dir):
    with pytest.raises(indexer.IndexMissing, match="referat index"):
        indexer.reindex(tmp_path / "none")
    ix = tmp_path / "ix"
    indexer.build(ix, [corpus_dir])
    fd = os.open(ix / LOCK_FILE, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        with pytest.raises(indexer.IndexLocked, match="another referat run"):
            indexer.reindex(ix)
        result = subprocess.run([referat_command(), "reindex", "--index", str(ix)], capture_output=True, text=True)
        assert result.returncode == 4 and "another referat run" in result.stderr
    finally:
        os.close(fd)
    # A lock file left behind by a dead process (its pid still written) does not block the next run.
    (ix / LOCK_FILE).write_text("999999")
    assert indexer.reindex(ix).unchanged == 4


def test_saved_searches_report_exactly_the_new_matching_items(tmp_path, corpus_dir):
    ix = tmp_path / "ix"
    indexer.build(ix, [corpus_dir])
    watch.add_watch(ix, "lægevagt", "lægevagten")
    watch.add_watch(ix, "telekol-horsens", "telekol", cluster="horsens")
    assert [w.name for w in watch.list_watches(ix)] == ["lægevagt", "telekol-horsens"]
    (corpus_dir / "ny.txt").write_text(
        "Referat Chefforum Køge-klyngen\nMødedato: 2. maj 2025\n\n1. Lægevagten i Køge\n\nBeslutning\nGodkendt.\n\n"
        "2. TeleKOL i Køge\n\nBeslutning\nGodkendt.\n\n3. Eventuelt\n", "utf-8")
    report = indexer.reindex(ix)
    found = watch.matches(ix, report.new_items)
    assert [h.title for h in found["lægevagt"]] == ["Lægevagten i Køge"]
    assert found["telekol-horsens"] == []
    assert watch.matches(ix, indexer.reindex(ix).new_items) == {"lægevagt": [], "telekol-horsens": []}
    watch.remove_watch(ix, "lægevagt")
    assert [w.name for w in watch.list_watches(ix)] == ["telekol-horsens"]
    with pytest.raises(search.QueryError, match="no saved search named"):
        watch.remove_watch(ix, "lægevagt")
    with pytest.raises(search.QueryError, match="unknown cluster"):
        watch.add_watch(ix, "x", "telekol", cluster="atlantis")


def test_reindex_cli_json_and_log(tmp_path, corpus_dir):
    ix = tmp_path / "ix"
    referat = referat_command()
    subprocess.run([referat, "index", "--index", str(ix), str(corpus_dir)], check=True, capture_output=True)
    subprocess.run([referat, "watch", "add", "--index", str(ix), "rehab", "genoptræning"], check=True, capture_output=True)
    (corpus_dir / HORSENS).write_text((corpus_dir / HORSENS).read_text("utf-8") + "\n7. Genoptræning\n\nBeslutning\nGodkendt.\n", "utf-8")
    log = tmp_path / "reindex.log"
    result = subprocess.run([referat, "reindex", "--index", str(ix), "--quiet", "--json", "--log", str(log)],
                            capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == ""
    import json

    payload = json.loads(result.stdout)
    assert payload["summary"]["updated"] == 1 and payload["summary"]["unchanged"] == 3
    assert [h["title"] for h in payload["watches"]["rehab"]] == ["Genoptræning"]
    lines = log.read_text("utf-8").splitlines()
    assert lines[0][:4].isdigit() and "T" in lines[0][:20] and "reindex done" in lines[-2]


def _big_corpus(tmp_path) -> Path:
    folder = tmp_path / "big"
    generate(folder, 400, seed=3)
    return folder


def _touch_all(folder: Path, marker: str) -> None:
    for n, f in enumerate(sorted(folder.rglob("*.txt"))):
        if n % 7 == 0:
            f.unlink()
        else:
            f.write_text(f.read_text("utf-8") + f"\nTilføjet {marker}.\n", "utf-8")
    (folder / "ny").mkdir(exist_ok=True)
    generate(folder / "ny", 40, seed=int(time.time()) % 1000)


def test_two_reindexers_at_once(tmp_path):
    folder = _big_corpus(tmp_path)
    ix = tmp_path / "ix"
    indexer.build(ix, [folder])
    _touch_all(folder, "samtidig")
    cmd = [referat_command(), "reindex", "--index", str(ix), "--quiet"]
    first = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 10
    while time.time() < deadline and not (ix / LOCK_FILE).read_text().strip():
        time.sleep(0.01)
    started = time.time()
    second = subprocess.run(cmd, capture_output=True, text=True)
    assert second.returncode == 4 and "another referat run" in second.stderr
    assert time.time() - started < 5, "the second run must exit at once"
    assert first.wait(timeout=60) == 0
    assert snapshot(ix) == clean_build(folder, tmp_path)


def test_index_of_an_older_schema_is_rebuilt_by_reindex(tmp_path, corpus_dir):
    import json

    ix = tmp_path / "ix"
    indexer.build(ix, [corpus_dir])
    before = snapshot(ix)
    meta = json.loads((ix / "referat.json").read_text("utf-8"))
    (ix / "referat.json").write_text(json.dumps({**meta, "schema": 1}), "utf-8")
    with pytest.raises(indexer.IndexMissing, match="older referat; rebuild it with: referat reindex"):
        search.run(ix, "telekol")
    report = indexer.reindex(ix)
    assert any("older referat" in w for _, w in report.warnings)
    assert len(report.added) == 4 and snapshot(ix) == before
    assert search.run(ix, "telekol").total == 1


def _meeting_of_the_day(folder: Path, body: str, topics: list[str], extra: str = "") -> Path:
    """An invented meeting on 14 March 2024: one item per topic."""
    items = "\n".join(f"{k}. {topic}\n\nSagsfremstilling\n{topic} drøftes i {body}. {extra}\n\nBeslutning\nTaget til "
                      f"efterretning.\n" for k, topic in enumerate(topics, start=1))
    path = folder / f"{body.lower().replace(' ', '-')}.txt"
    path.write_text(f"Referat {body}\nMødedato: 14. marts 2024\n\n{items}", "utf-8")
    return path


@pytest.mark.parametrize("on_every_core", [False, True])
def test_a_changed_meeting_rewrites_itself_not_the_unchanged_meetings_of_its_date(tmp_path, monkeypatch,
                                                                                   on_every_core):
    """Grouping reads every document of a touched meeting's date (on every core when there are many),
    but a meeting of that date that comes out as it is indexed is not written again: a small reindex
    stays small on a busy day, and the index is still exactly what a full build of the files gives."""
    if on_every_core:
        monkeypatch.setattr(importlib.import_module("indexer.build"), "PARALLEL_MIN_FILES", 1)
    folder = tmp_path / "minutes"
    folder.mkdir()
    first = _meeting_of_the_day(folder, "Sundhedsudvalget", ["Akutteamets status", "Genoptræning efter udskrivning"])
    (folder / "kopi").mkdir()
    shutil.copy(first, folder / "kopi" / first.name)  # a copy of a content read already: not read again
    _meeting_of_the_day(folder, "Socialudvalget", ["Botilbud og pladser", "Handicappolitik"])
    _meeting_of_the_day(folder, "Ældreudvalget", ["Plejehjemspladser", "Madservice", "Demensvenlig kommune"])
    ix = tmp_path / "ix"
    assert indexer.build(ix, [folder]).meetings == 3
    _meeting_of_the_day(folder, "Socialudvalget", ["Botilbud og pladser", "Handicappolitik"], extra="Tilføjet.")
    report = indexer.reindex(ix)
    assert (len(report.updated), report.meetings, report.items, report.removed_items) == (1, 1, 2, 0)
    assert snapshot(ix) == clean_build(folder, tmp_path)
    (folder / "ældreudvalget.txt").unlink()  # a meeting of the date gone: the others stay as they are
    report = indexer.reindex(ix)
    assert (report.meetings, report.removed_items) == (0, 3)
    assert snapshot(ix) == clean_build(folder, tmp_path)
