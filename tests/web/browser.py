"""Headless Chromium driven by selenium: Debian's /usr/bin/chromium and /usr/bin/chromedriver.

Absent browser: a skip with the reason outside CI, a failure under CI=true (`.ci/run` installs them).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from contextlib import contextmanager

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# Flags for a root user on a machine without a display or outside network (see the machine notes).
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--lang=da")


def require_chromium() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        reason = (f"headless Chromium not installed ({', '.join(missing)} missing): "
                  "apt-get install -y chromium chromium-driver (done by .ci/run)")
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)


@contextmanager
def chromium(width: int = 1280, height: int = 900):
    """A selenium WebDriver on a fresh profile, closed afterwards."""
    require_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="referat-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        _quit(driver, profile)


QUIT_SECONDS = 20


def _quit(driver, profile: str) -> None:
    """driver.quit() was seen to hang for good on Chromium's exit: it gets a deadline, then the driver
    and the browser (found by its own profile folder) are killed, so a test never hangs the suite."""
    closer = threading.Thread(target=driver.quit, daemon=True)
    closer.start()
    closer.join(QUIT_SECONDS)
    if closer.is_alive():
        driver.service.process.kill()
        subprocess.run(["pkill", "-9", "-f", profile], check=False)
    shutil.rmtree(profile, ignore_errors=True)
