"""A lock another request holds ends in "busy, try again" within the lock timeout, never in a hang (both databases)."""

import sqlite3
import time
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import text

from app import create_app
from app.accounts.models import User
from app.core.locking import BUSY_MESSAGE, Busy, lock, lock_all
from app.extensions import db
from config import TestingConfig
from tests.factories import UserFactory
from tests.helpers import submit


@pytest.mark.postgres
@pytest.mark.parametrize("take", [lambda ident: lock(User, ident), lambda ident: lock_all(User, [ident])])
def test_a_row_locked_elsewhere_gives_busy_within_the_timeout(app: Flask, monkeypatch: pytest.MonkeyPatch, take):
    user = UserFactory()
    monkeypatch.setitem(app.config, "LOCK_TIMEOUT_S", 0.5)
    with db.engine.connect() as other:
        other.execute(text("SELECT id FROM user_account WHERE id = :id FOR UPDATE"), {"id": user.id})
        started = time.monotonic()
        with pytest.raises(Busy) as raised:
            take(user.id)
        waited = time.monotonic() - started
        db.session.rollback()
        other.rollback()
    assert 0.4 < waited < 2.5
    with force_locale("en"):
        assert "try again" in str(raised.value.message)
    assert lock(User, user.id).id == user.id  # once the other transaction ended, the lock is taken at once
    db.session.rollback()


def test_sqlite_write_lock_held_elsewhere_answers_503_with_retry_after(tmp_path: Path):
    """SQLite's single write lock: a writing request waits its busy timeout, then answers 503 with Retry-After."""
    url = f"sqlite:///{tmp_path / 'busy.sqlite3'}"
    busy_app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url, "SQLITE_BUSY_TIMEOUT_MS": 300})
    with busy_app.app_context():
        db.create_all()
    client = busy_app.test_client()
    form = client.get("/login")  # a read: no write lock needed
    assert form.status_code == 200
    holder = sqlite3.connect(tmp_path / "busy.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        response = submit(client, "/login", {"email": "someone@example.com", "password": "x" * 12})
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with busy_app.app_context():
        db.engine.dispose()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    with busy_app.test_request_context(), force_locale("id"):
        message = str(BUSY_MESSAGE)
    assert message in response.get_data(as_text=True)  # in the visitor's language (Indonesian by default)
    assert waited < 5


@pytest.mark.postgres
def test_a_deadlock_postgresql_breaks_ends_in_busy_too(app: Flask, monkeypatch: pytest.MonkeyPatch):
    """Two requests taking the same rows in opposite orders (a withdrawal locks the application then the payment, a
    webhook the payment then the application): PostgreSQL aborts one of them; that one is told to try again."""
    import threading

    first, second = UserFactory(), UserFactory()
    monkeypatch.setitem(app.config, "LOCK_TIMEOUT_S", 10)  # longer than the deadlock check: the deadlock decides
    with db.engine.connect() as other:
        other.execute(text("SELECT id FROM user_account WHERE id = :id FOR UPDATE"), {"id": second.id})
        assert lock(User, first.id) is not None
        # This session looks for deadlocks first, so PostgreSQL aborts this side (deterministic for the test).
        db.session.execute(text("SET LOCAL deadlock_timeout = '100ms'"))
        waiting = threading.Thread(target=lambda: other.execute(
            text("SELECT id FROM user_account WHERE id = :id FOR UPDATE"), {"id": first.id}))
        waiting.start()
        time.sleep(0.3)  # the other connection now waits for `first`, which this session holds
        with pytest.raises(Busy):
            lock(User, second.id)
        db.session.rollback()  # frees `first`: the other connection gets it
        waiting.join(timeout=5)
        assert not waiting.is_alive()
        other.rollback()
