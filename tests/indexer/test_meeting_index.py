"""The meeting model in the index: copies and formats indexed once, agenda joined to minutes, honest
counts through index and reindex (copies, renames, deletions), saved searches once per real change."""
import shutil

import indexer
import search
from indexer.engine import open_write_engine
from indexer.meetings import unpack_sources, versions_of
from search import watch
from tests.conftest import BOTH_ENGINES, SAMPLE
from tests.indexer.test_meetings import AGENDA, MINUTES

pytestmark = BOTH_ENGINES


def items(index_dir) -> dict[str, dict]:
    engine = open_write_engine(index_dir)  # the index's own engine, through the seam
    try:
        return {d["id"]: d for d in engine.all_documents()}
    finally:
        engine.close()


def test_shared_corpus_and_its_formats_are_four_meetings(tmp_path, shared_dir):
    report = indexer.build(tmp_path / "ix", [shared_dir / "corpus", shared_dir / "formats"])
    assert (report.files, report.meetings, report.items, len(report.copies)) == (7, 4, 45, 3)
    stored = items(tmp_path / "ix")
    assert len(stored) == 45 and len({d["meeting"] for d in stored.values()}) == 4
    telekol = next(d for d in stored.values() if d["title"] == "TeleKol")
    formats = sorted(str(source.format) for source in unpack_sources(telekol))
    assert formats == ["html", "pdf", "txt", "txt"]
    pdf = next(source for source in unpack_sources(telekol) if source.format == "pdf")
    assert pdf.page and pdf.page > 1  # the page the item starts on
    result = search.run(tmp_path / "ix", "telekol")
    assert result.total == 2 and sum(result.facets["cluster"].values()) == 2


def test_copies_renames_and_deletions_keep_the_counts(tmp_path):
    folder = tmp_path / "minutes"
    shutil.copytree(SAMPLE, folder)
    horsens = next(folder.glob("*horsens*"))
    for n in range(5):
        shutil.copy(horsens, folder / f"kopi-{n}.txt")
    ix = tmp_path / "ix"
    built = indexer.build(ix, [folder])
    assert (built.files, built.meetings, built.items, len(built.copies)) == (9, 4, 17, 5)
    assert len(items(ix)) == 17 and search.stats(ix).items == 17

    (folder / "kopi-0.txt").unlink()
    (folder / "kopi-1.txt").unlink()
    (folder / "kopi-2.txt").rename(folder / "omdoebt.txt")
    report = indexer.reindex(ix)
    assert (len(report.removed), len(report.added), report.meetings, report.items) == (3, 1, 1, 6)
    assert report.new_items == [] and report.removed_items == 0 and len(report.copies) == 1
    stored = items(ix)
    assert len(stored) == 17
    horsens_items = [d for d in stored.values() if d["meeting"].startswith("2024-03-14")]  # the Horsens meeting
    assert {len(d["sources"]) for d in horsens_items} == {4}
    assert all("kopi-0" not in s.path for d in stored.values() for s in unpack_sources(d))

    for path in [horsens, folder / "kopi-3.txt", folder / "kopi-4.txt", folder / "omdoebt.txt"]:
        path.unlink()
    gone = indexer.reindex(ix)
    assert gone.removed_items == 6 and gone.items == 0
    assert len(items(ix)) == 11 and search.stats(ix).items == 11
    assert indexer.reindex(ix).unchanged == 3


def test_minutes_join_their_agenda_and_saved_searches_report_real_changes_once(tmp_path):
    folder = tmp_path / "minutes"
    folder.mkdir()
    (folder / "dagsorden.txt").write_text(AGENDA, "utf-8")
    ix = tmp_path / "ix"
    indexer.build(ix, [folder])
    watch.add_watch(ix, "rekruttering", "rekruttering")
    before = items(ix)
    assert len(before) == 4 and all(versions_of(unpack_sources(d)) == ("dagsorden",) for d in before.values())

    (folder / "dagsorden-kopi.html").write_text(
        "<html><body>" + "".join(f"<p>{line}</p>" for line in AGENDA.splitlines()) + "</body></html>", "utf-8")
    copied = indexer.reindex(ix)
    assert copied.new_items == [] and len(copied.copies) == 1
    assert watch.matches(ix, copied.new_items) == {"rekruttering": []}

    (folder / "referat.txt").write_text(MINUTES, "utf-8")
    decided = indexer.reindex(ix)
    after = items(ix)
    assert sorted(after) == sorted(before)
    recruit = next(d for d in after.values() if d["title"].startswith("Rekruttering"))
    assert recruit["outcome"] == "godkendt" and versions_of(unpack_sources(recruit)) == ("dagsorden", "referat")
    assert recruit["path"].endswith("referat.txt")
    found = watch.matches(ix, decided.new_items)
    assert [h.id for h in found["rekruttering"]] == [recruit["id"]]


def test_a_file_that_fails_to_read_keeps_its_meeting_as_it_was(tmp_path):
    folder = tmp_path / "minutes"
    folder.mkdir()
    (folder / "dagsorden.txt").write_text(AGENDA, "utf-8")
    (folder / "referat.txt").write_text(MINUTES, "utf-8")
    ix = tmp_path / "ix"
    indexer.build(ix, [folder])
    before = items(ix)
    (folder / "referat.txt").write_bytes(b"\x00\x01\x02 not text \x00" * 50)
    (folder / "dagsorden.txt").write_text(AGENDA.replace("fælles rekrutteringsindsats", "ny plan"), "utf-8")
    report = indexer.reindex(ix)
    assert [p for p, _ in report.failed] == [str((folder / "referat.txt").resolve())]
    assert any("not indexed yet" in w for _, w in report.warnings)
    assert items(ix) == before
    (folder / "referat.txt").write_text(MINUTES, "utf-8")
    healed = indexer.reindex(ix)
    assert healed.failed == [] and len(items(ix)) == 4
    assert healed.updated == [str((folder / "dagsorden.txt").resolve())] and healed.unchanged == 1
    assert indexer.reindex(ix).unchanged == 2
