"""Cancelling a booking paid by card: the refund goes through Stripe's Refund API (localstripe with the real client),
once, even when the cancel is double-clicked (localstripe ignores idempotency keys: the count at localstripe is the
proof that the second request never asked)."""

from datetime import UTC, datetime

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.payments import services
from app.payments.models import Payment, PaymentMethod, PaymentStatus, Refund, RefundReason, RefundStatus
from app.stalls.models import BookingStatus
from app.stalls.services import paying
from tests.helpers import submit
from tests.live import fire, statuses
from tests.stalls.desk_world import book, fresh, ground, live_on

VISA = "4242424242424242"
EIGHT_DAYS_BEFORE = datetime(2027, 8, 6, 4, 0, tzinfo=UTC)  # the factories' festival starts on 14 August 2027


def paid_by_card(app, fake_stripe):
    """A booking confirmed by a card payment that succeeded at localstripe (the card attached at creation)."""
    fake_stripe.attach_to_new_intents(fake_stripe.card(VISA))
    edition, (stall,) = ground(1)
    booking = book(stall)
    with app.test_request_context():
        payment = paying.start_payment(db.session.get(User, booking.holder_id), booking.application_id)
        db.session.commit()
        # The intent succeeded at localstripe at once; apply it as `flask payments reconcile` would (no webhook).
        services.apply_intent(fake_stripe.intent(payment.stripe_intent_id), source="reconcile")
    db.session.commit()
    assert payment.status == PaymentStatus.SUCCEEDED and fresh(booking).status == BookingStatus.CONFIRMED
    return booking, stall, payment


def test_cancelling_a_card_booking_refunds_through_stripe(app, client, login, fake_stripe, frozen_clock, outbox):
    frozen_clock(EIGHT_DAYS_BEFORE)
    booking, stall, payment = paid_by_card(app, fake_stripe)
    login(db.session.get(User, booking.holder_id))
    url = f"/stalls/bookings/{booking.id}/cancel"
    assert submit(client, url, {}).status_code == 302

    [refund] = db.session.scalars(select(Refund)).all()
    assert (refund.amount, refund.status, refund.reason) == (250_000, RefundStatus.SUCCEEDED,
                                                             RefundReason.CANCELLED_BY_APPLICANT)
    assert refund.idempotency_key == f"refund-cancel-{booking.id}-{payment.id}"
    at_stripe = fake_stripe.refunds()
    assert [(r["id"], r["amount"]) for r in at_stripe] == [(refund.stripe_refund_id, 25_000_000)]  # IDR: 2 decimals
    assert db.session.get(Payment, payment.id).status == PaymentStatus.PARTIALLY_REFUNDED
    assert fresh(booking).status == BookingStatus.RELEASED and live_on(stall.id) == []


def test_a_double_clicked_cancel_asks_stripe_for_one_refund(app, visitor, fake_stripe):
    booking, stall, payment = paid_by_card(app, fake_stripe)
    browser = visitor().login(db.session.get(User, booking.holder_id))
    url = f"/stalls/bookings/{booking.id}/cancel"
    token = browser.token(url)

    responses = fire(6, lambda _: browser.post(url, token=token))

    assert statuses(responses) == [302] * 6
    assert [r["amount"] for r in fake_stripe.refunds()] == [50_000_000]
    db.session.expire_all()
    assert [r.amount for r in db.session.scalars(select(Refund))] == [500_000]
    assert db.session.get(Payment, payment.id).method == PaymentMethod.CARD
    assert db.session.get(Payment, payment.id).status == PaymentStatus.REFUNDED


def test_waiving_the_fee_cancels_the_pending_card_payment_at_stripe(app, fake_stripe):
    from app.stalls.services import staff_actions
    from tests.stalls.desk_world import staff

    edition, (stall,) = ground(1)
    booking = book(stall)
    with app.test_request_context():
        payment = paying.start_payment(db.session.get(User, booking.holder_id), booking.application_id)
        db.session.commit()
        staff_actions.waive(staff(), fresh(booking))
    db.session.commit()
    assert (fresh(booking).status, fresh(booking).fee_waived) == (BookingStatus.CONFIRMED, True)
    assert db.session.get(Payment, payment.id).status == PaymentStatus.CANCELED
    assert fake_stripe.intent(payment.stripe_intent_id)["status"] == "canceled"
