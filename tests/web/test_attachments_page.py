"""The web page and attachments (bilag): a hit found in one links its pages, an item links its attachments."""
from starlette.testclient import TestClient

import indexer
import search
from search.web import create_app
from tests.indexer.test_attachments import folder


def test_the_web_page_shows_the_matching_bilag_page_and_links_the_attachments(tmp_path):
    minutes = folder(tmp_path)
    indexer.build(tmp_path / "ix", [minutes])
    with TestClient(create_app(tmp_path / "ix")) as client:
        page = client.get("/", params={"q": "tandplejen"}).text
        hit_id = search.open(tmp_path / "ix").search("tandplejen").hits[0].id
        link = f'/source/{hit_id}?bilag=1#page=2">Bilag 1 – Handleplan 2024, s. 2</a>'
        assert "Kun fundet i" in page and link in page
        assert f'/source/{hit_id}?bilag=1#page=3">s. 3</a>' in page  # every page with the words
        item = client.get(f"/item/{hit_id}").text
        assert f'/source/{hit_id}?bilag=1">Bilag 1 – Handleplan 2024</a> (3 s.)' in item
        assert "Bilag 2 – Høringssvar (ikke hentet)" in item
        served = client.get(f"/source/{hit_id}", params={"bilag": "1"})
        assert served.status_code == 200 and served.content == (minutes / "Bilag 1 - Handleplan 2024.pdf").read_bytes()
        assert client.get(f"/source/{hit_id}", params={"bilag": "2"}).status_code == 400
