"""Fixtures: app, isolated database, client, login through the real form, outbox, frozen clock.

One database for the whole run (SQLite file, or PostgreSQL when TEST_DATABASE_URL is set); every table is emptied
after each test, so each test starts clean while real commits (and other threads, such as the browser test's server)
behave as in production.
"""

import contextvars
import os
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from app import create_app
from app.audit.models import SQLITE_TRIGGERS
from app.core import clock
from app.core.mail import OutboxMessage
from app.extensions import db, limiter
from config import TestingConfig
from tests.factories import PASSWORD
from tests.helpers import links_in, submit
from tests.live import (  # noqa: F401  (fixtures)
    end_snapshot,
    live_server,
    live_server_instance,
    locks_off,
    quiet_server,
    visitor,
)
from tests.stripe_fake import fake_stripe, localstripe_server  # noqa: F401  (fixtures)

POSTGRES = bool(os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"))


def pytest_report_header(config: pytest.Config) -> str:
    target = "PostgreSQL (TEST_DATABASE_URL)" if POSTGRES else "SQLite (set TEST_DATABASE_URL for PostgreSQL)"
    return f"database: {target}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set TEST_DATABASE_URL")
    for item in items:
        if "postgres" in item.keywords and not POSTGRES:
            item.add_marker(skip_pg)


class IsolatedClient(FlaskClient):
    """Runs every request in a fresh context, as a real server would.

    Without this the request would reuse the test's app context, and with it `g` (Flask-Login's cached user) and
    the database session, hiding bugs that only show when requests are independent.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(FlaskClient.open, self, *args, **kwargs)
        end_snapshot()  # the test's own session sees what the request committed
        return response


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url})
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def _empty_audit_log(connection) -> None:
    """The log refuses DELETE (a trigger): tests empty it the way no request can."""
    if POSTGRES:
        connection.execute(text("TRUNCATE audit_entry"))
        return
    connection.execute(text("DROP TRIGGER IF EXISTS audit_entry_no_delete"))
    connection.execute(text("DELETE FROM audit_entry"))
    connection.execute(text(SQLITE_TRIGGERS[1]))


def _empty_all_tables() -> None:
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            if table.name == "audit_entry":
                _empty_audit_log(connection)
            else:
                connection.execute(table.delete())
        if POSTGRES:
            # Fresh ids per test keep failures reproducible.
            for table in db.metadata.sorted_tables:
                if "id" in table.c:
                    connection.execute(text(f"ALTER SEQUENCE IF EXISTS {table.name}_id_seq RESTART WITH 1"))


@pytest.fixture(autouse=True)
def _isolated(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield
        clock.freeze(None)
        limiter.reset()
        _empty_all_tables()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def login(client: FlaskClient) -> Callable[..., object]:
    """Log in through the real login form (CSRF on); returns the response of the POST."""

    def _login(user_or_email, password: str = PASSWORD, remember: bool = False, on: FlaskClient | None = None):
        email = getattr(user_or_email, "email", user_or_email)
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return submit(on or client, "/login", data)

    return _login


class Outbox:
    """The mail outbox, as tests read it."""

    def messages(self, to: str | None = None) -> list[OutboxMessage]:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if to:
            query = query.where(OutboxMessage.to_address == to)
        return list(db.session.scalars(query))

    def last(self, to: str) -> OutboxMessage:
        messages = self.messages(to)
        assert messages, f"no mail to {to}"
        return messages[-1]

    def link(self, to: str, containing: str) -> str:
        """The first link in the last mail to `to` whose URL contains `containing`."""
        for link in links_in(self.last(to).body_text):
            if containing in link:
                return link
        raise AssertionError(f"no link with {containing!r} in the mail to {to}")


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
def frozen_clock() -> Iterator[Callable[[datetime], None]]:
    """Call it with an aware datetime to stop time there; time runs again after the test."""
    yield clock.freeze
    clock.freeze(None)


@pytest.fixture
def user_factory():
    from tests.factories import UserFactory

    return UserFactory
