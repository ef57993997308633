"""Meetings, case history and sources in the web app, through the Index's meeting model."""
from __future__ import annotations

import re
from pathlib import Path

import search
from search.web.public import public
from tests.conftest import BOTH_ENGINES

from .conftest import FOLLOW_UP_FILE, HOSTILE_FILE

pytestmark = BOTH_ENGINES


def _between(pattern: str, html: str) -> str:
    """The first group of the pattern's match, which the page must have."""
    found = re.search(pattern, html, re.DOTALL)
    assert found is not None, pattern
    return found.group(1)


def hrefs(html: str, prefix: str) -> list[str]:
    return re.findall(rf'href="({re.escape(prefix)}[^"#?]+)', html)


def telemedicine_items(client) -> tuple[str, str]:
    """The ids of the invented case's two appearances: January's plan and March's status."""
    ix = search.open(client.app.state.library.dir)
    hits = ix.search("telemedicin hjemmeplejen", sort="date", all_appearances=True).hits
    first = next(h for h in hits if Path(h.path).name == HOSTILE_FILE and h.number == "3")
    second = next(h for h in hits if Path(h.path).name == FOLLOW_UP_FILE and h.number == "2")
    return first.id, second.id


def test_item_page_shows_its_meeting_and_case_history(client):
    first, second = telemedicine_items(client)
    html = client.get(f"/item/{first}").text
    # its meeting: the agenda with this item marked as the current one
    meeting_id = search.open(client.app.state.library.dir).show(first).meeting
    assert f'href="/meeting/{meeting_id}"' in html
    assert '<span aria-current="page">3. Telemedicin i hjemmeplejen</span>' in html
    agenda = _between(r'<ol class="meeting-items">(.*?)</ol>', html)
    assert len(hrefs(agenda, "/item/")) == 2  # the other two items of that meeting
    # its case history: both appearances in date order, the other one linked
    history = _between(r'<ol class="timeline">(.*?)</ol>', html)
    assert hrefs(history, "/item/") == [f"/item/{second}"]
    dates = re.findall(r'<time datetime="([\d-]+)"', history)
    assert dates == ["2025-01-20", "2025-03-24"]
    assert "Sagens forløb" in html and "24/01234" in html


def test_an_item_of_no_case_has_no_history(client):
    ix = search.open(client.app.state.library.dir)
    formality = next(h for h in ix.search("godkendelse dagsorden").hits if h.number == "1")
    assert "Sagens forløb" not in client.get(f"/item/{formality.id}").text


def test_meeting_page_lists_its_agenda_with_outcomes(client):
    first, _ = telemedicine_items(client)
    ix = search.open(client.app.state.library.dir)
    meeting_id = ix.show(first).meeting
    assert meeting_id is not None
    meeting = ix.meeting(meeting_id)
    r = client.get(f"/meeting/{meeting.id}")
    assert r.status_code == 200
    assert hrefs(r.text, "/item/") == [f"/item/{entry.id}" for entry in meeting.items]
    assert "20. januar 2025" in r.text and "&lt;script&gt;" in r.text and "<script>" not in r.text
    assert client.get(f"/api/meeting/{meeting.id}").json() == public(meeting.to_json())


def test_meetings_list_newest_first_with_filters_and_paging(client):
    ix = search.open(client.app.state.library.dir)
    everything = ix.meetings(limit=50)
    r = client.get("/meetings")
    assert r.status_code == 200
    assert hrefs(r.text, "/meeting/") == [f"/meeting/{row.id}" for row in everything.rows[:10]]
    dates = [row.date for row in everything.rows if row.date]
    assert dates == sorted(dates, reverse=True)
    narrowed = client.get("/meetings", params={"cluster": "Gødstrup-klyngen"}).text
    assert len(hrefs(narrowed, "/meeting/")) == ix.meetings(cluster="Gødstrup-klyngen").total == 2
    paged = client.get("/meetings", params={"limit": 2, "page": 2}).text
    assert hrefs(paged, "/meeting/") == [f"/meeting/{row.id}" for row in everything.rows[2:4]]
    api = client.get("/api/meetings", params={"year": "2025"})
    assert api.json() == ix.meetings(year="2025").to_json() and api.json()["total"] == 2


def test_meetings_bad_parameters_and_unknown_meeting(client):
    for params in ({"q": "telemedicin"}, {"section": "beslutning"}, {"year": "20x5"}, {"page": "0"}):
        r = client.get("/meetings", params=params)
        assert r.status_code == 400 and "Søgningen kan ikke udføres" in r.text, params
        assert client.get("/api/meetings", params=params).status_code == 400
    r = client.get("/meeting/ingen-saadan")
    assert r.status_code == 404 and "der findes intet møde med id" in r.text.lower()
    assert client.get("/api/meeting/ingen-saadan").json()["error"].startswith("Der findes intet møde")


def test_sources_by_number_and_never_by_path(client):
    first, _ = telemedicine_items(client)
    item = search.open(client.app.state.library.dir).show(first)
    assert item.sources
    html = client.get(f"/item/{first}").text
    assert f'href="/source/{first}?kopi=1"' in html
    r = client.get(f"/source/{first}", params={"kopi": 1})
    assert r.status_code == 200 and r.content == Path(item.sources[0].path).read_bytes()
    for bad in ("0", str(len(item.sources) + 1), "../../etc/passwd", "-1"):
        r = client.get(f"/source/{first}", params={"kopi": bad})
        assert r.status_code == 400 and "kopi" in r.text, bad
