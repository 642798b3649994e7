"""Helpers of the stall payment tests: a held booking, paying it through the pages, waiting for a webhook."""

import time
from collections.abc import Callable

from sqlalchemy import func, select

from app.extensions import db
from app.payments.models import Payment
from app.stalls.models import Booking, BookingPayment
from tests.helpers import submit
from tests.stalls.book_world import accepted, ground


def held_booking(client, login, *, price: int = 500_000, stalls: int = 1, **user):
    """An accepted applicant (logged in on `client`) holding the first of `stalls` stalls, through the pages."""
    edition, ground_stalls = ground(stalls, price=price)
    application = accepted(edition, locale="en", **user)
    login(application.applicant)
    response = submit(client, f"/applications/{application.id}/stalls/{ground_stalls[0].id}/hold", {},
                      page=f"/applications/{application.id}/stalls/{ground_stalls[0].id}")
    assert response.status_code == 302, response.status_code
    booking = db.session.scalar(select(Booking).where(Booking.application_id == application.id))
    return application, booking, ground_stalls


def pay(client, application):
    return submit(client, f"/applications/{application.id}/booking/pay", {},
                  page=f"/applications/{application.id}/booking")


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def payments_of(booking: Booking) -> list[Payment]:
    return list(db.session.scalars(select(Payment).join(BookingPayment, BookingPayment.payment_id == Payment.id)
                                   .where(BookingPayment.booking_id == booking.id).order_by(Payment.id)))


def wait_for(condition: Callable[[], bool], seconds: float = 15) -> bool:
    """Poll (committing the test's snapshot each time) until `condition()` holds, as a webhook arrives ~1 s later."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.commit()
        if condition():
            return True
        time.sleep(0.2)
    db.session.commit()
    return condition()
