"""Files that hold no meeting (a portal's list of meetings) are skipped and named, not failed: a nightly
reindex of a folder that has them exits 0; --strict makes them failures. A PDF that holds no meeting is
an attachment (corpus.attachments), indexed, neither skipped nor failed."""
from click.testing import CliRunner

from search.cli import EXIT_FILES_FAILED, main
from tests.firstagenda import write_meeting
from tests.pdfwriter import make_pdf

MEETING_LIST = """<!DOCTYPE html><html><head><title>Forside - dagsordener</title></head><body>
<div class="firstagenda.com"><ul><li><a href="/m/1">Byråd 13-03-2023</a></li>
<li><a href="/m/2">Økonomiudvalget 01-03-2023</a></li></ul></div></body></html>"""


def folder(tmp_path):
    docs = tmp_path / "docs"
    write_meeting(docs / "byraad.json", "Byråd", "2023-03-13", [("1", "Plejeboliger på Askelunden", "23-001122",
                                                                  "Godkendt.")])
    (docs / "bilag.pdf").write_bytes(make_pdf([["Bilag 3: Oversigt over kommende sager",
                                                "Sagerne forventes forelagt i foråret."]]))
    (docs / "forside.html").write_text(MEETING_LIST, encoding="utf-8")
    return docs


def test_non_meetings_are_skipped_and_named_with_exit_0(tmp_path):
    docs, run = folder(tmp_path), CliRunner()
    result = run.invoke(main, ["index", "--index", str(tmp_path / "ix"), str(docs)])
    assert result.exit_code == 0, result.output
    assert "0 failed, 1 skipped (1 file holds no meeting)" in result.output
    assert "forside.html: skipped: not a meeting" in result.output
    assert "bilag.pdf" not in result.output, "an attachment of nothing is indexed, not skipped"
    nightly = run.invoke(main, ["reindex", "--index", str(tmp_path / "ix"), "--json"])
    assert nightly.exit_code == 0 and '"not_meetings": 1' in nightly.output and '"failed": 0' in nightly.output


def test_strict_makes_them_failures(tmp_path):
    docs, run = folder(tmp_path), CliRunner()
    result = run.invoke(main, ["index", "--index", str(tmp_path / "ix"), "--strict", str(docs)])
    assert result.exit_code == EXIT_FILES_FAILED
    assert "forside.html: failed: not a meeting" in result.output and "1 failed" in result.output
    assert "indexed 2 files" in result.output, "the meeting and the attachment are indexed all the same"
    nightly = run.invoke(main, ["reindex", "--index", str(tmp_path / "ix"), "--strict"])
    assert nightly.exit_code == EXIT_FILES_FAILED
