"""Helpers that drive the real forms as a browser would: fetch the page, take its CSRF token, post."""

import re
from urllib.parse import urlsplit

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LINK_RE = re.compile(r"https?://\S+")


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def submit(client: FlaskClient, url: str, data: dict, page: str | None = None, **kwargs) -> TestResponse:
    """GET `page` (default: `url`), then POST `data` with that page's CSRF token."""
    form_page = client.get(page or url)
    assert form_page.status_code == 200, f"{page or url} answered {form_page.status_code}"
    payload = {"csrf_token": csrf_token(form_page.get_data(as_text=True)), **data}
    return client.post(url, data=payload, **kwargs)


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def links_in(body: str) -> list[str]:
    return LINK_RE.findall(body)


def field_error(html: str, field_id: str) -> str | None:
    """The error text shown under a field, or None."""
    match = re.search(rf'id="{field_id}-error" class="field-error">([^<]*)<', html)
    return match.group(1).strip() if match else None


def count_statements(client: FlaskClient, url: str, queries_only: bool = False) -> tuple[int, str]:
    """SQL statements run while serving `url` (`queries_only`: without SQLite's explicit BEGIN), and the page."""
    from sqlalchemy import event

    from app.extensions import db

    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200
    return len([s for s in statements if not (queries_only and s.startswith("BEGIN"))]), text(response)
