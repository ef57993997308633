"""What a new user trips over on the web page (issue 22), in headless Chromium against `referat serve`:
an empty index, server paths, published pages' relative links, English on a Danish page, paging past
the end, and the pages a meeting portal has (bodies, municipalities, cases, followed searches)."""
from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest

from corpus.fetch.sources import Source, SourceList, save_sources
from corpus.fetch.store import Fetched, SourceState
from tests.conftest import write

from .browser import chromium, require_chromium
from .conftest import HOSTILE_MEETING, make_corpus
from .live import serving

# An invented meeting as a portal publishes it: links to attachments, a style sheet and a logo, all
# relative to the portal.
PUBLISHED = """<!DOCTYPE html>
<html lang="da"><head><meta charset="utf-8"><title>Sundheds- og Omsorgsudvalget - referat</title>
<link rel="stylesheet" href="/css/portal.css"><base href="/moede/"></head>
<body><img src="logo.png" alt="Kommunens logo"><nav><a href="/">Forside</a> <a href="../soeg">Søg</a></nav>
<h1>Referat af møde i Sundheds- og Omsorgsudvalget, Lejre Kommune</h1>
<p>Mødedato: 12. februar 2025 kl. 16.00-18.00</p>
<h2>Punkt 1: Godkendelse af dagsorden</h2>
<h3>Beslutning</h3><p>Godkendt.</p>
<h2>Punkt 2: Rehabilitering på plejecentrene</h2>
<h3>Sagsfremstilling</h3><p>Forvaltningen beskriver et forsøg med rehabilitering på to plejecentre.</p>
<p>Bilag: <a href="bilag/4711.pdf">Evaluering af forsøget</a> og <a href="https://example.org/rapport">en rapport</a>.</p>
<h3>Beslutning</h3><p>Taget til efterretning.</p>
</body></html>
"""
PUBLISHED_FILE = "sundheds-og-omsorgsudvalget/2025-02-12_sundheds-og-omsorgsudvalget.html"
PORTAL = "http://127.0.0.1:9/portal"
# An invented meeting whose header OCR damaged: ø read as @, set in capitals.
DAMAGED = """KLYNGESTYREGRUPPEM@DE MIDTKLYNGEN

Dato: 2. maj 2024 kl. 13.00-15.00

Dagsorden

1. Godkendelse af dagsorden

Beslutning:
Godkendt.

2. Sygeplejeklinikker i klyngen

Sagsfremstilling
Klyngen har åbnet tre sygeplejeklinikker.

Beslutning
Taget til efterretning.
"""
MEETING_ID = "5f0c1e2a-0000-4000-8000-00000000beef"


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """A served index of the web corpus plus one fetched meeting, and a served empty index."""
    import indexer

    root = tmp_path_factory.mktemp("newuser")
    minutes = make_corpus(root / "minutes")
    write(minutes / "2024-05-02_midtklyngen.txt", DAMAGED)
    # the Gødstrup body met in 2025 twice (the web corpus) and once the year before
    write(minutes / "2024-11-18_goedstrup-klyngen_klyngestyregruppe.txt",
          HOSTILE_MEETING.replace("20. januar 2025", "18. november 2024"))
    fetched = root / "fetched"
    write_path = fetched / "lejre" / PUBLISHED_FILE
    write_path.parent.mkdir(parents=True)
    write(write_path, PUBLISHED)
    SourceState(fetched, "lejre").record(Fetched(MEETING_ID, "Sundheds- og Omsorgsudvalget", "2025-02-12",
                                                 "Sundheds- og Omsorgsudvalget", "h", "f",
                                                 [f"lejre/{PUBLISHED_FILE}"]))
    index_dir = root / "ix"
    report = indexer.build(index_dir, [minutes, fetched])
    assert not report.failed, report.failed
    save_sources(index_dir, SourceList([Source("lejre", PORTAL)], folder=str(fetched)))
    empty_dir = root / "empty"
    indexer.build(empty_dir, [write(root / "tom.txt", "")])
    require_chromium()
    with serving(index_dir) as base, serving(empty_dir) as empty:
        yield {"base": base, "empty": empty, "root": root}


@pytest.fixture(scope="module")
def browser(sites):
    with chromium() as driver:
        yield driver


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url) as response:
        return json.loads(response.read())


def get_text(url: str) -> str:
    with urllib.request.urlopen(url) as response:
        return response.read().decode("utf-8")


def strings(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)
    elif isinstance(value, str):
        yield value


def test_an_empty_index_serves_its_page(browser, sites):
    from selenium.webdriver.common.by import By

    browser.get(sites["empty"] + "/?q=kol")
    assert browser.find_element(By.ID, "resultater").text == \
        "Ingen punkter endnu — indeksér nogle referater med referat index"
    assert get_json(sites["empty"] + "/api/search?q=kol")["empty_index"] is True


def test_no_server_path_in_the_json_or_the_pages(browser, sites):
    root = str(sites["root"])
    for query in ("godkendt", "rehabilitering", "*"):
        data = get_json(f"{sites['base']}/api/search?q={query}&limit=50")
        assert data["hits"]
        found = [s for s in strings(data) if root in s or s.startswith("file:") or re.match(r"^/(?:tmp|home|srv)/", s)]
        assert not found, found
        for hit in data["hits"]:
            assert "path" not in hit
            for n, source in enumerate(hit["sources"], start=1):
                assert source["url"].startswith(f"/source/{hit['id']}?kopi={n}")
        item = get_json(f"{sites['base']}/api/item/{data['hits'][0]['id']}")
        meeting = get_json(f"{sites['base']}/api/meeting/{item['meeting']}")
        assert not [s for s in strings([item, meeting]) if root in s]
    for page in ("/?q=godkendt", "/meetings", f"/item/{data['hits'][0]['id']}"):
        browser.get(sites["base"] + page)
        assert root not in browser.page_source


def test_a_fetched_html_source_links_its_publisher_and_opens_at_the_item(browser, sites):
    from selenium.webdriver.common.by import By

    data = get_json(f"{sites['base']}/api/search?q=rehabilitering+plejecentrene")
    hit = data["hits"][0]
    assert hit["title"] == "Rehabilitering på plejecentrene"
    source = hit["sources"][0]
    assert source["publisher_url"] == f"{PORTAL}/vis?id={MEETING_ID}"
    html = get_text(sites["base"] + source["url"].split("#")[0])
    links = re.findall(r'(?:href|src)="([^"]*)"', html)
    assert links and all(link.startswith(("http://", "https://", "#")) for link in links), links
    assert 'href="http://127.0.0.1:9/moede/bilag/4711.pdf"' in html  # against the document's <base>, at the portal
    assert "<base" not in html and 'href="https://example.org/rapport"' in html
    assert 'id="referat-punkt"' in html
    browser.get(sites["base"] + "/?q=rehabilitering+plejecentrene")
    publisher = browser.find_element(By.CSS_SELECTOR, ".hit a.publisher")
    assert publisher.text == "Se hos udgiver" and publisher.get_attribute("href") == source["publisher_url"]
    browser.find_element(By.CSS_SELECTOR, ".hit .source a").click()
    assert browser.current_url.endswith("#referat-punkt")
    marked = browser.find_element(By.ID, "referat-punkt")
    assert "Rehabilitering på plejecentrene" in marked.text


def test_an_unfetched_html_source_loses_its_relative_links(sites):
    data = get_json(f"{sites['base']}/api/search?q=f%C3%A6rdigbehandlede")
    source = data["hits"][0]["sources"][0]
    assert source["publisher_url"] is None and source["format"] == "html"
    html = get_text(sites["base"] + source["url"].split("#")[0])
    assert not re.findall(r'(?:href|src)="(?!https?://|#)([^"]*)"', html)
    assert 'id="referat-punkt"' in html


# Words that are English and never Danish: one of them in the page's own text is an English sentence.
ENGLISH = frozenset({"the", "and", "of", "with", "not", "items", "item", "match", "matches", "showing", "nothing",
    "unknown", "invalid", "error", "found", "results", "meeting", "meetings", "body", "file", "files", "yet", "use",
    "only", "none", "this", "that", "which", "cannot", "must", "should", "query", "page", "search", "other",
    "cluster", "committee", "municipal", "council", "regional", "but", "give", "has", "there", "here"})
TEMPLATES = Path(__file__).resolve().parents[2] / "search" / "web" / "templates"


def english_words(text: str) -> set[str]:
    # query syntax is the user's language; {placeholders} are filled in
    text = re.sub(r"<code>.*?</code>|\b\w+:\w*|\{\w*\}", " ", text, flags=re.DOTALL)
    return {w for w in re.findall(r"[A-Za-zæøåÆØÅ]+", text.lower()) if w in ENGLISH}


def test_no_english_in_the_templates_or_the_labels():
    from search.web import labels

    for template in sorted(TEMPLATES.glob("*.html")):
        source = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", template.read_text("utf-8"), flags=re.DOTALL)
        shown = re.findall(r"(?:aria-label|placeholder|title|alt)=\"([^\"]*)\"", source)
        shown += re.sub(r"<[^>]*>", " ", source).split("\n")
        found = {w for text in shown for w in english_words(text)}
        assert not found, (template.name, found)
    tables = [labels.FACETS, labels.FIELDS, labels.MESSAGES, labels.GENERAL,
              *[values for values in labels.VALUES.values()]]
    found = {w for table in tables for text in table.values() for w in english_words(text)}
    assert not found, found


CHROME = ".count, .note, .message, h1, .facet h3, .facet li, .active, .pages, .links, .filters label, .sitenav, .foot"


def page_words(browser) -> set[str]:
    from selenium.webdriver.common.by import By

    return {w for e in browser.find_elements(By.CSS_SELECTOR, CHROME) for w in english_words(e.text)}


@pytest.mark.parametrize("path", [
    "/?q=godkendt", "/?q=kommunikatoin", "/?q=%22demensvenlig", "/?q=telemedicin&cluster=Atlantis",
    "/?q=x&from=2024-13-45", "/?q=og", "/?q=AND", "/?q=godkendt&year=20x4", "/?q=godkendt&section=forord",
    "/?q=telekol&cluster=horsens", "/?q=godkendt&page=200", "/meetings", "/meetings?q=x", "/item/nix",
    "/?q=hjemmeside&section=beslutning",
])
def test_the_page_speaks_danish(browser, sites, path):
    from urllib.parse import parse_qs, urlsplit

    browser.get(sites["base"] + path)
    typed = {w.lower() for v in parse_qs(urlsplit(path).query).values() for w in " ".join(v).split()}
    assert not page_words(browser) - typed, (path, page_words(browser))


def test_an_error_keeps_the_query_and_names_the_field_as_the_form_does(browser, sites):
    from selenium.webdriver.common.by import By

    browser.get(sites["base"] + "/?q=telemedicin&from=2024-13-45")
    assert browser.find_element(By.ID, "q").get_attribute("value") == "telemedicin"
    message = browser.find_element(By.CSS_SELECTOR, ".message").text
    assert "Fra" in message and "--from" not in message and "2024-13-45" in message


def test_facet_values_chips_and_body_names_read_as_danish(browser, sites):
    from selenium.webdriver.common.by import By

    browser.get(sites["base"] + "/?q=godkendt")
    kinds = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#facet-body_kind ~ ul li a")]
    assert kinds and not {k.split("\n")[0] for k in kinds} & {"cluster forum", "municipal committee", "other"}
    assert any(k.startswith(("Klyngeforum", "Kommunalt udvalg")) for k in kinds), kinds
    browser.get(sites["base"] + "/?q=telekol&cluster=horsens")
    chip = browser.find_element(By.CSS_SELECTOR, ".active li a").text
    assert chip.startswith("Klynge: Horsens-klyngen"), chip


def test_a_page_past_the_end_says_so_and_links_the_last(browser, sites):
    from selenium.webdriver.common.by import By

    browser.get(sites["base"] + "/?q=godkendt&limit=10&page=200")
    note = browser.find_element(By.CSS_SELECTOR, ".past-end")
    assert note.text.startswith("Side 200 findes ikke; den sidste side er ")
    note.find_element(By.TAG_NAME, "a").click()
    assert browser.find_elements(By.CSS_SELECTOR, ".hit") and "page=200" not in browser.current_url
    browser.get(sites["base"] + "/meetings?page=200")
    assert browser.find_element(By.CSS_SELECTOR, ".past-end").text.startswith("Side 200 findes ikke")


def test_each_hit_is_numbered_once(browser, sites):
    from selenium.webdriver.common.by import By

    browser.get(sites["base"] + "/?q=godkendt&page=2")
    first = browser.find_element(By.CSS_SELECTOR, ".hit")
    title = first.find_element(By.CSS_SELECTOR, "h3").text
    assert not re.match(r"\d+\.", title), title  # the list numbers the hits; the item's number is in its line
    assert re.search(r"punkt \d+", first.find_element(By.CSS_SELECTOR, ".meta").text)


def test_a_damaged_header_shows_a_clean_body_name(browser, sites):
    from selenium.webdriver.common.by import By

    browser.get(sites["base"] + "/?q=sygeplejeklinikker")
    meta = browser.find_element(By.CSS_SELECTOR, ".hit .meta").text
    bodies = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#facet-body ~ ul li a")]
    for shown in [meta, *bodies]:
        assert "@" not in shown and "KLYNGESTYREGRUPPE" not in shown, shown
    assert "Klyngestyregruppemøde Midtklyngen" in meta
    item = browser.find_element(By.CSS_SELECTOR, ".hit h3 a").get_attribute("href")
    browser.get(item)
    assert "@" not in browser.find_element(By.CSS_SELECTOR, "dl.facts").text


def test_browse_by_municipality_and_body(browser, sites):
    from selenium.webdriver.common.by import By

    browser.get(sites["base"] + "/")
    browser.find_element(By.LINK_TEXT, "Kommuner og udvalg").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Kommuner og udvalg"
    browser.find_element(By.CSS_SELECTOR, ".toc").find_element(By.LINK_TEXT, "Lejre").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Lejre Kommune"
    body = browser.find_element(By.CSS_SELECTOR, ".bodies li a")
    assert body.text.startswith("Sundheds- og Omsorgsudvalget")
    name = body.text
    body.click()
    assert browser.find_element(By.TAG_NAME, "h1").text == name
    assert "Lejre" in browser.find_element(By.CSS_SELECTOR, "dl.facts").text
    browser.get(sites["base"] + "/organer")
    link = next(a for a in browser.find_elements(By.CSS_SELECTOR, ".bodies li a") if "Gødstrup" in a.text)
    link.click()
    years = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "section.year h2")]
    assert years == ["2025", "2024"]
    dates = [t.get_attribute("datetime") for t in browser.find_elements(By.CSS_SELECTOR, "section.year time")]
    assert dates == ["2025-03-24", "2025-01-20", "2024-11-18"]
    browser.find_element(By.CSS_SELECTOR, "section.year a").click()
    assert "24. marts 2025" in browser.find_element(By.TAG_NAME, "h1").text
    browser.get(sites["base"] + "/organ/Intet%20s%C3%A5dant%20udvalg")
    assert "Der findes intet organ" in browser.find_element(By.CSS_SELECTOR, ".message").text


def test_the_case_page_shows_every_appearance(browser, sites):
    from selenium.webdriver.common.by import By

    browser.get(f"{sites['base']}/?q=24%2F01234")
    note = browser.find_element(By.CSS_SELECTOR, ".note")
    assert note.text.startswith("Punkterne i sag 24/01234 vises først")
    note.find_element(By.LINK_TEXT, "Sagens forløb: 24/01234").click()
    assert len(browser.find_elements(By.CSS_SELECTOR, ".timeline li")) == 3

    data = get_json(f"{sites['base']}/api/case/24%2F01234")
    assert data["case_numbers"] == ["24/01234"] and len(data["appearances"]) == 3
    assert not [s for s in strings(data) if str(sites["root"]) in s]
    item = data["appearances"][-1]["id"]
    browser.get(f"{sites['base']}/item/{item}")
    browser.find_element(By.LINK_TEXT, "24/01234").click()
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Sag: ")
    rows = browser.find_elements(By.CSS_SELECTOR, ".timeline li")
    assert len(rows) == 3 and "Telemedicin i hjemmeplejen" in rows[0].text
    browser.get(f"{sites['base']}/case/{item}")  # by an item's id too
    assert len(browser.find_elements(By.CSS_SELECTOR, ".timeline li")) == 3


def test_follow_this_search_gives_its_feed(browser, sites):
    import xml.etree.ElementTree as ET

    from selenium.webdriver.common.by import By

    browser.get(sites["base"] + "/?q=godkendt&cluster=G%C3%B8dstrup-klyngen&page=2&limit=10")
    link = browser.find_element(By.LINK_TEXT, "Følg denne søgning")
    href = link.get_attribute("href")
    assert href.startswith(sites["base"] + "/feed?") and "cluster=G%C3%B8dstrup-klyngen" in href
    assert "page=" not in href
    with urllib.request.urlopen(href) as response:
        assert response.headers["Content-Type"].startswith("application/atom+xml")
        feed = ET.fromstring(response.read())
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    expected = get_json(sites["base"] + "/api/search?q=godkendt&cluster=G%C3%B8dstrup-klyngen&limit=50")["total"]
    assert len(entries) == expected and expected > 0
