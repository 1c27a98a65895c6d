"""Debian's chromium driven by pip's playwright (`playwright install` cannot download here),
for the browser tests of the widget and the consoles."""

import shutil
from contextlib import contextmanager

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium(timeout_ms: int):
    """A launched browser, closed afterwards."""
    from playwright import sync_api

    assert CHROMIUM, "Debian's chromium is needed: apt-get install -y chromium fonts-wqy-microhei"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=timeout_ms)
        try:
            yield browser
        finally:
            browser.close()
