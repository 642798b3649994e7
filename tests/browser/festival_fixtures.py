"""Fixtures and helpers for the festival browser tests: several people at once, each in their own browser (a phone or
a desk computer), logging in through the real form; uploads in a temporary folder; a JPEG made with Pillow.

The fixtures are made available to the browser tests by tests/browser/conftest.py.
"""

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image

from tests.browser.a11y import PageChecks
from tests.factories import PASSWORD

PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 800}


def log_in(page, email: str, lands_on: str = "/home", password: str = PASSWORD) -> None:
    """Log in through the login form's own button (not one that posts elsewhere with `formaction`); `lands_on` is
    the path the portal sends this person to."""
    from playwright.sync_api import expect

    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("#main form button[type=submit]:not([formaction])").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(lands_on)}$"))


@dataclass
class Visitor:
    """One person in one browser: the tab, the checks run on every page it shows, and the requests that failed."""

    name: str
    page: object
    check: PageChecks
    failed: list[str] = field(default_factory=list)

    def log_in(self, email: str, lands_on: str, password: str = PASSWORD) -> None:
        """Log in through the login form (its page checked too); `lands_on` is where the portal sends this person."""
        self.page.goto("/login")
        self.check(f"{self.name}: login page")
        log_in(self.page, email, lands_on, password)

    def problems(self) -> list[str]:
        found = list(self.check.problems)
        if self.failed:
            found.append(f"requests of {self.name} that failed:\n  " + "\n  ".join(self.failed))
        return found


class Browsers:
    """Opens a new browser for each person (its own cookies, so also a second device of the same person)."""

    def __init__(self, browser, live_server) -> None:
        self.browser = browser
        self.live_server = live_server
        self.opened: list[tuple[object, Visitor]] = []

    def open(self, name: str, viewport: dict = PHONE, locale: str = "en-AU") -> Visitor:
        context = self.browser.new_context(
            base_url=self.live_server.url, viewport=viewport, locale=locale, timezone_id="Asia/Makassar",
            bypass_csp=True, service_workers="block",  # CSP is bypassed only so that axe can be injected
        )
        context.set_default_timeout(5_000)
        page = context.new_page()
        visitor = Visitor(name=name, page=page, check=PageChecks(page))
        page.on("response", lambda r: visitor.failed.append(f"{r.status} {r.request.method} {r.url}")
                if r.status >= 400 else None)
        self.opened.append((context, visitor))
        return visitor

    def assert_clean(self) -> None:
        """Every page any visitor checked passed axe-core and the sideways-scroll check; no request failed."""
        self.live_server.check_no_errors()
        problems = [problem for _context, visitor in self.opened for problem in visitor.problems()]
        assert not problems, "\n\n".join(problems)

    def close(self) -> None:
        for context, _visitor in self.opened:
            context.close()


@pytest.fixture
def browsers(browser, live_server) -> Iterator[Browsers]:
    """`browsers.open(name, viewport=PHONE, locale="en-AU")` gives a `Visitor` in a browser of its own."""
    opened = Browsers(browser, live_server)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def festival_uploads(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Uploads of this test go to its own temporary folder (the live server shares the app and its config)."""
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder


def jpeg_file(folder: Path, name: str, size: tuple[int, int] = (320, 240)) -> Path:
    """A real JPEG photo made with Pillow, saved as `folder/name`."""
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    Image.new("RGB", size, (190, 90, 40)).save(buffer, format="JPEG")
    path = folder / name
    path.write_bytes(buffer.getvalue())
    return path
