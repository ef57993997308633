"""Publishers' PDFs read from their layout, and scanned PDFs read through Tesseract."""
import json
import os
import subprocess
import sys
from pathlib import Path

import corpus
from search.cli import EXIT_FILES_FAILED
from tests.conftest import SAMPLE, referat_command
from tests.pdfwriter import Bold, make_pdf, make_scanned_pdf

GOOD = SAMPLE / "2024-03-14_horsens-klyngen_faglig-strategisk-gruppe.txt"

COVER = ["Referat", "", "Sundheds- og Ældreudvalget", "", "Mødedato: 4. november 2025 kl. 16.00",
         "Mødested: Rådhuset, mødelokale 3", "", "Deltagere: Hanne Krog, Per Smed, Ole Bøg"]
TOC = ["Indholdsfortegnelse", "",
       "1. Godkendelse af dagsorden ........................................................ 2",
       "2. Udmøntning af midler til styrket indsats for borgere med ...................... 2",
       "    kronisk sygdom og flere samtidige diagnoser",
       "3. Orientering om resultaterne af det uanmeldte tilsyn på plejecentrene Solbakken og Engly ...... 3",
       "4. Eventuelt ............................................................................ 3"]
ITEMS = [[Bold("1. Godkendelse af dagsorden"), "", "Beslutning", "Dagsordenen blev godkendt.", "",
          Bold("2. Udmøntning af midler til styrket indsats for borgere med kronisk"),
          Bold("sygdom og flere samtidige diagnoser"), "",
          "Sagsfremstilling", "Der er afsat 2,4 mio. kr. til en styrket indsats. Midlerne fordeles",
          "mellem hjemmesygeplejen og træningsområdet efter behov.", "",
          "Indstilling", "Forvaltningen indstiller, at udvalget godkender fordelingen.", "",
          "Beslutning", "Godkendt."],
         [Bold("3. Orientering om resultaterne af det uanmeldte tilsyn på plejecentrene"),
          Bold("Solbakken og Engly"),
          "Tilsynet fandt ingen alvorlige fejl. Begge plejecentre fik anbefalinger om",
          "dokumentation af medicin.", "",
          "Beslutning", "Taget til efterretning.", "",
          Bold("4. Eventuelt"), "", "Beslutning", "Intet."]]
EXPECTED = [("1", "Godkendelse af dagsorden"),
            ("2", "Udmøntning af midler til styrket indsats for borgere med kronisk sygdom og flere samtidige diagnoser"),
            ("3", "Orientering om resultaterne af det uanmeldte tilsyn på plejecentrene Solbakken og Engly"),
            ("4", "Eventuelt")]


def test_publisher_pdf_with_cover_toc_and_wrapped_titles(tmp_path):
    path = tmp_path / "referat.pdf"
    path.write_bytes(make_pdf([COVER, TOC, *ITEMS], header="Sundheds- og Ældreudvalget - Referat 4. november 2025",
                              positioned=True))
    m = corpus.read(path)
    assert [(i.number, i.title) for i in m.items] == EXPECTED
    assert [i.page for i in m.items] == [3, 3, 4, 4]
    assert m.date == "2025-11-04" and m.source_format == "pdf" and not m.ocr
    three = m.items[2]
    assert three.body.startswith("Tilsynet fandt") and "Solbakken" not in three.body
    assert three.section_map()["beslutning"] == "Taget til efterretning."
    text = " ".join(i.body for i in m.items)
    assert "Side 3 af 4" not in text and "Referat 4. november" not in text


SCANNED = [["Referat", "Ældreudvalget", "Mødedato: 9. september 2025", "",
            "1. Godkendelse af dagsorden", "Beslutning", "Godkendt.", "",
            "2. Plan for sygeplejeklinikker", "Beslutning", "Planen blev godkendt."]]


def test_scanned_pdf_is_read_through_tesseract_and_cached(tmp_path, ocr_cache, tesseract):
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_scanned_pdf(SCANNED))
    m = corpus.read(path)
    assert m.ocr and m.source_format == "pdf"
    assert [i.number for i in m.items] == ["1", "2"]
    assert m.items[1].title == "Plan for sygeplejeklinikker"
    assert m.date == "2025-09-09"
    assert len(list(ocr_cache.glob("*.json"))) == 1
    # A reindex reads the cache: it works where no Tesseract can be found.
    env = {**os.environ, "PATH": str(Path(sys.executable).parent), "REFERAT_OCR_CACHE": str(ocr_cache)}
    result = subprocess.run([referat_command(), "parse", "--json", str(path)], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert [i["title"] for i in json.loads(result.stdout)["items"]][1] == "Plan for sygeplejeklinikker"


def test_scan_without_tesseract_is_one_line_and_exit_1(tmp_path, ocr_cache):
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_scanned_pdf([["Referat", "1. Punkt"]]))
    env = {**os.environ, "PATH": str(Path(sys.executable).parent), "REFERAT_OCR_CACHE": str(ocr_cache)}
    result = subprocess.run([referat_command(), "parse", str(path), str(GOOD)], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == EXIT_FILES_FAILED
    errors = [line for line in result.stderr.splitlines() if "scan.pdf" in line]
    assert len(errors) == 1 and "Tesseract (OCR) is not installed" in errors[0] and "apt-get install" in errors[0]
    assert "Traceback" not in result.stderr and "Rekruttering" in result.stdout


def test_pdf_with_a_text_layer_is_never_ocr(tmp_path):
    """Even text that reads like OCR damage: a text layer is the publisher's own text."""
    lines = ["Referat", "Mødedato: 2. maj 2024", "", "1. Mgde om gkonomi", "Beslutning",
             "Kgbenhavns mgde om gkonomistyring blev afholdt pa radhuset. " * 3] * 8
    path = tmp_path / "m.pdf"
    path.write_bytes(make_pdf([lines]))
    assert corpus.read(path).ocr is False


def test_ocr_shows_progress_on_a_terminal(tmp_path, ocr_cache, tesseract):
    """On a terminal (stderr a tty), OCR says which page it is reading; piped, it stays quiet."""
    import pty

    path = tmp_path / "scan.pdf"
    path.write_bytes(make_scanned_pdf(SCANNED))
    env = {**os.environ, "REFERAT_OCR_CACHE": str(ocr_cache)}
    leader, follower = pty.openpty()
    proc = subprocess.Popen([referat_command(), "parse", str(path)], stdout=subprocess.PIPE, stderr=follower, env=env)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    proc.wait(timeout=120)
    os.close(leader)
    assert proc.returncode == 0
    assert b"OCR scan.pdf: page 1/1" in shown


def test_scan_behind_a_typed_cover_sheet_is_read_through_ocr(tmp_path, ocr_cache, tesseract):
    """Most pages without text of their own (only a stamped page number): the PDF is a scan."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for part in (make_pdf([["Ældreudvalget", "Referat fra mødet den 9. september 2025", "Journalnr. 25/4711"]]),
                 make_scanned_pdf(SCANNED + [["Underskrifter", "Hanne Krog", "Per Smed"]])):
        writer.append(PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    writer.write(out)
    path = tmp_path / "forside-og-scanning.pdf"
    path.write_bytes(out.getvalue())
    m = corpus.read(path)
    assert m.ocr and [i.title for i in m.items][1] == "Plan for sygeplejeklinikker"
