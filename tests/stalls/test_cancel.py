"""Cancelling a booking: by its applicant (the page shows the policy and the exact amount back now), by staff (a
percent of their choosing), by the withdrawal of the application; the stall is released and the refund made once."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.core.errors import NotAllowed
from app.extensions import db
from app.payments.models import Payment, PaymentStatus, Refund, RefundReason
from app.stalls.models import BookingEvent, BookingStatus
from app.stalls.services import cancelling
from tests.core.test_html import assert_valid
from tests.helpers import csrf_token, field_error, submit, text
from tests.live import fire, shows_race, statuses
from tests.stalls.desk_world import book, fresh, ground, live_on, paid_by_transfer, staff

# The factories' festival starts on 14 August 2027; noon in Denpasar (UTC+8) so many days before.
FIFTEEN_DAYS_BEFORE = datetime(2027, 7, 30, 4, 0, tzinfo=UTC)
EIGHT_DAYS_BEFORE = datetime(2027, 8, 6, 4, 0, tzinfo=UTC)
SIX_DAYS_BEFORE = datetime(2027, 8, 8, 4, 0, tzinfo=UTC)


def refunds() -> list[Refund]:
    db.session.expire_all()
    return list(db.session.scalars(select(Refund).order_by(Refund.id)))


def paid_booking(**kw):
    edition, (stall,) = ground(1, **kw)
    booking = book(stall, confirmed=True)
    return booking, stall, paid_by_transfer(booking)


def holder_of(booking):
    from app.accounts.models import User

    return db.session.get(User, booking.holder_id)


def test_the_cancel_page_shows_the_policy_and_the_exact_amount_back_now(client, login, frozen_clock):
    frozen_clock(EIGHT_DAYS_BEFORE)
    booking, stall, _ = paid_booking()
    login(holder_of(booking))

    html = text(client.get(f"/stalls/bookings/{booking.id}/cancel"))

    assert "Rp\xa0250.000" in html or "Rp 250.000" in html  # half of Rp 500.000, eight days before
    assert "31 Juli 2027" in html and "7 Agustus 2027" in html  # the last days of the full and the partial refund
    assert_valid(html, "cancel page")


@pytest.mark.parametrize(("moment", "back"), [(FIFTEEN_DAYS_BEFORE, 500_000), (EIGHT_DAYS_BEFORE, 250_000),
                                              (SIX_DAYS_BEFORE, 0)])
def test_the_applicant_cancels_and_gets_what_the_policy_gives(client, login, outbox, frozen_clock, moment, back):
    frozen_clock(moment)
    booking, stall, payment = paid_booking()
    login(holder_of(booking))

    response = submit(client, f"/stalls/bookings/{booking.id}/cancel", {})

    assert response.status_code == 302
    assert fresh(booking).status == BookingStatus.RELEASED and live_on(stall.id) == []
    assert [(r.amount, r.reason) for r in refunds()] == ([(back, RefundReason.CANCELLED_BY_APPLICANT)] if back else [])
    expected = {500_000: PaymentStatus.REFUNDED, 250_000: PaymentStatus.PARTIALLY_REFUNDED, 0: PaymentStatus.SUCCEEDED}
    assert db.session.get(Payment, payment.id).status == expected[back]
    mail = outbox.last(holder_of(booking).email)
    assert stall.code in mail.subject
    assert ("250.000" in mail.body_text) if back == 250_000 else True
    assert fresh(booking).history[-1].actor_id == booking.holder_id


def test_an_unpaid_hold_is_cancelled_with_nothing_to_refund(app, outbox):
    edition, (stall,) = ground(1)
    booking = book(stall)
    with app.test_request_context():
        assert cancelling.cancel_booking(holder_of(booking), booking, RefundReason.CANCELLED_BY_APPLICANT) == 0
    db.session.commit()
    assert fresh(booking).status == BookingStatus.RELEASED and refunds() == []
    mail = outbox.last(holder_of(booking).email)
    assert mail.template == "stalls/cancel/mail/cancelled" and stall.code in mail.subject
    assert "Rp" not in mail.body_text  # no amount: nothing comes back


def test_staff_cancel_with_a_percent_of_their_choosing(client, login, frozen_clock, outbox):
    frozen_clock(SIX_DAYS_BEFORE)  # the policy would give nothing back
    booking, stall, payment = paid_booking()
    member = staff()
    login(member)
    page = f"/staff/stalls/bookings/{booking.id}"
    assert 'value="0"' in text(client.get(page))  # the field starts at the policy's percent

    refused = submit(client, f"{page}/cancel", {"percent": "101"}, page=page)
    assert field_error(text(refused), "percent") and fresh(booking).status == BookingStatus.CONFIRMED
    assert_valid(text(refused), "booking page with an error")

    response = submit(client, f"{page}/cancel", {"percent": "30"}, page=page)
    assert response.status_code == 302
    assert [(r.amount, r.reason, r.actor_id) for r in refunds()] == [
        (150_000, RefundReason.CANCELLED_BY_STAFF, member.id)]
    assert fresh(booking).status == BookingStatus.RELEASED
    assert len(outbox.messages(to=holder_of(booking).email)) == 1


def test_only_staff_choose_the_percent_and_only_the_holder_cancels(app):
    booking, stall, payment = paid_booking()
    stranger = staff()
    from tests.factories import UserFactory

    with app.test_request_context():
        with pytest.raises(NotAllowed):
            cancelling.cancel_booking(holder_of(booking), booking, RefundReason.CANCELLED_BY_APPLICANT, percent=100)
        with pytest.raises(NotAllowed):
            cancelling.cancel_booking(UserFactory(), booking, RefundReason.CANCELLED_BY_APPLICANT)
    db.session.rollback()
    assert fresh(booking).status == BookingStatus.CONFIRMED and refunds() == [] and stranger


def test_someone_else_cannot_see_or_cancel_the_booking(app, login, user_factory):
    booking, stall, payment = paid_booking()
    url = f"/stalls/bookings/{booking.id}/cancel"
    for other in (user_factory(), staff()):  # staff cancel from the desk, not from the applicant's page
        browser = app.test_client()
        login(other, on=browser)
        token = csrf_token(text(browser.get("/account")))
        assert browser.get(url).status_code == 404
        assert browser.post(url, data={"csrf_token": token}).status_code == 404
    assert fresh(booking).status == BookingStatus.CONFIRMED and refunds() == []


def test_withdrawing_the_application_cancels_the_booking_by_the_policy(client, login, frozen_clock, outbox):
    frozen_clock(EIGHT_DAYS_BEFORE)
    booking, stall, payment = paid_booking()
    login(holder_of(booking))

    response = submit(client, f"/applications/{booking.application_id}/withdraw", {"reason": ""})

    assert response.status_code == 302
    assert fresh(booking).status == BookingStatus.RELEASED and fresh(booking).release_reason == "withdrawn"
    assert [(r.amount, r.reason) for r in refunds()] == [(250_000, RefundReason.WITHDRAWN)]
    assert any(stall.code in m.subject for m in outbox.messages(to=holder_of(booking).email))


# A double-clicked cancel ------------------------------------------------------------------------------------------

def _cancel_ten_times(visitor, booking) -> list:
    browser = visitor().login(holder_of(booking))
    url = f"/stalls/bookings/{booking.id}/cancel"
    token = browser.token(url)
    return fire(10, lambda _: browser.post(url, token=token))


def _outcome(booking) -> tuple[int, int, int]:
    db.session.expire_all()
    released = db.session.scalar(select(func.count()).select_from(BookingEvent).where(
        BookingEvent.booking_id == booking.id, BookingEvent.to_status == BookingStatus.RELEASED))
    mails = len([m for m in _mails(booking)])
    return released, len(refunds()), mails


def _mails(booking):
    from app.core.mail import OutboxMessage

    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == holder_of(booking).email,
                                                          OutboxMessage.template == "stalls/cancel/mail/cancelled"))


def test_a_double_clicked_cancel_releases_once_and_refunds_once(visitor):
    booking, stall, payment = paid_booking()

    responses = _cancel_ten_times(visitor, booking)

    assert statuses(responses) == [302] * 10  # the repeated ones are told it is already done
    assert _outcome(booking) == (1, 1, 1)
    assert [r.amount for r in refunds()] == [500_000]


def test_control_without_locks_the_cancel_races(app, visitor, locks_off, quiet_server, monkeypatch):
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.1)

    def round_() -> bool:
        booking, stall, payment = paid_booking()
        responses = _cancel_ten_times(visitor, booking)
        return _outcome(booking) != (1, 1, 1) or statuses(responses) != [302] * 10

    assert shows_race(round_)
