"""Browser-test fixtures: the session app served over real HTTP, headless Chromium through Playwright, and axe-core.

Chromium cannot be downloaded here, so Playwright drives the system one at /usr/bin/chromium; without it the browser
tests are skipped, not failed.
"""

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask, got_request_exception
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

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


class _QuietHandler(WSGIRequestHandler):
    """No access log for each request; errors are still logged."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@dataclass
class LiveServer:
    url: str
    errors: list[BaseException] = field(default_factory=list)

    def check_no_errors(self) -> None:
        """Fail with the server-side exception if a request crashed (the browser only sees a 500 page)."""
        if self.errors:
            error = self.errors[0]
            raise AssertionError(f"the server raised {type(error).__name__}: {error}") from error


@pytest.fixture(scope="session")
def live_server_instance(app: Flask) -> Iterator[LiveServer]:
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    live = LiveServer(url=f"http://127.0.0.1:{server.server_port}")

    def record(sender: Flask, exception: BaseException, **extra: object) -> None:
        live.errors.append(exception)

    got_request_exception.connect(record, app)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield live
    finally:
        got_request_exception.disconnect(record, app)
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def live_server(live_server_instance: LiveServer) -> Iterator[LiveServer]:
    """The running server, with the record of server-side exceptions fresh for each test."""
    live_server_instance.errors.clear()
    yield live_server_instance
    live_server_instance.check_no_errors()


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
