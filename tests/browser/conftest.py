"""Browser-test fixtures: the session app served over real HTTP, headless Chromium through Playwright, and axe-core.

Chromium cannot be downloaded here, so Playwright drives the system one at /usr/bin/chromium; without it the browser
tests are skipped, not failed.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
]
# Phones first: the smallest common Android width.
VIEWPORT = {"width": 360, "height": 740}

try:
    from playwright import sync_api as playwright_sync
except ImportError:  # pragma: no cover - the browser fixture skips instead
    playwright_sync = None


@pytest.fixture(scope="session")
def browser() -> Iterator["playwright_sync.Browser"]:
    if playwright_sync is None:
        pytest.skip("Playwright for Python is not installed (pip install -r requirements-dev.txt)")
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (browsers cannot be downloaded here)")
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: "playwright_sync.Browser", live_server: LiveServer) -> Iterator["playwright_sync.Page"]:
    """A fresh phone-sized tab with an Indonesian browser; CSP is bypassed only so that axe can be injected."""
    context = browser.new_context(
        base_url=live_server.url, viewport=VIEWPORT, locale="id-ID", timezone_id="Asia/Makassar",
        bypass_csp=True, service_workers="block",
    )
    context.set_default_timeout(5_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


# The festival browser tests' fixtures (several browsers at once, uploads in a temporary folder).
from tests.browser.festival_fixtures import browsers, festival_uploads  # noqa: E402, F401
