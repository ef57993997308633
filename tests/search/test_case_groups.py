"""A case that went committee → Økonomiudvalget → Byråd is one hit, its other appearances folded under it."""
import json

from click.testing import CliRunner

from search.cli import main
from tests.conftest import BOTH_ENGINES
from tests.firstagenda import write_meeting

pytestmark = BOTH_ENGINES

CASE = ("Renovering af svømmehallen i Tune", "23-004455")
ROUTE = [("Kultur- og Fritidsudvalget", "2023-02-15", "Anbefales."), ("Økonomiudvalget", "2023-03-01", "Anbefales."),
         ("Byråd", "2023-03-13", "Godkendt.")]


def build(tmp_path):
    for n, (committee, when, decision) in enumerate(ROUTE):
        write_meeting(tmp_path / "docs" / f"{n}.json", committee, when, [
            ("1", "Godkendelse af dagsorden", "", "Godkendt."),
            ("2", CASE[0], CASE[1], decision),
            ("3", f"Svømmehallen: åbningstider i {committee}", f"23-00{n}999", "Drøftet."),
        ])
    runner = CliRunner()
    assert runner.invoke(main, ["source", "add", "tune", "--folder", str(tmp_path / "docs"), "--municipality",
                                "Greve", "--index", str(tmp_path / "ix")]).exit_code == 0
    assert runner.invoke(main, ["index", "--index", str(tmp_path / "ix"), str(tmp_path / "docs")]).exit_code == 0
    return lambda *args: runner.invoke(main, ["search", "--index", str(tmp_path / "ix"), *args])


def test_a_case_in_three_meetings_is_one_hit_with_three_appearances(tmp_path):
    search = build(tmp_path)
    doc = json.loads(search("svømmehallen", "--json").output)
    assert doc["total"] == 6 and doc["groups"] == 4
    [case] = [h for h in doc["hits"] if h["title"] == CASE[0]]
    assert (case["body"], case["date"]) == ("Byråd", "2023-03-13"), "the most recent appearance is shown"
    assert [(a["name"], a["date"]) for a in case["case"]["appearances"]] == [
        ("Byråd", "2023-03-13"), ("Økonomiudvalget", "2023-03-01"), ("Kultur- og Fritidsudvalget", "2023-02-15")]
    text = search("svømmehallen").output
    assert "also in Økonomiudvalget 2023-03-01, Kultur- og Fritidsudvalget 2023-02-15" in text
    assert text.count(CASE[0]) == 1


def test_all_appearances_shows_each_and_pages_are_full_pages_of_cases(tmp_path):
    search = build(tmp_path)
    every = json.loads(search("svømmehallen", "--all-appearances", "--json").output)
    assert [h["title"] for h in every["hits"]].count(CASE[0]) == 3 and every["groups"] is None
    first = json.loads(search("svømmehallen", "--limit", "2", "--json").output)
    second = json.loads(search("svømmehallen", "--limit", "2", "--page", "2", "--json").output)
    shown = [h["id"] for h in first["hits"] + second["hits"]]
    assert len(shown) == len(set(shown)) == 4
    folded = {a["id"] for h in first["hits"] + second["hits"] for a in (h["case"] or {}).get("appearances", [])}
    assert len(folded | set(shown)) == 6, "every matching item is a hit or folded under one, once"


def test_the_web_page_folds_a_case_and_shows_each_on_request(tmp_path):
    from starlette.testclient import TestClient

    from search.web.app import create_app

    build(tmp_path)
    with TestClient(create_app(str(tmp_path / "ix"))) as client:
        page = client.get("/", params={"q": "svømmehallen"})
        assert page.status_code == 200 and page.text.count(CASE[0]) == 1
        assert "Også i:" in page.text and "Kultur- og Fritidsudvalget" in page.text
        every = client.get("/", params={"q": "svømmehallen", "appearances": "all"})
        assert every.text.count(CASE[0]) == 3 and "Også i:" not in every.text
        api = client.get("/api/search", params={"q": "svømmehallen"}).json()
        assert api["groups"] == 4 and max(len(h["case"]["appearances"]) for h in api["hits"]) == 3
        assert client.get("/", params={"q": "x", "appearances": "some"}).status_code == 400
