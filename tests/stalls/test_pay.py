"""Paying for a held stall against localstripe with the real stripe client: the pay page, one payment and one
PaymentIntent per attempt (a double-click reuses it), Stripe down (nothing written, the hold stays, a retry works),
a declined card, and the booking confirmed by Stripe's own signed webhook with one mail."""

import socket

import pytest
from sqlalchemy import select

from app.extensions import db
from app.payments.models import Payment, PaymentStatus
from app.stalls.models import Booking, BookingPayment, BookingStatus
from tests.core.test_html import assert_valid
from tests.helpers import text
from tests.live import fire, statuses
from tests.stalls.pay_world import count, held_booking, pay, payments_of, wait_for


def test_pay_starts_one_card_payment_and_shows_the_card_page(client, login, fake_stripe):
    application, booking, _ = held_booking(client, login)
    response = pay(client, application)
    payment = db.session.scalar(select(Payment))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{application.id}/booking/pay/{payment.id}")
    assert payment.status == PaymentStatus.PENDING and payment.amount == booking.fee == 500_000
    assert payment.purpose == "stall_booking" and payment.scope == f"edition:{booking.edition_id}"
    assert payment.payer_id == application.applicant_id
    assert count(BookingPayment, BookingPayment.booking_id == booking.id, BookingPayment.payment_id == payment.id) == 1
    [intent] = fake_stripe.intents()
    assert intent["id"] == payment.stripe_intent_id and intent["amount"] == 50_000_000
    assert intent["metadata"]["payment_id"] == str(payment.id)

    page = client.get(response.headers["Location"])
    html = text(page)
    assert_valid(html, "pay")
    assert f'<script src="{fake_stripe.url}/js.stripe.com/v3/"></script>' in html
    assert 'data-publishable-key="pk_test_portal"' in html
    assert f'data-client-secret="{payment.stripe_client_secret}"' in html
    assert "js/stalls_pay.js" in html and "Pay IDR 500,000" in html
    policy = page.headers["Content-Security-Policy"]
    assert f"script-src 'self' {fake_stripe.url}" in policy and "frame-src" in policy
    assert page.headers["Cache-Control"] == "no-store"


def test_a_resubmitted_pay_form_reuses_the_payment(client, login, fake_stripe):
    application, booking, _ = held_booking(client, login)
    first = pay(client, application)
    second = pay(client, application)
    assert first.headers["Location"] == second.headers["Location"]
    assert len(payments_of(booking)) == 1 and len(fake_stripe.intents()) == 1


def test_a_double_clicked_pay_button_makes_one_payment_and_one_intent(visitor, fake_stripe):
    from tests.stalls.book_world import accepted, ground

    edition, (stall,) = ground(1)
    application = accepted(edition, locale="en")
    browser = visitor().login(application.applicant)
    token = browser.token(f"/applications/{application.id}/stalls/{stall.id}")
    assert browser.post(f"/applications/{application.id}/stalls/{stall.id}/hold", token=token).status_code == 302
    url = f"/applications/{application.id}/booking/pay"

    responses = fire(5, lambda _: browser.post(url, token=token))

    assert statuses(responses) == [302] * 5
    assert len({r.headers["Location"] for r in responses}) == 1  # every click lands on the same card page
    assert count(Payment) == 1 and count(BookingPayment) == 1
    assert len(fake_stripe.intents()) == 1  # proved by the database: localstripe ignores Idempotency-Key


def _closed_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def test_stripe_down_keeps_the_hold_writes_nothing_and_a_retry_works(app, client, login, fake_stripe, monkeypatch):
    application, booking, _ = held_booking(client, login)
    working = app.config["STRIPE_API_BASE"]
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", _closed_port())
    response = pay(client, application)
    assert response.status_code == 302 and response.headers["Location"].endswith("/booking")
    page = text(client.get(f"/applications/{application.id}/booking"))
    assert "try again" in page.lower()
    assert count(Payment) == 0 and count(BookingPayment) == 0
    db.session.refresh(booking)
    assert booking.status == BookingStatus.HELD and booking.is_live(booking.held_at)

    monkeypatch.setitem(app.config, "STRIPE_API_BASE", working)
    retry = pay(client, application)
    assert "/booking/pay/" in retry.headers["Location"]
    assert count(Payment) == 1 and len(fake_stripe.intents()) == 1


def test_a_declined_card_says_so_and_the_hold_stays(client, login, fake_stripe):
    fake_stripe.attach_to_new_intents(fake_stripe.card("4000000000000341"))
    application, booking, _ = held_booking(client, login)
    response = pay(client, application)
    assert response.headers["Location"].endswith(f"/applications/{application.id}/booking")
    page = text(client.get(response.headers["Location"]))
    assert "stays held until the time runs out" in page
    [payment] = payments_of(booking)
    assert payment.status == PaymentStatus.FAILED
    db.session.refresh(booking)
    assert booking.status == BookingStatus.HELD
    fake_stripe.attach_to_new_intents(fake_stripe.card("4242424242424242"))
    again = pay(client, application)  # a new attempt: a new payment, a new intent
    assert "/booking/pay/" in again.headers["Location"]
    assert [p.status for p in payments_of(booking)] == [PaymentStatus.FAILED, PaymentStatus.PENDING]


@pytest.mark.parametrize("card", ["4242424242424242"])
def test_paid_through_localstripe_its_signed_webhook_confirms_the_booking_and_mails_once(
        client, login, fake_stripe, live_server, outbox, card):
    fake_stripe.send_webhooks_to(live_server)
    fake_stripe.attach_to_new_intents(fake_stripe.card(card))  # confirmed at creation: localstripe sends the event
    application, booking, _ = held_booking(client, login)
    pay(client, application)

    assert wait_for(lambda: db.session.get(Booking, booking.id).status == BookingStatus.CONFIRMED), "no webhook"
    [payment] = payments_of(booking)
    assert payment.status == PaymentStatus.SUCCEEDED
    mails = [m for m in outbox.messages(application.applicant.email) if m.template == "stalls/mail/confirmed"]
    assert len(mails) == 1
    assert f"/stalls/bookings/{booking.id}/receipt" in mails[0].body_text and "is yours" in mails[0].body_text

    page = text(client.get(f"/applications/{application.id}/booking"))
    assert "is yours" in page and f"/stalls/bookings/{booking.id}/receipt" in page
    receipt = client.get(f"/stalls/bookings/{booking.id}/receipt")
    assert receipt.status_code == 200
    assert_valid(text(receipt), "receipt")
    assert "IDR 500,000" in text(receipt) and "Paid" in text(receipt)


def test_after_paying_the_booking_page_says_the_payment_is_being_confirmed(client, login, fake_stripe):
    application, booking, _ = held_booking(client, login)
    pay(client, application)
    html = text(client.get(f"/applications/{application.id}/booking?paid=1"))
    assert_valid(html, "confirming")
    assert "Your payment is being confirmed" in html and "data-awaiting-payment" in html
    assert "data-awaiting-payment" not in text(client.get(f"/applications/{application.id}/booking"))
