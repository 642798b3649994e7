"""Card payments against localstripe with the real stripe client: one PaymentIntent per attempt, Stripe down leaves
nothing, declined cards, and success confirmed through localstripe's own signed webhook."""

import socket
import time
from contextlib import nullcontext

import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.core.locking import lock, write_transactions
from app.extensions import db
from app.payments import services
from app.payments.gateway import PaymentUnavailable
from app.payments.models import Payment, PaymentEvent, PaymentMethod, PaymentStatus
from tests.live import fire, shows_race
from tests.payments.factories import PURPOSE, SCOPE, caught_signals, english

VISA, DECLINED_ON_CHARGE = "4242424242424242", "4000000000000341"


def pay(payer, amount=500_000):
    return services.create_card_payment(payer, payer=payer, purpose=PURPOSE, scope=SCOPE, amount=amount,
                                        description="Test purchase")


def wait_for(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.commit()  # a fresh snapshot: see what the server committed
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_payment_is_stored_with_its_intent_key_and_metadata(app, fake_stripe, user_factory, monkeypatch):
    sent = []
    real = requests.Session.request

    def record(self, method, url, *args, **kwargs):
        sent.append((method, url, dict(kwargs.get("headers") or {})))
        return real(self, method, url, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "request", record)
    payer = user_factory()
    payment = pay(payer)
    db.session.commit()
    assert payment.status == PaymentStatus.PENDING and payment.method == PaymentMethod.CARD
    intent = fake_stripe.intent(payment.stripe_intent_id)
    assert intent["amount"] == 50_000_000 and intent["currency"] == "idr"
    assert intent["metadata"] == {"payment_id": str(payment.id), "purpose": PURPOSE, "scope": SCOPE}
    assert payment.stripe_client_secret == intent["client_secret"]
    creates = [headers for method, url, headers in sent if method == "post" and url.endswith("/v1/payment_intents")]
    assert [h["Idempotency-Key"] for h in creates] == [f"payment-attempt-{payment.id}"]
    assert services.is_reusable(payment)
    assert [(e.from_status, e.to_status, e.actor_id) for e in payment.history] == [(None, PaymentStatus.PENDING,
                                                                                  payer.id)]


def test_one_intent_per_payment_is_a_database_rule(app, fake_stripe, user_factory):
    payer = user_factory()
    payment = pay(payer)
    db.session.commit()
    twin = Payment(purpose=PURPOSE, scope=SCOPE, payer_id=payer.id, method=PaymentMethod.CARD, amount=500_000,
                   stripe_intent_id=payment.stripe_intent_id)
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def _double_click(app, payer_id: int, clicks: int = 2) -> list:
    """What a caller (stalls) does per "pay" click: lock the thing being paid for (here: the payer's row), reuse a
    pending payment the browser can still confirm, else start one."""
    from app.accounts.models import User

    def click(_index: int):
        with app.app_context(), (write_transactions() if app.config.get("ROW_LOCKS", True) else nullcontext()):
            try:
                payer = lock(User, payer_id)
                found = db.session.scalars(select(Payment).where(Payment.payer_id == payer_id,
                                                                 Payment.status == PaymentStatus.PENDING)).first()
                if found is None or not services.is_reusable(found):
                    if not app.config.get("ROW_LOCKS", True):
                        time.sleep(0.2)  # widen the window of the control run
                    found = pay(payer)
                payment_id = found.id
                db.session.commit()
                return payment_id
            finally:
                db.session.remove()

    return fire(clicks, click)


def test_a_double_click_makes_one_payment_and_one_intent(app, fake_stripe, user_factory):
    payer = user_factory()
    results = _double_click(app, payer.id)
    assert len(set(results)) == 1, results
    assert db.session.scalar(select(func.count(Payment.id))) == 1
    assert len(fake_stripe.intents()) == 1  # counted at localstripe, which ignores Idempotency-Key


@pytest.mark.postgres  # SQLite without IMMEDIATE transactions fails the second click (stale snapshot) instead
def test_control_without_locks_a_double_click_makes_two_intents(app, fake_stripe, user_factory, locks_off):
    def round_() -> bool:
        before = len(fake_stripe.intents())
        _double_click(app, user_factory().id)
        return len(fake_stripe.intents()) - before >= 2

    assert shows_race(round_)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends


def test_stripe_down_raises_and_the_caller_rolls_back_to_nothing(app, fake_stripe, user_factory, monkeypatch):
    payer = user_factory()
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", f"http://127.0.0.1:{_closed_port()}")
    with pytest.raises(PaymentUnavailable) as down:
        pay(payer)
    assert "try again" in english(down.value.message)
    db.session.rollback()  # what the route does (core.routing.attempt/act)
    assert db.session.scalar(select(func.count(Payment.id))) == 0
    assert db.session.scalar(select(func.count(PaymentEvent.id))) == 0
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", fake_stripe.url)  # Stripe is back: a retry works
    payment = pay(payer)
    db.session.commit()
    assert payment.stripe_intent_id and len(fake_stripe.intents()) == 1


def test_a_declined_card_is_recorded_failed_with_a_message(app, fake_stripe, user_factory):
    fake_stripe.attach_to_new_intents(fake_stripe.card(DECLINED_ON_CHARGE))
    payer = user_factory()
    with caught_signals() as signals:
        payment = pay(payer)
    db.session.commit()
    assert payment.status == PaymentStatus.FAILED
    assert "declined" in english(payment.failure_message)
    assert payment.stripe_intent_id == fake_stripe.intents()[0]["id"]  # read from the declined charge
    assert not services.is_reusable(payment)
    assert signals.names() == ["payment_failed"]
    assert [e.to_status for e in payment.history] == [PaymentStatus.PENDING, PaymentStatus.FAILED]


def test_card_4242_is_confirmed_by_localstripes_signed_webhook(app, fake_stripe, live_server, user_factory):
    fake_stripe.send_webhooks_to(live_server)
    fake_stripe.attach_to_new_intents(fake_stripe.card(VISA))
    payer = user_factory()
    with caught_signals() as signals:
        payment = pay(payer)
        db.session.commit()
        assert payment.status == PaymentStatus.PENDING  # until Stripe tells us, by webhook
        assert wait_for(lambda: db.session.get(Payment, payment.id).status == PaymentStatus.SUCCEEDED)
    payment = db.session.get(Payment, payment.id)
    last = payment.history[-1]
    assert (last.from_status, last.to_status, last.source) == (PaymentStatus.PENDING, PaymentStatus.SUCCEEDED,
                                                               "stripe")
    assert last.stripe_event_id.startswith("evt_")
    assert signals.names() == ["payment_succeeded"]
    assert payment.succeeded_at is not None


def test_declined_card_webhook_from_localstripe_changes_nothing_more(app, fake_stripe, live_server, user_factory):
    fake_stripe.send_webhooks_to(live_server)
    fake_stripe.attach_to_new_intents(fake_stripe.card(DECLINED_ON_CHARGE))
    payer = user_factory()
    payment = pay(payer)
    db.session.commit()
    from app.payments.models import StripeEvent

    assert wait_for(lambda: db.session.scalar(select(func.count(StripeEvent.id))) == 1)  # payment_failed arrived
    payment = db.session.get(Payment, payment.id)
    assert payment.status == PaymentStatus.FAILED and len(payment.history) == 2


def test_cancel_pending_cancels_the_intent(app, fake_stripe, user_factory):
    payer = user_factory()
    payment = pay(payer)
    db.session.commit()
    with caught_signals() as signals:
        services.cancel_pending(payment, source="system")
    db.session.commit()
    assert payment.status == PaymentStatus.CANCELED
    assert fake_stripe.intent(payment.stripe_intent_id)["status"] == "canceled"
    assert signals.names() == ["payment_failed"]
    services.cancel_pending(payment, source="system")  # again: nothing to do
    assert len(payment.history) == 2


def test_cancel_pending_of_an_intent_that_succeeded_applies_the_late_payment(app, fake_stripe, user_factory):
    fake_stripe.attach_to_new_intents(fake_stripe.card(VISA))  # succeeds at once; no webhook registered
    payer = user_factory()
    payment = pay(payer)
    db.session.commit()
    assert payment.status == PaymentStatus.PENDING
    with caught_signals() as signals:
        services.cancel_pending(payment, source="system")
    db.session.commit()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert signals.sent[0][0] == "payment_succeeded" and signals.sent[0][2]["source"] == "system"


def test_threads_use_the_one_client_at_once(app, fake_stripe, user_factory):
    """The cached StripeClient is shared by threads (its HTTP client keeps one session per thread)."""
    payer_ids = [user_factory().id for _ in range(4)]

    def run(index: int) -> str:
        from app.accounts.models import User

        with app.app_context(), write_transactions():
            try:
                payer = db.session.get(User, payer_ids[index])
                intent_id = pay(payer).stripe_intent_id
                db.session.commit()
                return intent_id
            finally:
                db.session.remove()

    results = fire(4, run)
    assert all(isinstance(r, str) and r.startswith("pi_") for r in results), results
    assert len(set(results)) == 4 and len(fake_stripe.intents()) == 4
