"""Staff move a live booking to another stall: the same booking row on a new stall, both stalls locked in id order.

Parallel moves go through the served app (`tests/live.py`); the control runs show what the locks prevent: without
the lock order two opposite moves deadlock (PostgreSQL), without the locks and the index two moves onto one stall
both land there.
"""

import time
from contextlib import contextmanager

import pytest
from sqlalchemy import text

from app.core.errors import Conflict, InvalidState
from app.core.locking import lock
from app.extensions import db
from app.stalls.models import Booking, BookingStatus, Stall
from app.stalls.services import holds, staff_actions
from tests.helpers import field_error, submit
from tests.helpers import text as page_text
from tests.live import fire, shows_race
from tests.stalls.desk_world import book, fresh, ground, live_on, paid_by_transfer, staff


def test_a_move_keeps_the_booking_row_its_payments_and_its_deadline(app, outbox):
    edition, (a, b) = ground(2)
    booking = book(a)
    payment = paid_by_transfer(booking)
    expires = fresh(booking).expires_at
    with app.test_request_context(headers={"Accept-Language": "en"}):
        staff_actions.move(staff(), booking, b.id)
    db.session.commit()

    moved = fresh(booking)
    assert (moved.id, moved.stall_id, moved.status, moved.expires_at) == (booking.id, b.id, BookingStatus.HELD,
                                                                         expires)
    assert [link.payment_id for link in moved.payment_links] == [payment.id]
    assert live_on(a.id) == [] and [x.id for x in live_on(b.id)] == [booking.id]
    assert b.code in outbox.last(db.session.get(type(staff()), booking.holder_id).email).subject


def test_the_stall_left_behind_can_be_held_again(app):
    edition, (a, b) = ground(2)
    booking = book(a, confirmed=True)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        staff_actions.move(staff(), booking, b.id)
    db.session.commit()
    newcomer = book(a)  # the partial unique index would refuse it if the moved booking still counted on A
    assert [x.id for x in live_on(a.id)] == [newcomer.id]


def test_a_move_onto_a_taken_stall_is_refused_on_the_field(client, login):
    edition, (a, b) = ground(2)
    booking = book(a)
    book(b, confirmed=True)
    login(staff())
    page = f"/staff/stalls/bookings/{booking.id}"
    response = submit(client, f"{page}/move", {"stall_id": str(b.id)}, page=page)
    assert response.status_code == 200
    assert "has just been taken" in field_error(page_text(response), "stall_id")
    assert fresh(booking).stall_id == a.id


def test_a_move_onto_an_expired_hold_takes_the_stall(app):
    edition, (a, b) = ground(2)
    booking = book(a, confirmed=True)
    stale = book(b, expired=True)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        staff_actions.move(staff(), booking, b.id)
    db.session.commit()
    assert fresh(stale).status == BookingStatus.EXPIRED and fresh(booking).stall_id == b.id


def test_blocked_stalls_and_ended_bookings_do_not_move(app):
    edition, (a, b, c) = ground(3)
    b.blocked = True
    db.session.commit()
    booking = book(a)
    gone = book(c, expired=True)
    member = staff()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(Conflict, match="blocked"):
            staff_actions.move(member, booking, b.id)
        db.session.rollback()
        with pytest.raises(InvalidState):
            staff_actions.move(member, gone, a.id)
        db.session.rollback()
    other_edition, (elsewhere,) = ground(1)
    with app.test_request_context(headers={"Accept-Language": "en"}), pytest.raises(Exception, match="not part of"):
        staff_actions.move(member, booking, elsewhere.id)


# Parallel moves through the served app ---------------------------------------------------------------------------

def _move_all(visitor, moves: list[tuple[Booking, Stall]]) -> tuple[list, float]:
    """Each (booking, target) moved by its own staff browser, all released together; (responses, seconds)."""
    sends = []  # built here: the threads must not touch ORM objects (no app context there)
    for booking, target in moves:
        browser = visitor().login(staff())
        page = f"/staff/stalls/bookings/{booking.id}"
        sends.append((browser, f"{page}/move", {"stall_id": str(target.id)}, browser.token(page)))
    started = time.monotonic()
    responses = fire(len(sends), lambda i: sends[i][0].post(sends[i][1], sends[i][2], token=sends[i][3]))
    return responses, time.monotonic() - started


def _no_stall_twice(*stalls: Stall) -> bool:
    return all(len(live_on(s.id)) <= 1 for s in stalls)


def test_opposite_moves_in_parallel_never_deadlock_and_end_cleanly(app, visitor):
    """X on A → B and Y on B → A, ten times: each target is taken, so both are refused with the message, at once,
    never a 500, never a wait beyond the lock timeout."""
    edition, (a, b) = ground(2)
    x, y = book(a), book(b, confirmed=True)
    for _ in range(10):
        responses, seconds = _move_all(visitor, [(x, b), (y, a)])
        assert [r.status_code for r in responses] == [200, 200]
        assert all("has just been taken" in r.text for r in responses)
        assert seconds < app.config["LOCK_TIMEOUT_S"] + 2
    assert (fresh(x).stall_id, fresh(y).stall_id) == (a.id, b.id) and _no_stall_twice(a, b)


def test_crossing_moves_in_parallel_both_finish_when_the_order_allows(app, visitor, monkeypatch):
    """X on A → B (free) while Y on C → A: if X goes first both finish, else Y is refused; never two on a stall."""
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.05)
    for _ in range(6):
        edition, (a, b, c) = ground(3)
        x, y = book(a), book(c)
        responses, seconds = _move_all(visitor, [(x, b), (y, a)])
        assert responses[0].status_code == 302 and fresh(x).stall_id == b.id
        assert seconds < app.config["LOCK_TIMEOUT_S"] + 2 and _no_stall_twice(a, b, c)
        if responses[1].status_code == 302:
            assert fresh(y).stall_id == a.id
        else:
            assert "has just been taken" in responses[1].text and fresh(y).stall_id == c.id


def _two_onto_one(visitor) -> tuple[list, list[Booking]]:
    edition, (a, b, target) = ground(3)
    x, y = book(a), book(b)
    responses, _ = _move_all(visitor, [(x, target), (y, target)])
    return responses, live_on(target.id)


def test_two_moves_onto_one_free_stall_in_parallel_give_it_once(app, visitor, monkeypatch):
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.2)
    for _ in range(3):
        responses, on_target = _two_onto_one(visitor)
        assert sorted(r.status_code for r in responses) == [200, 302]
        assert len(on_target) == 1


@contextmanager
def _live_stall_index_dropped():
    index = next(i for i in Booking.__table__.indexes if i.name == "uq_stalls_booking_live_stall")
    with db.engine.begin() as connection:
        connection.execute(text(f"DROP INDEX {index.name}"))
    try:
        yield
    finally:
        db.session.rollback()
        with db.engine.begin() as connection:  # the double bookings the control made would stop the index
            connection.execute(Booking.__table__.update().values(status=BookingStatus.RELEASED.value))
        index.create(db.engine)


def test_control_without_locks_and_index_two_moves_land_on_one_stall(app, visitor, locks_off, quiet_server,
                                                                     monkeypatch):
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.2)
    with _live_stall_index_dropped():
        def round_() -> bool:
            """PostgreSQL: both moves land on the stall. SQLite without IMMEDIATE transactions: the second writer
            cannot upgrade its read to a write ("database is locked", 503) instead of getting the clear answer."""
            responses, on_target = _two_onto_one(visitor)
            return len(on_target) == 2 or sorted(getattr(r, "status_code", 0) for r in responses) != [200, 302]

        assert shows_race(round_)


@pytest.mark.postgres
def test_control_locking_the_stalls_in_request_order_deadlocks(app, visitor, quiet_server, monkeypatch):
    """The same opposite moves with each request locking its own stall first, then the target: PostgreSQL finds
    the circle (deadlock detected, a 500) or a request waits out the lock timeout ("busy")."""

    def in_request_order(source_id: int, target_id: int) -> list[Stall]:
        first = lock(Stall, source_id)
        time.sleep(0.3)  # both requests hold their first stall now
        return [first, lock(Stall, target_id)]

    monkeypatch.setattr(holds, "lock_stalls", in_request_order)
    edition, (a, b) = ground(2)
    x, y = book(a), book(b, confirmed=True)

    def round_() -> bool:
        responses, _ = _move_all(visitor, [(x, b), (y, a)])
        return any(r.status_code == 500 or "try again" in r.text for r in responses)

    assert shows_race(round_)
