"""`flask stalls expire-holds` on two hosts at once (issue 14): the runners share the stale holds, each hold is expired
once (one event), and a claim on a stall whose stale hold a runner is expiring right now does not expire it a second
time. Control: without the row locks both runners expire the same holds. PostgreSQL (row locks)."""

import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.core.locking import write_transactions
from app.extensions import db
from app.stalls.cli import expire_and_clean_up
from app.stalls.models import Booking, BookingEvent, BookingStatus
from app.stalls.services import holds
from tests.live import fire, shows_race
from tests.stalls.book_world import accepted, ground
from tests.stalls.factories import BookingFactory

pytestmark = pytest.mark.postgres

NOW = datetime(2027, 6, 10, 2, 0, tzinfo=UTC)


def stale_holds(count: int, fresh: int = 0) -> tuple[list[int], list[int]]:
    """`count` holds whose time ran out and `fresh` live ones, each on its own stall and application."""
    edition, stalls = ground(count + fresh)
    made = [BookingFactory(stall=stall, application=accepted(edition),
                           held_at=NOW - timedelta(hours=1) if i < count else NOW)
            for i, stall in enumerate(stalls)]
    db.session.commit()
    ids = [booking.id for booking in made]
    return ids[:count], ids[count:]


def expired_events() -> Counter:
    return Counter(db.session.scalars(select(BookingEvent.booking_id).where(
        BookingEvent.to_status == BookingStatus.EXPIRED)))


def two_runners(app) -> list[tuple[int, int, int]]:
    def run(_index: int):
        with app.app_context():
            return expire_and_clean_up(batch_size=10)

    results = fire(2, run)
    assert not [r for r in results if isinstance(r, BaseException)], results
    return results


def test_two_runners_at_once_expire_each_hold_once(app, frozen_clock):
    frozen_clock(NOW)
    stale, fresh = stale_holds(150, fresh=10)
    results = two_runners(app)
    assert sum(expired for expired, _c, _f in results) == 150
    assert all(expired > 0 for expired, _c, _f in results), results  # they shared the work
    assert expired_events() == Counter(stale)  # one event for each stale hold, none for the others
    statuses = dict(db.session.execute(select(Booking.id, Booking.status)).tuples().all())
    assert {statuses[i] for i in stale} == {BookingStatus.EXPIRED}
    assert {statuses[i] for i in fresh} == {BookingStatus.HELD}


def test_control_without_row_locks_two_runners_expire_holds_twice(app, frozen_clock, locks_off, monkeypatch):
    frozen_clock(NOW)
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CLAIM_S", 0.05)

    def round_() -> bool:
        stale_holds(40)
        two_runners(app)
        return max(expired_events().values()) > 1  # the same hold expired by both: two events

    assert shows_race(round_)


def test_a_claim_waits_for_the_runner_expiring_its_stalls_hold_and_does_not_expire_it_again(app, frozen_clock,
                                                                                             monkeypatch):
    frozen_clock(NOW)
    edition, (stall,) = ground(1)
    stale = BookingFactory(stall=stall, application=accepted(edition), held_at=NOW - timedelta(hours=1))
    newcomer = accepted(edition)
    db.session.commit()
    ids = (stale.id, newcomer.id, newcomer.applicant_id, stall.id)
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CLAIM_S", 1.0)  # the runner holds its batch this long

    def runner() -> None:
        with app.app_context():
            expire_and_clean_up(batch_size=10)

    thread = threading.Thread(target=runner, daemon=True)
    thread.start()
    time.sleep(0.3)  # the runner has claimed the stale hold and not written yet
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CLAIM_S", 0)

    def claim() -> int:
        with app.app_context(), write_transactions():
            from app.accounts.models import User

            booking = holds.hold(db.session.get(User, ids[2]), ids[1], ids[3])
            db.session.commit()
            return booking.id

    (new_id,) = fire(1, lambda _i: claim())
    thread.join(timeout=20)
    assert isinstance(new_id, int), new_id
    assert expired_events() == Counter([ids[0]])  # expired once, by the runner
    assert db.session.get(Booking, new_id).status == BookingStatus.HELD
