"""Screenshots of the main pages for README: `python -m tests.web.screenshots [docs]`.

Indexes the sample minutes (and the invented meeting of the web tests) in a temporary folder, serves
them with `referat serve` and photographs the pages in headless Chromium.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import indexer

from .browser import chromium
from .conftest import make_corpus
from .live import serving

ITEM_OF = "/?q=title:hjemmeplejen&sort=date"  # the item and meeting shots are of this search's first hit
SHOTS = [  # file, window width, height, path
    ("search.png", 1280, 1100, "/?q=godkendt"),
    ("item.png", 1280, 1400, None),
    ("meeting.png", 1280, 1000, "meeting"),
    ("phone.png", 390, 1300, "/?q=telemedicin"),
    ("bodies.png", 1280, 900, "/organer"),
    ("case.png", 1280, 800, "/case/24%2F01234"),
]


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "ix"
        indexer.build(index_dir, [make_corpus(Path(tmp) / "minutes")])
        with serving(index_dir) as base:
            for name, width, height, path in SHOTS:
                with chromium(width, height) as driver:
                    if path is None:
                        driver.get(base + ITEM_OF)
                        path = driver.find_element("css selector", ".hit h3 a").get_attribute("href")[len(base):]
                    elif path == "meeting":  # the meeting of that item
                        driver.get(base + ITEM_OF)
                        driver.find_element("css selector", ".hit h3 a").click()
                        path = driver.find_element("css selector", "#moedet a").get_attribute("href")[len(base):]
                    driver.get(base + path)
                    driver.save_screenshot(str(out / name))
                    print(out / name)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
