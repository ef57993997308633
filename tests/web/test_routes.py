"""Every route of the web app through Starlette's TestClient: pages, feed, API, sources and their errors."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

import indexer
import search
from search.web import create_app
from search.web.params import MAX_LIMIT, MAX_QUERY_CHARS
from search.web.public import public
from tests.conftest import BOTH_ENGINES

from . import atom
from .atom import ATOM
from .conftest import HOSTILE_FILE, HOSTILE_MEETING, make_corpus

pytestmark = BOTH_ENGINES


def hit_ids(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/item/([^"]+)"', html)


def facet_links(html: str, name: str) -> dict[str, str]:
    """label -> href of the facet section `name` (HTML-unescaped href)."""
    block = re.search(rf'<section class="facet" aria-labelledby="facet-{name}">(.*?)</section>', html, re.DOTALL)
    assert block, f"no facet {name}"
    return {label: href.replace("&amp;", "&")
            for href, label in re.findall(r'<a href="([^"]+)">([^<]+)<', block.group(1))}


def test_search_page_lists_hits_with_highlighted_snippets_and_source_links(client):
    r = client.get("/", params={"q": "telekol"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert '<html lang="da">' in html
    assert "Status på TeleKOL i Horsens-klyngen" in html
    assert "<mark>TeleKOL</mark>" in html
    assert '<time datetime="2024-03-14">14. marts 2024</time>' in html
    (item_id,) = hit_ids(html)
    assert f'href="/source/{item_id}?kopi=1"' in html
    assert '<label for="q">' in html and '<label for="from">' in html and '<label for="sort">' in html


def test_each_facet_of_the_result_is_shown_with_counts_and_clicking_one_narrows_the_search(client):
    whole = client.get("/", params={"q": "godkendt"}).text
    result = search.open(client.app.state.library.dir).search("godkendt")
    for name, counts in result.facets.items():
        if counts:
            links = facet_links(whole, name)
            assert len(links) == min(len(counts), 12), name
    clusters = facet_links(whole, "cluster")
    label, href = next(iter(clusters.items()))
    assert parse_qs(urlsplit(href).query) == {"q": ["godkendt"], "cluster": [label]}
    narrowed = client.get("/" + href.lstrip("/")).text
    expected = result.facets["cluster"][label]
    assert re.search(rf'<h2 id="resultater" class="count">{expected} punkt', narrowed)
    assert set(hit_ids(narrowed)) < set(hit_ids(client.get("/", params={"q": "godkendt", "limit": 50}).text))
    # the chosen value is shown as an active filter that removes itself
    assert 'aria-label="Aktive filtre"' in narrowed
    remove = facet_links(narrowed, "cluster")[label]
    assert parse_qs(urlsplit(remove).query) == {"q": ["godkendt"]}


def test_filters_alone_list_items_newest_first(client):
    r = client.get("/", params={"cluster": "Horsens-klyngen", "sort": "-date"})
    assert r.status_code == 200 and len(hit_ids(r.text)) == 6


def test_paging_shows_the_next_items_and_links_each_page(client):
    first = client.get("/", params={"q": "godkendt", "limit": 2}).text
    second = client.get("/", params={"q": "godkendt", "limit": 2, "page": 2}).text
    assert len(hit_ids(first)) == 2 and len(hit_ids(second)) == 2
    assert not set(hit_ids(first)) & set(hit_ids(second))
    assert 'rel="next"' in first and 'href="?q=godkendt&amp;limit=2&amp;page=2"' in first
    assert 'aria-current="page">2<' in second and 'rel="prev"' in second


def test_date_range_and_sort(client):
    r = client.get("/", params={"q": "godkendt", "from": "2024-01-01", "to": "2024-12-31", "sort": "date"})
    dates = re.findall(r'<time datetime="([\d-]+)"', r.text)
    assert dates and all("2024-01-01" <= d <= "2024-12-31" for d in dates) and dates == sorted(dates)


@pytest.mark.parametrize("params, message", [
    ({"q": "x", "page": "0"}, "Side skal være et helt tal fra 1 til"),
    ({"q": "x", "page": "abc"}, "Side skal være et helt tal"),
    ({"q": "x", "limit": str(MAX_LIMIT + 1)}, f"Pr. side skal være et helt tal fra 1 til {MAX_LIMIT}"),
    ({"q": "x", "sort": "random"}, "ukendt sortering"),
    ({"q": "x" * (MAX_QUERY_CHARS + 1)}, f"Feltet Søg er for langt: højst {MAX_QUERY_CHARS} tegn"),
    ({"q": "x", "from": "2024-13-45"}, "Ugyldig dato i feltet Fra: '2024-13-45'"),
    ({"q": "x", "cluster": "Atlantis-klyngen"}, "Ukendt klynge 'Atlantis-klyngen'"),
    ({"q": "x", "year": "20x4"}, "Ugyldigt år '20x4'"),
    ({"q": "x", "section": "forord"}, "Ukendt afsnit 'forord'"),
])
def test_bad_parameters_give_400_with_a_message(client, params, message):
    for path in ("/", "/feed"):
        r = client.get(path, params=params)
        assert r.status_code == 400, (path, params)
        assert "Søgningen kan ikke udføres" in r.text and message.replace("'", "&#39;").lower() in r.text.lower()
        assert "Traceback" not in r.text
    r = client.get("/api/search", params=params)
    assert r.status_code == 400 and message.lower() in r.json()["error"].lower()


def test_item_page_shows_the_whole_item_with_its_sections_and_source(client):
    ix = search.open(client.app.state.library.dir)
    hit = ix.search("telekol").hits[0]
    item = ix.show(hit.id)
    r = client.get(f"/item/{hit.id}")
    assert r.status_code == 200
    assert f"<h1>{item.number}. {item.title}</h1>" in r.text
    for name in item.sections:
        assert f"<h2>{name.capitalize()}</h2>" in r.text
    assert "Orienteringen blev taget til efterretning" in r.text
    assert f'href="/source/{hit.id}?kopi=1"' in r.text and Path(item.path).name in r.text


def test_unknown_item_is_a_404_page(client):
    for path in ("/item/ffffffffffff-99", "/source/ffffffffffff-99"):
        r = client.get(path)
        assert r.status_code == 404 and "der findes intet punkt med id" in r.text.lower()
    assert client.get("/api/item/ffffffffffff-99").json() == {"error": "Der findes intet punkt med id 'ffffffffffff-99'"}


def test_source_serves_the_indexed_file_sandboxed_and_nothing_else(client):
    hit = search.open(client.app.state.library.dir).search("telekol").hits[0]
    r = client.get(f"/source/{hit.id}")
    assert r.status_code == 200 and r.content == Path(hit.path).read_bytes()
    assert r.headers["content-security-policy"] == "sandbox"
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    for attempt in ("/source/..%2F..%2F..%2Fetc%2Fpasswd", "/source/../../etc/passwd", "/source/%2Fetc%2Fpasswd",
                    "/source?path=/etc/passwd", "/static/../../../../etc/passwd"):
        r = client.get(attempt)
        assert r.status_code == 404 and "root:" not in r.text, attempt


def test_a_source_file_gone_from_disk_is_a_404_page(tmp_path):
    corpus = make_corpus(tmp_path / "minutes")
    indexer.build(tmp_path / "ix", [corpus])
    with TestClient(create_app(tmp_path / "ix")) as client:
        hit = client.get("/api/search", params={"q": "script"}).json()["hits"][0]
        (corpus / HOSTILE_FILE).unlink()
        r = client.get(f"/source/{hit['id']}")
        assert r.status_code == 404 and "findes ikke længere" in r.text


def test_document_markup_is_shown_as_text_everywhere(client):
    for r in (client.get("/", params={"q": "script alert"}), client.get("/", params={"q": "hjemmeside"})):
        assert r.status_code == 200 and hit_ids(r.text)
        assert "<script>" not in r.text and "<img" not in r.text
        assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in r.text
    item_id = hit_ids(client.get("/", params={"q": "hjemmeside"}).text)[0]
    page = client.get(f"/item/{item_id}").text
    assert "<script>" not in page and "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert page.count("&lt;script&gt;") == 4  # title (heading, <title>, the meeting's agenda) and Indstilling
    assert "script-src" not in page and "'unsafe-inline'" not in client.get("/").headers["content-security-policy"]


def test_snippet_marks_are_applied_after_escaping():
    from search.web.render import marked

    assert str(marked("a **<b>x</b>** <i>y</i>")) == "a <mark>&lt;b&gt;x&lt;/b&gt;</mark> &lt;i&gt;y&lt;/i&gt;"


def test_feed_is_atom_newest_first_with_links_to_items(client):
    r = client.get("/feed", params={"q": "godkendt"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(r.content)
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == search.open(client.app.state.library.dir).search("godkendt").total
    updated = [atom.text(e, "updated") for e in entries]
    assert updated == sorted(updated, reverse=True)
    link = atom.href(entries[0])
    assert urlsplit(link).path.startswith("/item/") and client.get(urlsplit(link).path).status_code == 200
    assert atom.href(root, "link[@rel='self']").endswith("/feed?q=godkendt")


def test_feed_escapes_document_text(client):
    root = ET.fromstring(client.get("/feed", params={"q": "hjemmeside"}).content)
    titles = [atom.text(e, "title") for e in root.findall(f"{ATOM}entry")]
    assert "2. Hjemmeside med <script>alert('xss')</script> i teksten" in titles


def test_api_gives_the_cli_json_shapes(client):
    ix = search.open(client.app.state.library.dir)
    r = client.get("/api/search", params={"q": "telekol", "cluster": "Horsens-klyngen"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.json() == public(ix.search("telekol", cluster=["Horsens-klyngen"]).to_json())
    item_id = r.json()["hits"][0]["id"]
    assert client.get(f"/api/item/{item_id}").json() == public(ix.show(item_id).to_json())


def test_missing_index_gives_a_page_that_says_how_to_build_it_and_serves_once_built(tmp_path):
    index_dir = tmp_path / "ix"
    with TestClient(create_app(index_dir)) as client:
        for path in ("/", "/?q=telekol", "/item/abc-1", "/source/abc-1", "/feed?q=x"):
            r = client.get(path)
            assert r.status_code == 503 and "Intet søgeindeks" in r.text, path
            assert "referat index --index INDEKSMAPPE MAPPE" in r.text and str(index_dir) not in r.text
        assert client.get("/api/search?q=x").json()["error"].startswith("Der er intet søgeindeks")
        indexer.build(index_dir, [make_corpus(tmp_path / "minutes")])
        assert hit_ids(client.get("/", params={"q": "telekol"}).text)


def test_a_reindex_that_commits_is_seen_by_the_next_request(tmp_path):
    corpus = make_corpus(tmp_path / "minutes")
    (corpus / HOSTILE_FILE).unlink()
    indexer.build(tmp_path / "ix", [corpus])
    with TestClient(create_app(tmp_path / "ix")) as client:
        assert client.get("/api/search", params={"q": "hjemmeside"}).json()["total"] == 0
        (corpus / HOSTILE_FILE).write_text(HOSTILE_MEETING, "utf-8")
        indexer.reindex(tmp_path / "ix")
        assert client.get("/api/search", params={"q": "hjemmeside"}).json()["total"] == 1


def test_a_repeated_search_is_answered_from_memory_until_the_index_changes(tmp_path, monkeypatch):
    corpus = make_corpus(tmp_path / "minutes")
    indexer.build(tmp_path / "ix", [corpus])
    app = create_app(tmp_path / "ix")
    with TestClient(app) as client:
        ix = app.state.library.index()
        calls = []
        original = ix.search

        def counted(*a, **k):
            calls.append(a)
            return original(*a, **k)

        monkeypatch.setattr(ix, "search", counted)
        first = client.get("/", params={"q": "telemedicin"}).text
        assert client.get("/", params={"q": "telemedicin"}).text == first
        client.get("/feed", params={"q": "telemedicin"})
        client.get("/feed", params={"q": "telemedicin"})
        assert len(calls) == 2  # the page once, the feed (newest first, more items) once
        (corpus / HOSTILE_FILE).unlink()
        indexer.reindex(tmp_path / "ix")
        assert client.get("/", params={"q": "telemedicin"}).text != first
        assert len(calls) == 3


def test_there_are_no_write_endpoints(client):
    for path in ("/", "/feed", "/api/search", "/item/x", "/source/x"):
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            r = client.request(method, path)
            assert r.status_code == 405, (method, path)
    assert "her kan kun læses" in client.post("/").text.lower()


def test_unknown_pages_and_server_errors_are_pages_without_tracebacks(web_index, monkeypatch):
    app = create_app(web_index)
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get("/findes/ikke")
        assert r.status_code == 404 and "Siden findes ikke" in r.text

        def broken(*args, **kwargs):
            raise RuntimeError("disk on fire at /secret/path")

        monkeypatch.setattr(app.state.library, "index", broken)
        r = client.get("/", params={"q": "telekol"})
        assert r.status_code == 500 and "der opstod en fejl på serveren" in r.text.lower()
        assert "secret" not in r.text and "Traceback" not in r.text


def test_pages_carry_security_headers(client):
    headers = client.get("/").headers
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert client.get("/static/style.css").status_code == 200


def test_facet_links_toggle_a_value_as_adding_and_removing_it_would():
    from search.web.params import SearchForm

    forms = [SearchForm(q="demens"), SearchForm(q="a b", filters={"cluster": ("X", "Y"), "year": ("2023",)},
                                                 date_from="2023-01-01", sort="-date", page=3, limit=20),
             SearchForm(filters={"region": ("Region Midtjylland",)})]
    for form in forms:
        for name in ("cluster", "year", "region", "outcome"):
            values = ["X", "Y", "2023", "Region Midtjylland", "taget til efterretning", "æ&ø=å"]
            toggled = form.toggling(name, values)
            for value in values:
                chosen = value in form.filters.get(name, ())
                expected = (form.removing(name, value) if chosen else form.adding(name, value)).query_string()
                assert toggled[value] == expected, (form, name, value)


def test_page_links_are_the_routes_paths(client):
    app = client.app
    html = client.get("/", params={"q": "telekol"}).text
    item = hit_ids(html)[0]
    for path in (app.url_path_for("item", item_id=item), app.url_path_for("source", item_id=item),
                 app.url_path_for("static", path="/style.css"), app.url_path_for("meetings")):
        assert f'href="{path}' in html, path


def test_the_app_starts_on_a_missing_index_and_says_how_to_build_it(tmp_path):
    with TestClient(create_app(tmp_path / "none")) as client:
        r = client.get("/", params={"q": "x"})
    assert r.status_code == 503 and "referat index --index" in r.text
