"""The hold's rules: the schema refuses a second live booking, an expired hold never blocks anyone (no cron needed),
`flask stalls expire-holds` is harmless when repeated, changing stall never pushes the deadline past its cap, and a
row another request holds answers "busy, try again" within the lock timeout, never a hang."""

import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.extensions import db
from app.stalls.models import Booking, BookingEvent, BookingStatus
from app.stalls.services import holds
from config import TestingConfig
from tests.helpers import submit
from tests.helpers import text as page_text
from tests.stalls.book_world import accepted, ground
from tests.stalls.factories import BookingFactory

NOW = datetime(2027, 6, 10, 2, 0, tzinfo=UTC)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.parametrize("second", ["held", "confirmed"])
def test_a_direct_second_live_booking_of_a_stall_is_refused_by_the_schema(second):
    edition, (stall,) = ground(1)
    BookingFactory(stall=stall, application=accepted(edition))
    other = accepted(edition)
    db.session.add(Booking(edition_id=edition.id, stall_id=stall.id, application_id=other.id,
                           holder_id=other.applicant_id, status=BookingStatus(second), fee=stall.fee,
                           expires_at=NOW if second == "held" else None))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_direct_second_live_booking_of_an_application_is_refused_by_the_schema():
    edition, stalls = ground(2)
    application = accepted(edition)
    BookingFactory(stall=stalls[0], application=application)
    db.session.add(Booking(edition_id=edition.id, stall_id=stalls[1].id, application_id=application.id,
                           holder_id=application.applicant_id, status=BookingStatus.HELD, fee=1, expires_at=NOW))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_an_expired_hold_never_blocks_and_the_map_shows_the_stall_free(client, login, frozen_clock):
    frozen_clock(NOW)
    edition, (stall,) = ground(1)
    stale = BookingFactory(stall=stall, application=accepted(edition), held_at=NOW - timedelta(hours=1))
    assert stale.status == BookingStatus.HELD  # the row still says held: nobody ran expire-holds
    application = accepted(edition, locale="en")
    login(application.applicant)
    choose = page_text(client.get(f"/applications/{application.id}/stalls"))
    assert "1 stall is free." in choose and f"{stall.code} free, Zone" in choose
    response = submit(client, f"/applications/{application.id}/stalls/{stall.id}/hold", {},
                      page=f"/applications/{application.id}/stalls/{stall.id}")
    assert response.status_code == 302
    db.session.refresh(stale)
    assert stale.status == BookingStatus.EXPIRED and stale.release_reason == "expired"
    assert count(Booking, Booking.stall_id == stall.id, Booking.status == BookingStatus.HELD) == 1


def test_expire_holds_twice_is_harmless(app, frozen_clock):
    frozen_clock(NOW)
    edition, stalls = ground(3)
    stale = [BookingFactory(stall=stall, application=accepted(edition), held_at=NOW - timedelta(hours=1))
             for stall in stalls[:2]]
    fresh = BookingFactory(stall=stalls[2], application=accepted(edition), held_at=NOW)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["stalls", "expire-holds"])
    assert first.exit_code == 0, first.output
    assert "holds expired: 2" in first.output
    second = runner.invoke(args=["stalls", "expire-holds"])
    assert second.exit_code == 0 and "holds expired: 0" in second.output
    db.session.commit()
    assert [db.session.get(Booking, b.id).status for b in stale] == [BookingStatus.EXPIRED] * 2
    assert db.session.get(Booking, fresh.id).status == BookingStatus.HELD
    assert count(BookingEvent, BookingEvent.to_status == BookingStatus.EXPIRED) == 2  # recorded once each


def test_changing_stall_never_pushes_the_deadline_past_the_cap(frozen_clock):
    """30-minute holds, a 15-minute cap: change every 5 minutes for an hour; the deadline never passes 02:45."""
    edition, stalls = ground(4, hold_minutes=30, hold_cap_minutes=15)
    application = accepted(edition)
    first_deadline = NOW + timedelta(minutes=30)
    cap = first_deadline + timedelta(minutes=15)
    deadlines = []
    for step in range(9):  # 02:00, 02:05 … 02:40, each time the other stall
        frozen_clock(NOW + timedelta(minutes=5 * step))
        deadlines.append(holds.hold(application.applicant, application.id, stalls[step % 4].id).expires_at)
        db.session.commit()
    live = holds.live_booking_of(application.id, NOW + timedelta(minutes=44))
    assert deadlines[0] == first_deadline
    assert all(deadline <= cap for deadline in deadlines), deadlines
    assert deadlines[-1] == cap  # reached, never passed
    assert live is not None and live.expires_at == cap


def test_reloading_the_pages_does_not_extend_the_hold(client, login, frozen_clock):
    frozen_clock(NOW)
    edition, (stall,) = ground(1)
    application = accepted(edition, locale="en")
    login(application.applicant)
    submit(client, f"/applications/{application.id}/stalls/{stall.id}/hold", {},
           page=f"/applications/{application.id}/stalls/{stall.id}")
    frozen_clock(NOW + timedelta(minutes=20))
    for page in ("/stalls", f"/stalls/{stall.id}", "/booking"):
        assert client.get(f"/applications/{application.id}{page}").status_code == 200
    again = submit(client, f"/applications/{application.id}/stalls/{stall.id}/hold", {},
                   page=f"/applications/{application.id}/booking")
    assert again.status_code == 302  # "already held for you": nothing changes
    booking = holds.live_booking_of(application.id)
    assert booking.expires_at == NOW + timedelta(minutes=30)
    assert count(Booking) == 1


@pytest.mark.postgres
def test_a_stall_locked_by_another_connection_answers_busy_within_the_timeout(app, client, login,
                                                                               monkeypatch):
    monkeypatch.setitem(app.config, "LOCK_TIMEOUT_S", 1)
    edition, (stall,) = ground(1)
    application = accepted(edition, locale="en")
    login(application.applicant)
    token_page = f"/applications/{application.id}/stalls/{stall.id}"
    with db.engine.connect() as other:
        other.execute(text("SELECT id FROM stalls_stall WHERE id = :id FOR UPDATE"), {"id": stall.id})
        started = time.monotonic()
        response = submit(client, f"/applications/{application.id}/stalls/{stall.id}/hold", {}, page=token_page)
        waited = time.monotonic() - started
        other.rollback()
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    assert "Please try again in a moment." in page_text(response)
    assert 0.9 < waited < 3
    assert count(Booking) == 0 and count(BookingEvent) == 0


def test_sqlite_write_lock_held_elsewhere_answers_503_busy(tmp_path: Path):
    """SQLite has no row locks: a writer holding the database makes the hold wait its busy timeout, then 503."""
    url = f"sqlite:///{tmp_path / 'busy.sqlite3'}"
    busy_app: Flask = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url, "SQLITE_BUSY_TIMEOUT_MS": 300})
    with busy_app.app_context():
        db.create_all()
        edition, (stall,) = ground(1)
        application = accepted(edition, locale="en")
        ids = application.id, stall.id, application.applicant.email
    client = busy_app.test_client()
    from tests.factories import PASSWORD

    assert submit(client, "/login", {"email": ids[2], "password": PASSWORD}).status_code == 302
    page = client.get(f"/applications/{ids[0]}/stalls/{ids[1]}")
    token = page_text(page).split('name="csrf_token" value="')[1].split('"')[0]
    holder = sqlite3.connect(tmp_path / "busy.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        response = client.post(f"/applications/{ids[0]}/stalls/{ids[1]}/hold", data={"csrf_token": token})
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with busy_app.app_context():
        bookings = db.session.scalar(select(func.count()).select_from(Booking))
        db.session.remove()
        db.engine.dispose()
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    assert "try again" in page_text(response)
    assert waited < 5 and bookings == 0
