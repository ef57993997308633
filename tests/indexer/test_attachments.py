"""Attachments (bilag) beside the minutes: linked into the item that names them, read page by page, found
by their words with their name and page; an attachment nothing names is a document of its own."""
import shutil

from click.testing import CliRunner

import indexer
import search
from search.cli import main
from tests.conftest import write
from tests.pdfwriter import make_pdf, make_scanned_pdf

MINUTES = """Referat
Sundhedsrådet, Horsens-klyngen
Dato: 12. marts 2024

1. Godkendelse af dagsorden
Bilag:
Ingen bilag.
Beslutning
Godkendt.

2. Genoptræning efter hofteoperation
Sagsfremstilling
Kommunerne har udarbejdet en fælles plan for genoptræning.
Bilag:
Bilag 1 - Handleplan 2024
Bilag 2 - Høringssvar
Beslutning
Godkendt.
"""

PLAN = [["Handleplan 2024", "Indledning og baggrund for planen"],
        ["Mål for indsatsen", "Kommunerne styrker tandplejen for de svageste ældre."],
        ["Økonomi", "Tandplejen finansieres af puljen."]]


def folder(tmp_path, plan=PLAN):
    minutes = tmp_path / "m"
    minutes.mkdir()
    write(minutes / "referat.txt", MINUTES)
    (minutes / "Bilag 1 - Handleplan 2024.pdf").write_bytes(make_pdf(plan))
    return minutes


def test_a_word_only_in_a_bilag_finds_its_item_with_name_and_page(tmp_path):
    minutes, ix = folder(tmp_path), tmp_path / "ix"
    report = indexer.build(ix, [minutes])
    assert report.failed == [] and report.items == 2 and len(report.added) == 2
    with search.open(ix) as index:
        assert index.stats().files == 2  # the minutes and the bilag read into them
        result = index.search("tandplejen")
        assert result.total == 1
        hit = result.hits[0]
        assert hit.title == "Genoptræning efter hofteoperation"
        assert hit.attachment is not None
        assert hit.attachment["where"] == "Bilag 1 – Handleplan 2024, s. 2" and hit.attachment["only"]
        assert hit.attachment["matching"] == [{"number": 1, "label": "Bilag 1 – Handleplan 2024", "pages": [2, 3]}]
        assert "**tandplejen**" in hit.snippet
        assert result.facets["section"] == {"bilag": 1}  # items, not pages
        assert index.search("bilag:tandpleje").total == index.search("tandpleje", section="bilag").total == 1
        assert index.search("Kommunerne", section="bilag").total == 1  # its own text is not searched...
        assert index.search("genoptræning", section="bilag").total == 0
        own = index.search("genoptræning").hits[0]
        assert own.attachment is None  # ...and a word of the item's own text is shown from it
        formality = index.search("dagsorden").hits[0]
        assert index.show(formality.id).attachments == []  # `Ingen bilag.` is no attachment
        item = index.show(hit.id)
        assert [(a["label"], a["pages"]) for a in item.attachments] == [("Bilag 1 – Handleplan 2024", 3),
                                                                         ("Bilag 2 – Høringssvar", 0)]
    out = CliRunner().invoke(main, ["search", "--index", str(ix), "tandplejen"], catch_exceptions=False).output
    where = "only in Bilag 1 – Handleplan 2024, s. 2 (also s. 3)"
    assert f"{where} (referat open {hit.id} --attachment 1 --page 2)" in out
    opened = CliRunner().invoke(main, ["open", "--index", str(ix), hit.id, "--attachment", "1", "--page", "2",
                                       "--print"], catch_exceptions=False)
    assert opened.exit_code == 0 and opened.output.strip().endswith("Bilag%201%20-%20Handleplan%202024.pdf#page=2")
    missing = CliRunner().invoke(main, ["open", "--index", str(ix), hit.id, "--attachment", "2", "--print"])
    assert missing.exit_code == 2 and "was not read" in missing.output


def test_an_attachment_word_ranks_below_the_same_word_in_an_items_own_text(tmp_path):
    minutes = folder(tmp_path)
    write(minutes / "andet.txt", MINUTES.replace("12. marts", "19. marts").replace(
        "en fælles plan for genoptræning", "en plan for tandplejen"))
    indexer.build(tmp_path / "ix", [minutes])
    with search.open(tmp_path / "ix") as index:
        hits = index.search("tandplejen").hits
        assert [h.attachment is None for h in hits] == [True, False]


def test_reindex_rereads_the_attachment_that_changed(tmp_path):
    minutes, ix = folder(tmp_path), tmp_path / "ix"
    indexer.build(ix, [minutes])
    changed = [PLAN[0], ["Mål for indsatsen", "Kommunerne styrker fodplejen for de svageste ældre."], PLAN[0]]
    (minutes / "Bilag 1 - Handleplan 2024.pdf").write_bytes(make_pdf(changed))
    report = indexer.reindex(ix)
    assert [p.rsplit("/", 1)[1] for p in report.updated] == ["Bilag 1 - Handleplan 2024.pdf"]
    assert report.unchanged == 1 and report.failed == []
    with search.open(ix) as index:
        assert index.search("fodplejen").total == 1 and index.search("tandplejen").total == 0
    # A bilag that arrives later joins its item; one removed leaves it.
    (minutes / "Bilag 2 - Høringssvar.pdf").write_bytes(make_pdf([["Høringssvar fra patientforeningen"]]))
    indexer.reindex(ix)
    with search.open(ix) as index:
        assert index.search("patientforeningen").hits[0].title == "Genoptræning efter hofteoperation"
    (minutes / "Bilag 1 - Handleplan 2024.pdf").unlink()
    indexer.reindex(ix)
    with search.open(ix) as index:
        assert index.search("fodplejen").total == 0 and index.stats().items == 2


def test_a_scanned_bilag_is_read_through_ocr(tmp_path, ocr_cache, tesseract):
    minutes = tmp_path / "m"
    minutes.mkdir()
    write(minutes / "referat.txt", MINUTES)
    (minutes / "Bilag 1 - Handleplan 2024.pdf").write_bytes(make_scanned_pdf(
        [["Handleplan 2024"], ["Kommunerne styrker tandplejen for de svageste"]]))
    indexer.build(tmp_path / "ix", [minutes])
    with search.open(tmp_path / "ix") as index:
        hit = index.search("tandplejen").hits[0]
        assert hit.attachment is not None
        assert hit.title == "Genoptræning efter hofteoperation" and hit.attachment["page"] == 2


def test_a_real_bilag_named_by_a_meeting_is_its_items_attachment(tmp_path, shared_dir):
    real = shared_dir / "real" / "aarhus_sager-paa-vej_bilag.pdf"
    minutes = tmp_path / "m"
    minutes.mkdir()
    shutil.copy(real, minutes / real.name)
    write(minutes / "referat.txt", MINUTES.replace("Bilag 1 - Handleplan 2024\nBilag 2 - Høringssvar",
                                                   real.name))
    report = indexer.build(tmp_path / "ix", [minutes])
    assert report.failed == [] and report.items == 2
    with search.open(tmp_path / "ix") as index:
        hit = index.search("Ankestyrelsens").hits[0]
        assert hit.attachment is not None
        assert hit.title == "Genoptræning efter hofteoperation" and hit.attachment["page"] == 1


def test_a_bilag_alone_in_a_folder_is_a_document_of_its_own(tmp_path, shared_dir):
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(shared_dir / "real" / "aarhus_sager-paa-vej_bilag.pdf", alone)
    report = indexer.build(tmp_path / "ix", [alone])
    assert report.failed == [] and report.skipped == [] and report.items == 1
    with search.open(tmp_path / "ix") as index:
        hit = index.search("Ankestyrelsens").hits[0]
        assert hit.attachment is not None
        assert hit.title == "aarhus_sager-paa-vej_bilag" and hit.attachment["page"] == 1
        assert index.source(hit.id).path.endswith("aarhus_sager-paa-vej_bilag.pdf")


def test_an_xml_exports_enclosure_is_linked_by_name_and_read_from_word(tmp_path):
    import docx

    from tests.corpus.test_formats import ACADRE

    minutes = tmp_path / "m"
    minutes.mkdir()
    write(minutes / "agenda.xml", ACADRE)
    note = docx.Document()
    note.add_heading("Statusnotat", level=1)
    note.add_paragraph("Forebyggelsespakkerne er implementeret i alle distrikter undtagen Vestegnen.")
    note.save(minutes / "Statusnotat.docx")  # no `Bilag` in the name: linked because the export names it
    report = indexer.build(tmp_path / "ix", [minutes])
    assert report.failed == [] and report.items == 2
    with search.open(tmp_path / "ix") as index:
        hit = index.search("Vestegnen").hits[0]
        assert hit.attachment is not None
        assert hit.title == "Forebyggelsespakker. Status" and hit.attachment["where"] == "Bilag 1 – Statusnotat, s. 1"


def test_kill_9_while_a_new_scanned_bilag_is_read_leaves_the_index_then_the_next_run_links_it(
        tmp_path, ocr_cache, tesseract):
    import signal

    from tests.indexer.faults import snapshot, start_at_fault

    minutes, ix = folder(tmp_path), tmp_path / "ix"
    indexer.build(ix, [minutes])
    before = snapshot(ix)
    (minutes / "Bilag 2 - Høringssvar.pdf").write_bytes(make_scanned_pdf([["Høringssvar fra patientforeningen"]]))
    proc = start_at_fault(["reindex", "--index", str(ix), "--quiet"], "ocr", tmp_path)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert snapshot(ix) == before
    report = indexer.reindex(ix)
    assert report.failed == [] and [p.rsplit("/", 1)[1] for p in report.added] == ["Bilag 2 - Høringssvar.pdf"]
    with search.open(ix) as index:
        hit = index.search("patientforeningen").hits[0]
        assert hit.attachment is not None
        assert hit.title == "Genoptræning efter hofteoperation" and hit.attachment["where"].startswith("Bilag 2")
