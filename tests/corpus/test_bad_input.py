"""Bad files give a one-line message and a documented exit code; the other files are still parsed."""
import io
import json

import pytest
from click.testing import CliRunner

from search.cli import EXIT_FILES_FAILED, main
from tests.conftest import SAMPLE
from tests.pdfwriter import make_pdf

GOOD = SAMPLE / "2024-03-14_horsens-klyngen_faglig-strategisk-gruppe.txt"


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([["1. Punkt", "Referat", "Tekst"]]))))
    writer.encrypt(user_password="hemmelig", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


BAD_FILES = {
    "empty.txt": (b"", "empty file"),
    "garbage.txt": (bytes(range(256)) * 64, "binary data"),
    "truncated.pdf": (make_pdf([["1. Punkt", "Referat", "Tekst"]] * 3)[:300], "damaged or truncated PDF"),
    "locked.pdf": (None, "encrypted PDF"),
    "scanned.pdf": (make_pdf([[], []], footer=False), "scanned PDF"),  # blank: OCR finds nothing (or no Tesseract)
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_reported_and_the_good_one_still_parsed(tmp_path, name):
    data, message = BAD_FILES[name]
    bad = tmp_path / name
    bad.write_bytes(encrypted_pdf() if data is None else data)
    result = CliRunner().invoke(main, ["parse", "--json", str(bad), str(GOOD)], catch_exceptions=False)
    assert result.exit_code == EXIT_FILES_FAILED
    errors = [line for line in result.stderr.splitlines() if name in line]
    assert len(errors) == 1 and message in errors[0], result.stderr
    assert "Traceback" not in result.output + result.stderr
    parsed = json.loads(result.stdout)
    assert [m["file"] for m in parsed] == [str(GOOD)]
    assert len(parsed[0]["items"]) == 6


def test_unreadable_and_unsupported_files(tmp_path):
    missing = tmp_path / "gone.txt"
    missing.symlink_to(tmp_path / "nowhere.txt")
    docx = tmp_path / "referat.docx"
    docx.write_bytes(b"PK\x03\x04")
    result = CliRunner().invoke(main, ["parse", str(missing), str(docx), str(GOOD)], catch_exceptions=False)
    assert result.exit_code == EXIT_FILES_FAILED
    assert "gone.txt: cannot read file" in result.stderr
    assert "referat.docx: not a Word document" in result.stderr
    assert "Rekruttering og fastholdelse" in result.stdout


def test_document_that_is_not_a_meeting_gets_a_warning_and_no_invented_items(tmp_path):
    note = tmp_path / "notat.txt"
    note.write_text("Notat om samarbejde\nLøbende tekst uden punkter.\n", "utf-8")
    result = CliRunner().invoke(main, ["parse", "--json", str(note)], catch_exceptions=False)
    assert result.exit_code == 0
    parsed = json.loads(result.stdout)
    assert parsed["items"] == []
    assert "not a meeting" in result.stderr
    assert parsed["warnings"] == [
        "no meeting date in the header",
        "body not recognised (name it in the header, or extend the registry with --registry)",
        "not a meeting: no agenda items, no body and no meeting date; nothing to index",
    ]


def test_parse_json_shape(tmp_path):
    result = CliRunner().invoke(main, ["parse", "--json", str(GOOD)], catch_exceptions=False)
    doc = json.loads(result.stdout)
    assert set(doc) >= {"file", "cluster", "region", "forum", "date", "date_inferred", "items", "warnings"}
    item = doc["items"][1]
    assert set(item) >= {"id", "position", "number", "title", "time", "presenter", "sections"}
    assert item["presenter"] == "Peter Dam" and item["time"] == "kl. 13.05-13.30"
    assert set(item["sections"]) == {"indstilling", "sagsfremstilling", "beslutning"}


def test_parse_outline_is_readable():
    result = CliRunner().invoke(main, ["parse", str(GOOD)], catch_exceptions=False)
    assert result.exit_code == 0
    assert "cluster:  Horsens-klyngen" in result.stdout
    assert "  2. Status på TeleKOL i Horsens-klyngen" in result.stdout
