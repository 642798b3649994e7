"""Parallel holds over HTTP: one stall is never held twice, one application never holds two stalls, whatever the
crowd. Each test has a control run without the locks and the partial unique indexes that shows the double booking
(PostgreSQL; SQLite's single writer and WAL snapshots turn the unguarded race into failed requests instead)."""

import random

from sqlalchemy import func, select

from app.extensions import db
from app.stalls.models import Booking, BookingStatus
from tests.conftest import POSTGRES
from tests.live import fire, shows_race, statuses
from tests.stalls.book_world import accepted, ground
from tests.stalls.races.conftest import applicants_at

TAKEN = "was just taken by someone else"


def live_per_stall() -> dict[int, int]:
    rows = db.session.execute(select(Booking.stall_id, func.count()).where(
        Booking.status.in_([BookingStatus.HELD, BookingStatus.CONFIRMED])).group_by(Booking.stall_id))
    return dict(rows.all())


def live_per_application() -> dict[int, int]:
    rows = db.session.execute(select(Booking.application_id, func.count()).where(
        Booking.status.in_([BookingStatus.HELD, BookingStatus.CONFIRMED])).group_by(Booking.application_id))
    return dict(rows.all())


def _hold_url(application, stall) -> str:
    return f"/applications/{application.id}/stalls/{stall.id}/hold"


def _fifty_on_one_stall(visitor) -> tuple[list, object]:
    edition, (stall,) = ground(1)
    applications = [accepted(edition, locale="en") for _ in range(50)]
    browsers = applicants_at(visitor, applications, lambda a: f"/applications/{a.id}/stalls")
    urls = [_hold_url(application, stall) for application in applications]  # ids read here, not in the threads
    responses = fire(50, lambda i: browsers[i][0].post(urls[i], token=browsers[i][1]))
    return responses, stall


def test_fifty_simultaneous_holds_on_one_stall_make_exactly_one(visitor, widened):
    widened(0.05)
    responses, stall = _fifty_on_one_stall(visitor)
    codes = statuses(responses)
    assert codes.count(302) == 1 and codes.count(409) == 49, codes
    assert all(TAKEN in r.text for r in responses if r.status_code == 409)
    assert live_per_stall() == {stall.id: 1}


def test_control_without_locks_and_indexes_fifty_holds_double_book(visitor, widened, locks_off, live_indexes_off,
                                                                     quiet_server):
    widened(0.3)

    def round_() -> bool:
        responses, stall = _fifty_on_one_stall(visitor)
        if POSTGRES:
            return live_per_stall().get(stall.id, 0) > 1  # the double booking itself
        return statuses(responses).count(409) != 49  # SQLite: the unguarded claims fail instead of being told

    assert shows_race(round_)


def _crowd_over_fifty_stalls(visitor, seed: int) -> tuple[list, list, list]:
    edition, stalls = ground(50)
    applications = [accepted(edition, locale="en") for _ in range(200)]
    browsers = applicants_at(visitor, applications, lambda a: f"/applications/{a.id}/stalls/{stalls[0].id}")
    chosen = [random.Random(seed + i).choice(stalls) for i in range(200)]
    urls = [_hold_url(application, stall) for application, stall in zip(applications, chosen, strict=True)]
    responses = fire(200, lambda i: browsers[i][0].post(urls[i], token=browsers[i][1]))
    return responses, chosen, stalls


def test_two_hundred_random_attempts_over_fifty_stalls_never_double_book(visitor, widened):
    widened(0.01)
    responses, chosen, _stalls = _crowd_over_fifty_stalls(visitor, seed=10)
    per_stall = live_per_stall()
    assert max(per_stall.values()) == 1
    assert set(per_stall) == {stall.id for stall in chosen}  # every stall somebody tried went to one of them
    codes = statuses(responses)
    assert codes.count(302) == len(per_stall) and codes.count(409) == 200 - len(per_stall), codes


def test_control_without_locks_and_indexes_the_crowd_double_books(visitor, widened, locks_off, live_indexes_off,
                                                                  quiet_server):
    widened(0.2)

    def round_() -> bool:
        responses, chosen, _stalls = _crowd_over_fifty_stalls(visitor, seed=20)
        if POSTGRES:
            return max(live_per_stall().values()) > 1
        codes = statuses(responses)  # SQLite: not every claim gets its clear answer (some fail as "busy")
        return codes.count(302) + codes.count(409) != 200

    assert shows_race(round_, rounds=2)


def _one_applicant_two_stalls(visitor):
    edition, stalls = ground(2)
    application = accepted(edition, locale="en")
    (browser, token), = applicants_at(visitor, [application], lambda a: f"/applications/{a.id}/stalls")
    urls = [_hold_url(application, stall) for stall in stalls]
    responses = fire(2, lambda i: browser.post(urls[i], token=token))
    return responses, application


def test_one_applicant_holding_two_stalls_at_once_ends_with_one(visitor, widened):
    widened(0.2)
    responses, application = _one_applicant_two_stalls(visitor)
    assert statuses(responses) == [302, 302]  # the second is a change of stall: the first hold is released
    assert live_per_application() == {application.id: 1}
    assert max(live_per_stall().values()) == 1


def test_control_without_locks_and_indexes_one_applicant_holds_two(visitor, widened, locks_off, live_indexes_off,
                                                                   quiet_server):
    widened(0.3)

    def round_() -> bool:
        responses, application = _one_applicant_two_stalls(visitor)
        if POSTGRES:
            return live_per_application().get(application.id, 0) > 1
        return statuses(responses) != [302, 302]

    assert shows_race(round_)
