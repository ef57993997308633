"""Fixtures for the fetch tests: a portal on 127.0.0.1 and invented meetings in the FirstAgenda shape."""
from __future__ import annotations

import pytest

from corpus.fetch import Politeness
from tests.pdfwriter import make_pdf

from .portal import Portal, meeting_json

FAST = Politeness(delay=0.0, timeout=2.0, retries=2, backoff=0.01)
HEALTH = ("5b0e6c9a-1d2f-4a8b-9c3d-2e4f6a8b0c1d", "Sundhedsråd Nordvest")
PRAKSIS = ("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "Praksisplanudvalget")


def invented(meeting_id: str, committee: str, when: str, topic: str, name: str = "Referat") -> dict:
    return meeting_json(meeting_id, committee, when, [
        ("1", "Godkendelse af dagsorden", {"Beslutning": "Dagsordenen blev godkendt."}),
        ("2", f"Status på {topic}", {
            "Sagsfremstilling": f"Administrationen orienterer om {topic} i klyngens kommuner og på hospitalet.",
            "Indstilling": "Det indstilles, at sundhedsrådet tager orienteringen til efterretning.",
            "Beslutning": "Taget til efterretning."}),
        ("3", "Eventuelt", {"Beslutning": "Intet."}),
    ], name=name)


@pytest.fixture
def portal():
    """A running portal; at the end, every request it saw must have been addressed to it."""
    server = Portal().start()
    yield server
    server.stop()
    assert server.requests, "the test made no request"
    assert {r.host for r in server.requests} == {server.netloc}


def minutes_pdf() -> bytes:
    """The published PDF of the first invented meeting."""
    return make_pdf([[
        "Referat Sundhedsråd Nordvest", "", "Mødedato: 5. februar 2024 kl. 15.00-17.00", "", "Dagsorden", "",
        "1. Godkendelse af dagsorden", "", "Beslutning", "Dagsordenen blev godkendt.", "",
        "2. Status på telemedicinsk KOL-opfølgning", "", "Sagsfremstilling",
        "Administrationen orienterer om hjemmemonitorering af borgere med KOL.", "",
        "Beslutning", "Taget til efterretning.",
    ]])


def fill(portal: Portal) -> list[str]:
    """Three meetings of two committees; the first has a published PDF."""
    ids = ["11111111-aaaa-4aaa-8aaa-000000000001", "22222222-bbbb-4bbb-8bbb-000000000002",
           "33333333-cccc-4ccc-8ccc-000000000003"]
    portal.add_meeting(*HEALTH, ids[0], invented(ids[0], HEALTH[1], "2024-02-05", "telemedicinsk KOL-opfølgning"),
                       pdf=minutes_pdf())
    portal.add_meeting(*HEALTH, ids[1], invented(ids[1], HEALTH[1], "2024-05-13", "rekruttering af sygeplejersker"))
    portal.add_meeting(*PRAKSIS, ids[2], invented(ids[2], PRAKSIS[1], "2024-06-03", "lægedækning i yderområder"))
    return ids


FAST_ENV = {"REFERAT_FETCH_DELAY": "0", "REFERAT_FETCH_TIMEOUT": "5", "REFERAT_FETCH_RETRIES": "1"}


def fetch_killed_at(ix, into, reached, release, where: str) -> None:
    """Run `referat fetch` in a process of its own and kill -9 it once the stand-in portal signals
    `reached` (a request it holds); the process must still be running when it is killed."""
    import os
    import signal
    import subprocess

    from tests.conftest import referat_command

    proc = subprocess.Popen([referat_command(), "fetch", "--index", str(ix), "--into", str(into), "--no-index"],
                            env={**os.environ, **FAST_ENV}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert reached.wait(60), f"the fetch never got {where}"
        assert proc.poll() is None, "the fetch ended before it was killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        release.set()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
