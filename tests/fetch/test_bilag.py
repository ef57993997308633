"""Attachments (bilag) fetched from a portal on 127.0.0.1: saved beside their meeting, once, within the caps,
resumed after a kill, and found in the index by their own words with their name and page."""
from __future__ import annotations

import json
import threading

from click.testing import CliRunner

from search.cli import main
from tests.pdfwriter import make_pdf

from .conftest import FAST_ENV, HEALTH, fetch_killed_at
from .portal import Fault, meeting_json

MEETING = "55555555-eeee-4eee-8eee-000000000005"
PLAN = "aaaaaaaa-0000-4000-8000-00000000000a"
HEARING = "bbbbbbbb-0000-4000-8000-00000000000b"
PLAN_PDF = make_pdf([["Handleplan for akutpladser", "Baggrund"],
                     ["Tiltag", "Regionen etablerer udgående sygeplejeteams i yderområderne."]])
HEARING_PDF = make_pdf([[f"Høringssvar {n}", "Patientforeningen bakker op." if n == 7 else "Ingen bemærkninger."]
                        for n in range(40)])


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], env=FAST_ENV)


def serve(portal) -> None:
    data = meeting_json(MEETING, HEALTH[1], "2026-10-05", [
        ("1", "Godkendelse af dagsorden", {"Beslutning": "Godkendt."}),
        ("2", "Plan for akutpladser", {"Sagsfremstilling": "Administrationen fremlægger planen.",
                                       "Beslutning": "Godkendt."}),
    ], bilag={"2": [(PLAN, "Handleplan for akutpladser"), (HEARING, "Høringssvar")]})
    portal.add_meeting(*HEALTH, MEETING, data)
    portal.bilag.update({PLAN: PLAN_PDF, HEARING: HEARING_PDF})


def test_bilag_are_fetched_once_and_found_by_their_words_with_name_and_page(portal, tmp_path):
    serve(portal)
    ix, into = tmp_path / "ix", tmp_path / "dl"
    cli("source", "add", "nordvest", portal.url, "--index", ix)
    result = cli("fetch", "--index", ix, "--into", into)
    assert result.exit_code == 0, result.output
    assert "1 new, 0 changed, 0 unchanged meetings, 2 attachments" in result.output
    saved = sorted(p.name for p in into.rglob("*_bilag_*.pdf"))
    stem = "2026-10-05_referat_55555555"
    assert saved == [f"{stem}_bilag_{PLAN}.pdf", f"{stem}_bilag_{HEARING}.pdf"]
    found = cli("search", "--index", ix, "sygeplejeteams", "--json")
    hit = json.loads(found.output)["hits"][0]
    assert hit["title"] == "Plan for akutpladser"
    assert hit["attachment"]["where"] == "Bilag 1 – Handleplan for akutpladser, s. 2"
    assert "**sygeplejeteams**" in hit["snippet"]
    portal.requests.clear()
    again = cli("fetch", "--index", ix, "--json")
    assert again.exit_code == 0 and json.loads(again.output)["fetch"]["attachments"] == 0
    assert portal.paths("/vis/pdf/bilag/") == []  # on disk already: never asked for again


def test_a_bilag_over_the_cap_is_skipped_with_a_line(portal, tmp_path):
    serve(portal)
    ix, into = tmp_path / "ix", tmp_path / "dl"
    cli("source", "add", "nordvest", portal.url, "--index", ix)
    cap = (len(PLAN_PDF) + len(HEARING_PDF)) / 2 / 1e6
    result = cli("fetch", "--index", ix, "--into", into, "--max-attachment-mb", cap)
    assert result.exit_code == 0, result.output
    assert f"bilag 'Høringssvar' skipped: {portal.url}/Pdf/Bilag/{HEARING}.pdf: " in result.output
    assert "over the cap of" in result.output
    assert [p.name.split("_bilag_")[1] for p in into.rglob("*_bilag_*.pdf")] == [f"{PLAN}.pdf"]
    portal.requests.clear()
    cli("fetch", "--index", ix, "--max-attachment-mb", cap)
    assert portal.paths("/vis/pdf/bilag/") == []  # skipped for good until the meeting changes
    assert cli("search", "--index", ix, "sygeplejeteams").output.count("Plan for akutpladser") == 1


def test_without_attachments_and_within_a_run_cap(portal, tmp_path):
    serve(portal)
    ix, into = tmp_path / "ix", tmp_path / "dl"
    cli("source", "add", "nordvest", portal.url, "--index", ix)
    assert cli("fetch", "--index", ix, "--into", into, "--no-attachments", "--no-index").exit_code == 0
    assert not list(into.rglob("*_bilag_*")) and portal.paths("/vis/pdf/bilag/") == []
    # The run's cap reached after the first bilag: the second comes in the next run.
    capped = cli("fetch", "--index", ix, "--no-index", "--max-attachments-total-mb", len(PLAN_PDF) / 2e6)
    assert "1 attachment PDF(s) left for the next run" in capped.output
    assert len(list(into.rglob("*_bilag_*.pdf"))) == 1
    assert cli("fetch", "--index", ix, "--no-index").exit_code == 0
    assert len(list(into.rglob("*_bilag_*.pdf"))) == 2


def test_a_fetch_killed_in_the_middle_of_a_bilag_resumes(portal, tmp_path):
    serve(portal)
    ix, into = tmp_path / "ix", tmp_path / "dl"
    cli("source", "add", "nordvest", portal.url, "--index", ix)
    reached, release = threading.Event(), threading.Event()
    portal.fault(f"/Pdf/Bilag/{HEARING}.pdf", Fault(status=200, body=HEARING_PDF, content_type="application/pdf",
                                                    stall_after=len(HEARING_PDF) // 2, reached=reached,
                                                    release=release))
    fetch_killed_at(ix, into, reached, release, "to the second bilag")
    assert [p.name.split("_bilag_")[1] for p in into.rglob("*_bilag_*.pdf")] == [f"{PLAN}.pdf"]
    portal.requests.clear()
    result = cli("fetch", "--index", ix, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output[result.output.index("{"):])["fetch"]["attachments"] == 1
    assert portal.paths("/vis/pdf/bilag/") == [f"/vis/pdf/bilag/{HEARING}?redirectDirectlyToPdf=true"]
    assert not list(into.rglob("*.part"))
    hearing = next(into.rglob(f"*_bilag_{HEARING}.pdf"))
    assert hearing.read_bytes() == HEARING_PDF
    assert cli("search", "--index", ix, "Patientforeningen").output.count("Plan for akutpladser") == 1
