"""The web app in a real browser: headless Chromium against `referat serve` on 127.0.0.1.

A user searches, narrows by a facet, pages, opens an item, follows it to its source, subscribes to
the feed, and meets a document whose text holds <script>: it must show as text and never run.
"""
from __future__ import annotations

import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import BOTH_ENGINES

from . import atom
from .atom import ATOM
from .browser import chromium, require_chromium
from .live import serving

pytestmark = BOTH_ENGINES


@pytest.fixture(scope="module")
def base(web_index):
    require_chromium()
    with serving(web_index) as url:
        yield url


@pytest.fixture(scope="module")
def browser(base):
    with chromium() as driver:
        yield driver


def search_for(browser, base: str, words: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(base + "/")
    box = browser.find_element(By.ID, "q")
    box.clear()
    box.send_keys(words, Keys.ENTER)  # the keyboard submits the form; no JavaScript involved
    wait_for(browser, lambda d: heading(d) == f"Søgning: {words}")


def wait_for(browser, condition, timeout: float = 10):
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    # a page being replaced by the next one (stale or detached elements) is polled again, not a failure
    return WebDriverWait(browser, timeout, poll_frequency=0.05, ignored_exceptions=(WebDriverException,)).until(condition)


def heading(browser) -> str:
    from selenium.webdriver.common.by import By

    return browser.find_element(By.TAG_NAME, "h1").text


def hit_titles(browser) -> list[str]:
    from selenium.webdriver.common.by import By

    return [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".hit h3 a")]


def hit_links(browser) -> list[str]:
    from selenium.webdriver.common.by import By

    return [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, ".hit h3 a")]


def count(browser) -> str:
    from selenium.webdriver.common.by import By

    return browser.find_element(By.ID, "resultater").text


def test_search_facet_page_item_and_source(browser, base, web_index):
    from selenium.webdriver.common.by import By

    search_for(browser, base, "godkendt")
    before = count(browser)
    assert hit_titles(browser) and browser.find_elements(By.CSS_SELECTOR, ".snippet mark")

    # click a cluster facet: the search narrows and the filter shows as active
    facet = browser.find_element(By.CSS_SELECTOR, "#facet-cluster ~ ul a")
    cluster, n = facet.text, facet.find_element(By.XPATH, "../span[@class='n']").text.split()[0]
    facet.click()
    wait_for(browser, lambda d: count(d) != before)
    assert count(browser).startswith(f"{n} punkt")
    assert browser.find_element(By.CSS_SELECTOR, "ul.active a").text.startswith(f"Klynge: {cluster}")
    assert all(cluster in m.text for m in browser.find_elements(By.CSS_SELECTOR, ".hit .meta"))

    # page: two per page, then the next page by its link
    browser.get(f"{base}/?q=godkendt&limit=2")
    first = hit_links(browser)
    browser.find_element(By.CSS_SELECTOR, "nav.pages a[rel=next]").click()
    wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, "nav.pages [aria-current=page]").text == "2")
    second = hit_links(browser)
    assert len(first) == len(second) == 2 and not set(first) & set(second)

    # open an item, then follow it to its source file
    search_for(browser, base, "telekol")
    browser.find_element(By.CSS_SELECTOR, ".hit h3 a").click()
    wait_for(browser, lambda d: heading(d) == "2. Status på TeleKOL i Horsens-klyngen")
    assert [h.text for h in browser.find_elements(By.CSS_SELECTOR, ".section h2")][:1] == ["Indstilling"]
    # its meeting, and back
    browser.find_element(By.CSS_SELECTOR, "#moedet a").click()
    wait_for(browser, lambda d: "14. marts 2024" in heading(d))
    assert "2. Status på TeleKOL i Horsens-klyngen" in [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".agenda h3 a")]
    browser.back()
    wait_for(browser, lambda d: heading(d) == "2. Status på TeleKOL i Horsens-klyngen")
    source = browser.find_element(By.CSS_SELECTOR, ".facts a[href^='/source/']")
    name = source.text
    source.click()
    wait_for(browser, lambda d: "/source/" in d.current_url and "Tele-KOL" in d.find_element(By.TAG_NAME, "body").text)
    text = browser.find_element(By.TAG_NAME, "body").text
    original = next(Path(web_index).parent.joinpath("minutes").glob(name)).read_text("utf-8")
    assert "Tele-KOL giver borgere med kronisk obstruktiv lungesygdom" in text
    assert text.splitlines()[0] == original.splitlines()[0]


def test_the_feed_link_gives_a_parsable_atom_feed(browser, base):
    from selenium.webdriver.common.by import By

    search_for(browser, base, "godkendt")
    href = browser.find_element(By.CSS_SELECTOR, "link[rel=alternate][type='application/atom+xml']").get_attribute("href")
    assert href == browser.find_element(By.LINK_TEXT, "Følg denne søgning").get_attribute("href")
    with urllib.request.urlopen(href) as r:
        assert r.headers["Content-Type"].startswith("application/atom+xml")
        feed = ET.fromstring(r.read())
    entries = feed.findall(f"{ATOM}entry")
    assert feed.tag == f"{ATOM}feed" and entries
    dates = [atom.text(e, "updated") for e in entries]
    assert dates == sorted(dates, reverse=True)
    browser.get(atom.href(entries[0]))
    assert heading(browser) == atom.text(entries[0], "title")


def test_script_in_a_document_renders_as_text_and_never_runs(browser, base):
    from selenium.webdriver.common.by import By

    search_for(browser, base, "hjemmeside")
    title = "Hjemmeside med <script>alert('xss')</script> i teksten"
    assert title in hit_titles(browser)
    assert "<script>alert('xss')</script>" in browser.find_element(By.CSS_SELECTOR, ".snippet").text
    browser.find_element(By.LINK_TEXT, title).click()
    wait_for(browser, lambda d: heading(d) == "2. " + title)
    assert "<img src=x onerror=alert(1)>" in browser.find_element(By.TAG_NAME, "main").text
    # nothing ran: no alert is open, no <script> or <img> element came from the document
    assert browser.execute_script("return document.querySelectorAll('script, main img').length") == 0
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        _ = browser.switch_to.alert.text


def test_keyboard_alone_reaches_the_search_box_and_a_result(browser, base):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(base + "/")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Spring til indhold"
    visited = []
    for _ in range(6):  # past the site name and the menu to the search box
        browser.switch_to.active_element.send_keys(Keys.TAB)
        visited.append(browser.switch_to.active_element.get_attribute("id") or browser.switch_to.active_element.text)
        if visited[-1] == "q":
            break
    assert visited[-1] == "q", visited
    browser.switch_to.active_element.send_keys("telekol", Keys.ENTER)
    wait_for(browser, lambda d: heading(d) == "Søgning: telekol")
    for _ in range(40):  # on to the first result
        browser.switch_to.active_element.send_keys(Keys.TAB)
        if "/item/" in (browser.switch_to.active_element.get_attribute("href") or ""):
            break
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait_for(browser, lambda d: heading(d) == "2. Status på TeleKOL i Horsens-klyngen")
    assert browser.find_element(By.CSS_SELECTOR, "html").get_attribute("lang") == "da"


def test_phone_width_has_no_horizontal_scroll(base):
    with chromium(width=375, height=740) as phone:
        for path in ("/?q=godkendt", "/?q=hjemmeside"):
            phone.get(base + path)
            assert phone.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"), path
