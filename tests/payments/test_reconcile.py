"""`flask payments reconcile`: pending intents whose webhook never came are read back from Stripe and applied through
the webhook's own function; a second run and the late webhook afterwards change nothing."""

import socket
from datetime import timedelta

from sqlalchemy import func, select

from app.core.clock import now_utc
from app.extensions import db
from app.payments import services
from app.payments.models import Payment, PaymentEvent, PaymentStatus, StripeEvent
from tests.payments.factories import PURPOSE, SCOPE, caught_signals

VISA = "4242424242424242"


def run(app, *args):
    return app.test_cli_runner().invoke(args=["payments", "reconcile", *args])


def start(fake_stripe, payer, card=VISA):
    if card:
        fake_stripe.attach_to_new_intents(fake_stripe.card(card))
    payment = services.create_card_payment(payer, payer=payer, purpose=PURPOSE, scope=SCOPE, amount=500_000,
                                           description="Test purchase")
    db.session.commit()
    return payment


def test_reconcile_applies_a_payment_whose_webhook_never_came(app, fake_stripe, client, user_factory):
    payment = start(fake_stripe, user_factory())  # succeeded at localstripe; no webhook registered
    assert payment.status == PaymentStatus.PENDING
    with caught_signals() as signals:
        result = run(app, "--older-than", "0")
        assert result.exit_code == 0, result.output
        assert "checked 1 pending payments, 1 changed" in result.output
        db.session.commit()
        payment = db.session.get(Payment, payment.id)
        assert payment.status == PaymentStatus.SUCCEEDED
        assert (payment.history[-1].source, payment.history[-1].stripe_event_id) == ("reconcile", None)

        again = run(app, "--older-than", "0")  # nothing pending any more
        assert "checked 0 pending payments" in again.output

        # The webhook that was lost turns up after all: recorded, no second transition, no second signal.
        [late] = fake_stripe.client.v1.events.list(params={"type": "payment_intent.succeeded"}).data
        assert fake_stripe.post_event(client, late.to_dict()).status_code == 200
    db.session.commit()
    assert signals.names() == ["payment_succeeded"]
    assert db.session.scalar(select(func.count(PaymentEvent.id))) == 2
    assert db.session.get(StripeEvent, late.id) is not None


def test_reconcile_only_takes_payments_older_than_asked(app, fake_stripe, user_factory, frozen_clock):
    moment = now_utc()
    frozen_clock(moment)
    payment = start(fake_stripe, user_factory())
    assert "checked 0 pending payments" in run(app, "--older-than", "15").output
    frozen_clock(moment + timedelta(minutes=16))
    assert "checked 1 pending payments, 1 changed" in run(app, "--older-than", "15").output
    db.session.commit()
    assert db.session.get(Payment, payment.id).status == PaymentStatus.SUCCEEDED


def test_an_intent_still_waiting_for_the_card_stays_pending(app, fake_stripe, user_factory):
    payment = start(fake_stripe, user_factory(), card=None)  # requires_payment_method, no error: still open
    result = run(app, "--older-than", "0")
    assert "checked 1 pending payments, 0 changed" in result.output
    db.session.commit()
    assert db.session.get(Payment, payment.id).status == PaymentStatus.PENDING


def test_stripe_down_is_reported_and_tried_next_run(app, fake_stripe, user_factory, monkeypatch):
    payment = start(fake_stripe, user_factory())
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", f"http://127.0.0.1:{closed}")
    result = run(app, "--older-than", "0")
    assert result.exit_code == 1 and "1 could not be read" in result.output
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", fake_stripe.url)
    assert run(app, "--older-than", "0").exit_code == 0
    db.session.commit()
    assert db.session.get(Payment, payment.id).status == PaymentStatus.SUCCEEDED


def test_fake_stripe_command_is_there(app):
    result = app.test_cli_runner().invoke(args=["payments", "fake-stripe", "--help"])
    assert result.exit_code == 0 and "127.0.0.1" in result.output
