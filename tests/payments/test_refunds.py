"""Refunds: the row first, then Stripe with its own key; never more than was paid, even when double-clicked."""

import socket
import time
from contextlib import nullcontext

import pytest
import requests
from sqlalchemy import func, select

from app.core.errors import DomainError, InvalidState
from app.core.locking import write_transactions
from app.extensions import db
from app.payments import services
from app.payments.cli import reconcile
from app.payments.models import Payment, PaymentStatus, Refund, RefundReason, RefundStatus
from app.payments.refunds import RefundTooLarge
from tests.live import fire, shows_race
from tests.payments.factories import PURPOSE, SCOPE, caught_signals, english

VISA = "4242424242424242"
STAFF_CANCEL = RefundReason.CANCELLED_BY_STAFF


def paid_at_localstripe(fake_stripe, payer, amount=500_000) -> Payment:
    """A card payment that succeeded at localstripe, applied as reconcile would."""
    fake_stripe.attach_to_new_intents(fake_stripe.card(VISA))
    payment = services.create_card_payment(payer, payer=payer, purpose=PURPOSE, scope=SCOPE, amount=amount,
                                           description="Test purchase")
    services.apply_intent(fake_stripe.intent(payment.stripe_intent_id), source="reconcile")
    db.session.commit()
    assert payment.status == PaymentStatus.SUCCEEDED
    return payment


def test_refund_round_trip(app, fake_stripe, user_factory, monkeypatch):
    staff = user_factory(staff=True)
    payment = paid_at_localstripe(fake_stripe, user_factory())
    keys = []
    real = requests.Session.request
    monkeypatch.setattr(requests.Session, "request", lambda self, method, url, *a, **k: (
        keys.append((url, (k.get("headers") or {}).get("Idempotency-Key"))) or real(self, method, url, *a, **k)))
    with caught_signals() as signals:
        half = services.refund(staff, payment, 250_000, STAFF_CANCEL)
        db.session.commit()
        assert (half.status, payment.status, payment.amount_refunded) == (
            RefundStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED, 250_000)
        rest = services.refund(staff, payment, 250_000, STAFF_CANCEL)
        db.session.commit()
    assert payment.status == PaymentStatus.REFUNDED and payment.amount_refunded == payment.amount
    at_stripe = {r["id"]: r for r in fake_stripe.refunds()}
    assert {at_stripe[half.stripe_refund_id]["amount"], at_stripe[rest.stripe_refund_id]["amount"]} == {25_000_000}
    assert [key for url, key in keys if url.endswith("/v1/refunds")] == [f"refund-{half.id}", f"refund-{rest.id}"]
    assert signals.names() == ["payment_refunded", "payment_refunded"]
    assert [s[2]["refund"] for s in signals.sent] == [half.id, rest.id]
    with pytest.raises(RefundTooLarge):
        services.refund(staff, payment, 1, STAFF_CANCEL)
    db.session.rollback()
    assert len(fake_stripe.refunds()) == 2  # localstripe itself would have refunded more


def test_more_than_is_left_is_refused_before_stripe(app, fake_stripe, user_factory):
    payment = paid_at_localstripe(fake_stripe, user_factory())
    services.refund(None, payment, 400_000, RefundReason.WITHDRAWN)
    db.session.commit()
    with pytest.raises(RefundTooLarge) as refused:
        services.refund(None, payment, 100_001, RefundReason.WITHDRAWN)
    assert refused.value.field == "amount"
    db.session.rollback()
    assert len(fake_stripe.refunds()) == 1 and payment.refundable == 100_000


def test_a_refund_key_is_used_once(app, fake_stripe, user_factory):
    payment = paid_at_localstripe(fake_stripe, user_factory())
    first = services.refund(None, payment, 500_000, RefundReason.LATE_PAYMENT, key=f"refund-late-{payment.id}")
    again = services.refund(None, payment, 500_000, RefundReason.LATE_PAYMENT, key=f"refund-late-{payment.id}")
    db.session.commit()
    assert first.id == again.id and len(fake_stripe.refunds()) == 1
    assert first.idempotency_key == f"refund-late-{payment.id}"


def test_a_pending_payment_cannot_be_refunded(app, fake_stripe, user_factory):
    payer = user_factory()
    payment = services.create_card_payment(payer, payer=payer, purpose=PURPOSE, scope=SCOPE, amount=500_000)
    with pytest.raises(InvalidState):
        services.refund(None, payment, 1, RefundReason.WITHDRAWN)
    db.session.rollback()


def _double_click_refund(app, payment_id: int, clicks: int = 2) -> list:
    def click(_index: int):
        locked = app.config.get("ROW_LOCKS", True)
        with app.app_context(), (write_transactions() if locked else nullcontext()):
            try:
                payment = db.session.get(Payment, payment_id)
                if not locked:
                    payment.refundable  # noqa: B018 (read the bound first, as an unlocked check would)
                    time.sleep(0.2)
                row = services.refund(None, payment, payment.amount, RefundReason.CANCELLED_BY_APPLICANT)
                db.session.commit()
                return row.id
            except DomainError as error:
                db.session.rollback()
                return type(error).__name__
            finally:
                db.session.remove()

    return fire(clicks, click)


def test_a_double_clicked_refund_refunds_once(app, fake_stripe, user_factory):
    payment = paid_at_localstripe(fake_stripe, user_factory())
    results = _double_click_refund(app, payment.id)
    assert sorted(map(str, results))[-1] == "RefundTooLarge" and sum(isinstance(r, int) for r in results) == 1
    assert len(fake_stripe.refunds()) == 1
    db.session.refresh(payment)
    assert payment.status == PaymentStatus.REFUNDED and payment.amount_refunded == payment.amount


@pytest.mark.postgres  # SQLite without IMMEDIATE fails the second writer instead (stale snapshot)
def test_control_without_locks_a_double_clicked_refund_refunds_twice(app, fake_stripe, user_factory, locks_off):
    def round_() -> bool:
        payment = paid_at_localstripe(fake_stripe, user_factory())
        before = len(fake_stripe.refunds())
        _double_click_refund(app, payment.id)
        return len(fake_stripe.refunds()) - before >= 2

    assert shows_race(round_)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_stripe_down_keeps_the_refund_pending_and_reconcile_sends_it(app, fake_stripe, user_factory, monkeypatch):
    payment = paid_at_localstripe(fake_stripe, user_factory())
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", f"http://127.0.0.1:{_closed_port()}")
    row = services.refund(None, payment, 300_000, RefundReason.WITHDRAWN)
    db.session.commit()
    assert row.status == RefundStatus.PENDING and "again" in english(row.failure_message)
    assert payment.status == PaymentStatus.SUCCEEDED and payment.refundable == 200_000  # it counts meanwhile
    with pytest.raises(RefundTooLarge):
        services.refund(None, payment, 200_001, RefundReason.WITHDRAWN)
    db.session.rollback()
    assert reconcile(0)["failed"] == 1  # still down: tried again next run
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", fake_stripe.url)
    assert reconcile(0)["refunds"] == 1
    db.session.refresh(row)
    db.session.refresh(payment)
    assert row.status == RefundStatus.SUCCEEDED and payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert [r["amount"] for r in fake_stripe.refunds()] == [30_000_000]
    assert reconcile(0)["refunds"] == 0


def test_a_refund_stripe_refuses_is_failed_and_flagged(app, fake_stripe, user_factory, outbox):
    staff = user_factory(staff=True)
    payment = paid_at_localstripe(fake_stripe, user_factory())
    payment.stripe_intent_id = "pi_gone_at_stripe"  # Stripe answers 404
    db.session.commit()
    row = services.refund(staff, payment, 100_000, STAFF_CANCEL)
    db.session.commit()
    assert row.status == RefundStatus.FAILED and row.failure_message
    assert payment.flagged and payment.refundable == payment.amount and payment.status == PaymentStatus.SUCCEEDED
    assert len(outbox.messages(to=staff.email)) == 1


def test_a_bank_transfer_is_refunded_without_stripe(app, fake_stripe, user_factory):
    staff, payer = user_factory(staff=True), user_factory()
    payment = services.record_transfer(staff, payer=payer, purpose=PURPOSE, scope=SCOPE, amount=750_000,
                                       reference="BCA 0042", description="Test purchase")
    row = services.refund(staff, payment, 750_000, STAFF_CANCEL)
    db.session.commit()
    assert row.status == RefundStatus.SUCCEEDED and row.stripe_refund_id is None
    assert payment.status == PaymentStatus.REFUNDED and fake_stripe.refunds() == []
    assert db.session.scalar(select(func.count(Refund.id))) == 1
