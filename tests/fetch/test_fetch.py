"""corpus.fetch against a portal on 127.0.0.1: handshake, listing, incremental runs, faults, politeness."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from datetime import date
from email.utils import formatdate
from itertools import pairwise

import httpx
import pytest

from corpus.fetch import FetchBusy, Http, Politeness, Source, fetch
from corpus.fetch.client import _retry_after
from corpus.fetch.store import FolderLock

from .conftest import FAST, HEALTH, fill, invented
from .portal import Fault, Portal, meeting_json

TODAY = date(2026, 11, 25)


def run(portal, folder, **kwargs):
    source = kwargs.pop("source", None) or Source("nordvest", portal.url)
    return fetch(folder, [source], politeness=kwargs.pop("politeness", FAST), today=TODAY, **kwargs)


def test_api_answers_302_without_the_session_cookie_and_fetch_does_the_handshake(portal, tmp_path):
    fill(portal)
    bare = httpx.get(portal.url + "/api/agenda/udvalgsliste")
    assert bare.status_code == 302
    report = run(portal, tmp_path)
    assert report.failed == [] and report.new == 3
    fetched = [r for r in portal.requests if r.path != "/api/agenda/udvalgsliste" or r.cookie]
    first_api = next(i for i, r in enumerate(fetched) if r.path.startswith("/api/"))
    assert fetched[first_api - 1].path == "/"
    assert all(r.cookie for r in fetched if r.path.startswith("/api/"))


def test_listing_writes_browsable_files_with_the_pdf_where_offered(portal, tmp_path):
    ids = fill(portal)
    report = run(portal, tmp_path)
    files = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()
                   and ".referat-fetch" not in p.parts)
    assert files == [
        "nordvest/praksisplanudvalget/2024-06-03_referat_33333333.json",
        "nordvest/sundhedsraad-nordvest/2024-02-05_referat_11111111.json",
        "nordvest/sundhedsraad-nordvest/2024-02-05_referat_11111111.pdf",
        "nordvest/sundhedsraad-nordvest/2024-05-13_referat_22222222.json",
    ]
    saved = json.loads((tmp_path / files[1]).read_text("utf-8"))
    assert saved == json.loads(portal.meetings[ids[0]])
    assert (tmp_path / files[2]).read_bytes().startswith(b"%PDF-")
    assert report.sources[0].listed == 3


def test_new_changed_and_unchanged_meetings_across_runs(portal, tmp_path):
    ids = fill(portal)
    first = run(portal, tmp_path)
    assert (first.new, first.changed, first.unchanged) == (3, 0, 0)

    portal.requests.clear()
    second = run(portal, tmp_path)
    assert (second.new, second.changed, second.unchanged) == (0, 0, 3)
    assert portal.paths("/api/agenda/dagsorden/") == []  # old, unchanged listing entries: not downloaded again

    # A correction of a recent meeting is found by its content hash; one whose listing entry changes
    # (Dagsorden -> Referat) is downloaded again even when old.
    recent = "44444444-dddd-4ddd-8ddd-000000000004"
    portal.add_meeting(*HEALTH, recent, invented(recent, HEALTH[1], "2026-11-02", "akutpladser"), name="Dagsorden")
    assert run(portal, tmp_path).new == 1
    portal.add_meeting(*HEALTH, recent, invented(recent, HEALTH[1], "2026-11-02", "akutpladser og døgnpladser"),
                       name="Dagsorden")
    portal.committees[HEALTH[0]]["meetings"][ids[1]]["ReleasedDate"] = "2026-11-20T10:00:00+01:00"
    portal.requests.clear()
    third = run(portal, tmp_path)
    assert (third.new, third.changed, third.unchanged) == (0, 1, 3)
    expected = sorted(f"/api/agenda/dagsorden/{i}" for i in (ids[1], recent))
    assert sorted(portal.paths("/api/agenda/dagsorden/")) == expected
    text = (tmp_path / third.sources[0].changed[0]).read_text("utf-8")
    assert "døgnpladser" in text


def test_a_deleted_file_is_fetched_again(portal, tmp_path):
    fill(portal)
    report = run(portal, tmp_path)
    (tmp_path / report.sources[0].new[0]).unlink()
    again = run(portal, tmp_path)
    assert again.new == 1 and again.unchanged == 2


def test_since_limits_the_meetings(portal, tmp_path):
    fill(portal)
    report = run(portal, tmp_path, since=date(2024, 5, 1))
    assert report.new == 2 and report.sources[0].listed == 3


def test_a_500_then_success_and_a_timeout_then_success(portal, tmp_path):
    ids = fill(portal)
    portal.fault("/api/agenda/udvalgsliste", Fault(status=500, body=b"Internal Server Error"))
    portal.fault(f"/api/agenda/dagsorden/{ids[1]}", Fault(sleep=1.0))  # longer than the client's timeout
    report = run(portal, tmp_path, politeness=replace(FAST, timeout=0.3))
    assert report.failed == [] and report.new == 3
    assert portal.paths("/api/agenda/udvalgsliste") == ["/api/agenda/udvalgsliste"] * 2  # 500, then 200
    assert portal.paths(f"/api/agenda/dagsorden/{ids[1]}") == [f"/api/agenda/dagsorden/{ids[1]}"] * 2


def test_retries_give_up_with_the_url_and_the_next_source_goes_on(portal, tmp_path):
    fill(portal)
    other = Portal().start()
    try:
        fifth = "55555555-eeee-4eee-8eee-000000000005"
        other.add_meeting(*HEALTH, fifth, invented(fifth, HEALTH[1], "2024-03-04", "hjerterehabilitering"))
        for _ in range(3):
            portal.fault("/api/agenda/udvalgsliste", Fault(status=503))
        report = fetch(tmp_path, [Source("first", portal.url), Source("second", other.url)], politeness=FAST,
                       today=TODAY)
        failed, fine = report.sources
        assert failed.error and portal.url + "/api/agenda/udvalgsliste" in failed.error and "503" in failed.error
        assert fine.error is None and len(fine.new) == 1
        assert {r.host for r in other.requests} == {other.netloc}
    finally:
        other.stop()


def test_retry_after_is_honoured(portal, tmp_path):
    fill(portal)
    portal.fault("/api/agenda/udvalgsliste", Fault(status=503, headers={"Retry-After": "1"}))
    report = run(portal, tmp_path)
    assert report.failed == []
    listing = [r.at for r in portal.requests if r.path == "/api/agenda/udvalgsliste" and r.cookie]
    assert listing[1] - listing[0] >= 1.0


def test_html_instead_of_json_is_a_source_error_naming_the_url(portal, tmp_path):
    fill(portal)
    page = b"<!DOCTYPE html><html><body>Vedligehold</body></html>"
    portal.fault("/api/agenda/udvalgsliste", Fault(status=200, body=page))
    report = run(portal, tmp_path)
    error = report.sources[0].error
    assert error.startswith(portal.url + "/api/agenda/udvalgsliste") and "expected JSON, got text/html" in error


def test_a_changed_schema_is_a_source_error_and_earlier_meetings_are_kept(portal, tmp_path):
    ids = fill(portal)
    broken = json.loads(portal.meetings[ids[1]])
    broken["Punkter"] = broken.pop("Dagsordenpunkter")
    portal.meetings[ids[1]] = json.dumps(broken).encode()
    report = run(portal, tmp_path)
    source = report.sources[0]
    assert f"/api/agenda/dagsorden/{ids[1]}" in source.error and "schema" in source.error
    assert len(source.new) == 1  # the meeting before the broken one
    portal.meetings[ids[1]] = json.dumps(meeting_json(ids[1], HEALTH[1], "2024-05-13", [("1", "Punkt", {})])).encode()
    again = run(portal, tmp_path)
    assert again.failed == [] and again.new == 2 and again.unchanged == 1


def test_a_redirect_loop_is_a_source_error(portal, tmp_path):
    fill(portal)
    portal.front_redirect_loop = True
    report = run(portal, tmp_path)
    assert "redirect loop" in report.sources[0].error and portal.url + "/" in report.sources[0].error


def test_committees_by_id_or_name_and_a_missing_one_is_warned_about(portal, tmp_path):
    fill(portal)
    source = Source("nordvest", portal.url, (HEALTH[0], "praksisplanudvalget", "Sundhedsråd Sydøst"))
    report = run(portal, tmp_path, source=source)
    assert report.new == 3 and any("Sundhedsråd Sydøst" in w for w in report.sources[0].warnings)
    only_missing = run(portal, tmp_path, source=Source("nordvest", portal.url, ("Sundhedsråd Sydøst",)))
    assert "none of the source's committees" in only_missing.sources[0].error


def test_zero_meetings_where_there_were_some_is_warned_about(portal, tmp_path):
    fill(portal)
    run(portal, tmp_path)
    portal.committees.clear()
    report = run(portal, tmp_path)
    assert any("0 meetings where it listed 3" in w for w in report.sources[0].warnings)
    assert len([p for p in tmp_path.rglob("*.json") if ".referat-fetch" not in p.parts]) == 3
    never = run(portal, tmp_path / "elsewhere")
    assert any("lists no meetings for this source" in w for w in never.sources[0].warnings)


def test_the_delay_between_requests_measured_by_the_server(portal, tmp_path):
    fill(portal)
    run(portal, tmp_path, politeness=Politeness(delay=0.25, timeout=2.0, retries=0))
    gaps = [b.at - a.at for a, b in pairwise(portal.requests)]
    assert len(gaps) >= 6 and min(gaps) >= 0.24


def test_one_request_at_a_time_per_host(portal, tmp_path):
    fill(portal)
    release, reached = threading.Event(), threading.Event()
    portal.fault("/api/agenda/udvalgsliste", Fault(reached=reached, release=release))
    with Http(FAST) as http:
        done = []
        worker = threading.Thread(target=lambda: done.append(http.get(portal.url + "/api/agenda/udvalgsliste")))
        worker.start()
        assert reached.wait(5)
        other = threading.Thread(target=lambda: done.append(http.get(portal.url + "/")))
        other.start()
        other.join(0.3)
        assert other.is_alive() and len(portal.requests) == 1  # waits for the first answer
        release.set()
        worker.join(5)
        other.join(5)
    assert len(done) == 2 and len(portal.requests) == 2


def test_real_greve_meetings_are_served_and_saved(portal, tmp_path, shared_dir):
    for path in sorted((shared_dir / "real").glob("firstagenda_greve_*.json")):
        data = json.loads(path.read_text("utf-8"))
        portal.add_meeting(data["Udvalg"]["Id"], data["Udvalg"]["Navn"], data["Id"], data, name=data["Moede"]["Navn"])
    report = run(portal, tmp_path)
    assert report.failed == [] and report.new == 3
    for rel in report.sources[0].new:
        saved = json.loads((tmp_path / rel).read_text("utf-8"))
        assert saved == json.loads(portal.meetings[saved["Id"]])
    assert any(rel.startswith("nordvest/sundheds-og-omsorgsudvalget/2024-03-18_") for rel in report.sources[0].new)


def test_a_second_fetch_into_the_same_folder_is_refused(portal, tmp_path):
    fill(portal)
    with FolderLock(tmp_path), pytest.raises(FetchBusy, match="another referat fetch"):
        run(portal, tmp_path)
    assert run(portal, tmp_path).new == 3


def test_a_listed_meeting_the_portal_does_not_give_is_skipped_with_a_warning(portal, tmp_path):
    ids = fill(portal)
    del portal.meetings[ids[1]]
    report = run(portal, tmp_path)
    source = report.sources[0]
    assert source.error is None and len(source.new) == 2
    assert any(f"/api/agenda/dagsorden/{ids[1]}: HTTP 404" in w for w in source.warnings)


def test_a_pdf_the_portal_fails_to_give_is_a_warning_and_the_meeting_is_kept(portal, tmp_path):
    ids = fill(portal)
    for _ in range(3):
        portal.fault(f"/vis/pdf/dagsorden/{ids[0]}?redirectDirectlyToPdf=true", Fault(status=502))
    report = run(portal, tmp_path)
    source = report.sources[0]
    assert source.error is None and report.new == 3
    assert any(w.startswith("no PDF: ") and "502" in w for w in source.warnings)
    assert not list(tmp_path.rglob("*.pdf"))
    again = run(portal, tmp_path)  # the portal gives it now: fetched, the meeting stays unchanged
    assert again.unchanged == 3 and again.sources[0].warnings == []
    assert [p.read_bytes() for p in tmp_path.rglob("*.pdf")] == [portal.pdfs[ids[0]]]
    portal.requests.clear()
    run(portal, tmp_path)
    assert portal.paths("/vis/pdf/") == []


def test_retry_after_as_an_http_date():
    assert _retry_after("7") == 7.0
    wait = _retry_after(formatdate(time.time() + 30, usegmt=True))
    assert wait is not None and 20 <= wait <= 31
    assert _retry_after("soon") is None
