"""`referat source`, `referat fetch` and `referat reindex --fetch` end to end, against a portal on 127.0.0.1."""
from __future__ import annotations

import json
import threading
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from indexer.lock import WriterLock
from search.cli import main
from tests.conftest import SAMPLE

from .conftest import FAST_ENV, HEALTH, fetch_killed_at, fill, invented
from .portal import Fault


def cli(*args, env=None):
    result = CliRunner().invoke(main, [str(a) for a in args], env={**FAST_ENV, **(env or {})})
    return result


def test_source_add_list_remove(tmp_path):
    ix = tmp_path / "ix"
    added = cli("source", "add", "horsens", "https://dagsorden.example.dk/?request.kriterie.udvalgId="
                "482bb09b-7985-4a23-ac66-844c6e532f9f&request.kriterie.moedeDato=2026", "--index", ix)
    assert added.exit_code == 0, added.output
    assert "https://dagsorden.example.dk (482bb09b-7985-4a23-ac66-844c6e532f9f)" in added.output
    assert cli("source", "add", "sundhedsraad-nordjylland", "--index", ix).exit_code == 0
    listed = json.loads(cli("source", "list", "--json", "--index", ix).output)
    assert [s["name"] for s in listed] == ["horsens", "sundhedsraad-nordjylland"]
    assert listed[1]["url"] == "https://dagsordener.rn.dk" and len(listed[1]["udvalg"]) == 2
    assert "sundhedsraad-midtjylland" in cli("source", "list", "--known", "--index", ix).output
    assert cli("source", "remove", "horsens", "--index", ix).exit_code == 0
    assert [s["name"] for s in json.loads(cli("source", "list", "--json", "--index", ix).output)] == [
        "sundhedsraad-nordjylland"]
    unknown = cli("source", "add", "nowhere", "--index", ix)
    assert unknown.exit_code == 2 and "not a known portal" in unknown.output
    assert cli("source", "add", "bad", "ftp://x", "--index", ix).exit_code == 2
    assert cli("source", "remove", "horsens", "--index", ix).exit_code == 2


def test_fetch_without_sources_is_a_usage_error(tmp_path):
    result = cli("fetch", "--index", tmp_path / "ix")
    assert result.exit_code == 2 and "referat source add" in result.output


def test_fetch_downloads_indexes_and_reports_as_json(portal, tmp_path):
    fill(portal)
    ix, into = tmp_path / "ix", tmp_path / "referater"
    assert cli("source", "add", "nordvest", portal.url, "--index", ix).exit_code == 0
    result = cli("fetch", "--index", ix, "--into", into, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert (payload["fetch"]["new"], payload["fetch"]["changed"], payload["fetch"]["unchanged"]) == (3, 0, 0)
    assert (payload["index"]["files"], payload["index"]["meetings"]) == (4, 3)  # a meeting's JSON and PDF are one
    found = cli("search", "--index", ix, "hjemmemonitorering", "--json")
    assert json.loads(found.output)["total"] >= 1
    assert str(into.resolve()) in json.loads((ix / "referat.json").read_text("utf-8"))["roots"]

    again = json.loads(cli("fetch", "--index", ix, "--json").output)  # the folder is remembered
    assert (again["fetch"]["new"], again["fetch"]["unchanged"]) == (0, 3) and again["index"] is None
    assert again["fetch"]["folder"] == str(into.resolve())


def test_a_failing_source_exits_1_and_the_others_are_fetched(portal, tmp_path):
    fill(portal)
    ix = tmp_path / "ix"
    cli("source", "add", "nordvest", portal.url, "--index", ix)
    cli("source", "add", "vaek", "http://127.0.0.1:9", "--index", ix)  # nothing listens on the discard port
    result = cli("fetch", "--index", ix, "--into", tmp_path / "dl", "--no-index")
    assert result.exit_code == 1
    assert "source vaek: failed: http://127.0.0.1:9/: connection failed" in result.output
    assert "3 new" in result.output and len(list((tmp_path / "dl" / "nordvest").rglob("*.json"))) == 3


def test_reindex_fetch_fetches_then_reindexes_and_reports_watches(portal, tmp_path):
    fill(portal)
    ix = tmp_path / "ix"
    assert cli("index", "--index", ix, SAMPLE).exit_code == 0
    cli("source", "add", "nordvest", portal.url, "--udvalg", HEALTH[1], "--index", ix)
    cli("watch", "add", "kol", "hjemmemonitorering", "--index", ix)
    # the first fetch needs a folder: the default one beside the index
    result = cli("reindex", "--fetch", "--json", "--index", ix)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output[result.output.index("{"):])
    assert payload["fetch"]["new"] == 2 and payload["fetch"]["folder"] == str((tmp_path / "fetched").resolve())
    assert payload["summary"]["added"] >= 1 and len(payload["watches"]["kol"]) == 1
    assert str((tmp_path / "fetched").resolve()) in json.loads((ix / "referat.json").read_text("utf-8"))["roots"]


@pytest.mark.parametrize("where", ["between meetings", "in the middle of a PDF"])
def test_a_fetch_killed_mid_run_resumes_cleanly(portal, tmp_path, where):
    ids = fill(portal)
    ix, into = tmp_path / "ix", tmp_path / "dl"
    cli("source", "add", "nordvest", portal.url, "--index", ix)
    reached, release = threading.Event(), threading.Event()
    if where == "between meetings":
        portal.fault(f"/api/agenda/dagsorden/{ids[1]}", Fault(reached=reached, release=release))
    else:
        pdf = portal.pdfs[ids[0]]
        portal.fault(f"/Pdf/Dagsorden/{ids[0]}.pdf", Fault(status=200, body=pdf, content_type="application/pdf",
                                                            stall_after=len(pdf) // 2, reached=reached,
                                                            release=release))
    fetch_killed_at(ix, into, reached, release, where)
    first = {p.suffix for p in (into / "nordvest").rglob("*_11111111.*")}
    assert first == ({".json", ".pdf"} if where == "between meetings" else {".json"})
    assert not list(into.rglob("*_22222222.json"))
    result = cli("fetch", "--index", ix, "--json", "--no-index")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)["fetch"]
    expected = (2, 0, 1) if where == "between meetings" else (3, 0, 0)  # unrecorded until its PDF was in
    assert (payload["new"], payload["changed"], payload["unchanged"]) == expected
    assert len(list(into.rglob("*.json"))) == 3 and not list(into.rglob("*.part"))
    assert {json.loads(p.read_text("utf-8"))["Id"] for p in into.rglob("*.json")} == set(ids)
    pdfs = list(into.rglob("*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].read_bytes() == portal.pdfs[ids[0]]


def test_fetch_while_the_index_is_being_written_keeps_the_files_and_exits_4(portal, tmp_path):
    fill(portal)
    ix, into = tmp_path / "ix", tmp_path / "dl"
    cli("source", "add", "nordvest", portal.url, "--index", ix)
    with WriterLock(ix):
        result = cli("fetch", "--index", ix, "--into", into)
    assert result.exit_code == 4 and "indexed by the next reindex" in result.output
    assert "3 new" in result.output and len(list(into.rglob("*.json"))) == 3
    after = cli("fetch", "--index", ix)  # nothing new, but the folder is not indexed yet: it is now
    assert after.exit_code == 0 and "0 new" in after.output and "indexed" in after.output
    assert str(into.resolve()) in json.loads((ix / "referat.json").read_text("utf-8"))["roots"]


def test_fetched_meetings_are_indexed_and_a_corrected_one_is_indexed_again(portal, tmp_path, shared_dir):
    fill(portal)
    for path in sorted((shared_dir / "real").glob("firstagenda_greve_*.json")):
        data = json.loads(path.read_text("utf-8"))
        portal.add_meeting(data["Udvalg"]["Id"], data["Udvalg"]["Navn"], data["Id"], data, name=data["Moede"]["Navn"])
    recent = "66666666-ffff-4fff-8fff-000000000006"
    when = (date.today() - timedelta(days=6)).isoformat()
    portal.add_meeting(*HEALTH, recent, invented(recent, HEALTH[1], when, "svangreomsorg"))
    ix = tmp_path / "ix"
    cli("source", "add", "nordvest", portal.url, "--index", ix)
    first = cli("fetch", "--index", ix, "--into", tmp_path / "dl", "--json", "--no-pdf")
    assert first.exit_code == 0, first.output
    payload = json.loads(first.output)
    assert payload["fetch"]["new"] == 7 and payload["index"]["meetings"] == 7
    assert payload["index"]["items"] == 4 * 3 + 3 + 9 + 11

    def hits(query):
        return json.loads(cli("search", "--index", ix, query, "--json").output)["hits"]

    found = hits("lægedækning")
    assert (found[0]["body"], found[0]["date"], found[0]["title"]) == (
        "Praksisplanudvalget", "2024-06-03", "Status på lægedækning i yderområder")
    assert hits("svangreomsorg") and not hits("fødselsforberedelse")

    portal.add_meeting(*HEALTH, recent, invented(recent, HEALTH[1], when, "fødselsforberedelse"))
    second = json.loads(cli("fetch", "--index", ix, "--json", "--no-pdf").output)
    assert (second["fetch"]["new"], second["fetch"]["changed"], second["fetch"]["unchanged"]) == (0, 1, 6)
    assert hits("fødselsforberedelse") and not hits("svangreomsorg")


def test_a_folder_that_cannot_be_written_is_one_line_and_exit_1(portal, tmp_path):
    fill(portal)
    ix, into = tmp_path / "ix", tmp_path / "dl"
    cli("source", "add", "nordvest", portal.url, "--index", ix)
    into.mkdir()
    (into / "nordvest").write_text("in the way")
    result = cli("fetch", "--index", ix, "--into", into)
    assert result.exit_code == 1 and "fetch stopped:" in result.output and "Traceback" not in result.output


def test_fetched_minutes_are_their_source_s_municipality_s(portal, tmp_path):
    committee = ("7c6d5e4f-3a2b-4c1d-8e9f-0a1b2c3d4e5f", "Sundheds- og Omsorgsudvalget")
    portal.add_meeting(*committee, "44444444-dddd-4ddd-8ddd-000000000004",
                       invented("44444444-dddd-4ddd-8ddd-000000000004", committee[1], "2024-03-18", "plejeboliger"))
    portal.add_meeting(*HEALTH, "55555555-eeee-4eee-8eee-000000000005",
                       invented("55555555-eeee-4eee-8eee-000000000005", HEALTH[1], "2024-03-19", "telemedicin"))
    ix = tmp_path / "ix"
    added = cli("source", "add", "greve", portal.url, "--municipality", "Greve", "--index", ix)
    assert added.exit_code == 0 and "minutes of Greve Kommune" in added.output
    assert cli("fetch", "--index", ix, "--into", tmp_path / "referater").exit_code == 0
    listed = json.loads(cli("meetings", "--index", ix, "--json").output)["meetings"]
    described = {r["body"]: (r["body_kind"], r["municipality"]) for r in listed}
    assert described[committee[1]] == ("municipal committee", "Greve")
    assert described[HEALTH[1]] == ("sundhedsråd", None), "a body of another kind is not the municipality's"
