"""Race tests of stall holds: real parallel requests over HTTP against the served app, on SQLite and PostgreSQL.

Control runs switch the row locks off (`locks_off`), drop the two partial unique indexes on live bookings
(`live_indexes_off`, recreated afterwards with the model's own DDL) and sleep between the check and the insert
(TEST_SLEEP_AFTER_CHECK_S), to show the double booking the locks and the indexes prevent.
"""

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy import delete

from app.extensions import db
from app.stalls.models import Booking, BookingEvent, BookingPayment
from tests.live import Visitor

LIVE_INDEXES = ("uq_stalls_booking_live_stall", "uq_stalls_booking_live_application")


@pytest.fixture
def widened(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """Sleep this long between the check and the insert of every claim (pretix's sleep-after-quota-check)."""
    return lambda seconds: monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", seconds)


@pytest.fixture
def live_indexes_off() -> Iterator[None]:
    indexes = [index for index in Booking.__table__.indexes if index.name in LIVE_INDEXES]
    assert len(indexes) == 2
    db.session.commit()  # no open transaction of the test may hold the table while its indexes change
    with db.engine.begin() as connection:
        for index in indexes:
            index.drop(bind=connection)
    try:
        yield
    finally:
        db.session.rollback()
        with db.engine.begin() as connection:  # the double bookings the control run made cannot stay
            connection.execute(delete(BookingPayment))
            connection.execute(delete(BookingEvent))
            connection.execute(delete(Booking))
            for index in indexes:
                index.create(bind=connection)


def applicants_at(visitor: Callable[[], Visitor], applications: list, page: Callable[[object], str]) -> list:
    """A logged-in browser per application, with a CSRF token taken from `page(application)`."""
    browsers = []
    for application in applications:
        browser = visitor().login(application.applicant)
        browsers.append((browser, browser.token(page(application))))
    return browsers
