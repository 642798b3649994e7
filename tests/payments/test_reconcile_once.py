"""`flask payments reconcile` on two hosts at once (issue 14): the runners share the pending payments, each intent is
read back from Stripe (localstripe) once and applied once. Control: without the row locks both runners read back
the same intents. A runner that dies after its claim leaves the payments to a later run (both databases)."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.clock import now_utc
from app.core.locking import write_transactions
from app.extensions import db
from app.payments import gateway
from app.payments.models import Payment, PaymentEvent, PaymentStatus
from app.payments.reconcile import claim_pending_card_payments, reconcile
from tests.live import fire, shows_race
from tests.payments.factories import caught_signals
from tests.payments.test_reconcile import start


@pytest.fixture
def read_backs(monkeypatch) -> Counter:
    """How often each intent was read back from Stripe (from any thread)."""
    counts: Counter = Counter()
    guard = threading.Lock()
    real = gateway.retrieve_intent

    def counting(intent_id: str):
        with guard:
            counts[intent_id] += 1
        return real(intent_id)

    monkeypatch.setattr(gateway, "retrieve_intent", counting)
    return counts


def paid_but_not_told(fake_stripe, user_factory, count: int) -> list[Payment]:
    """`count` pending payments whose intents succeeded at Stripe (no webhook came)."""
    payer = user_factory()
    return [start(fake_stripe, payer) for _ in range(count)]


def two_runners(app) -> list[dict[str, int]]:
    db.session.commit()

    def run(_index: int):
        with app.app_context():
            return reconcile(0)

    results = fire(2, run)
    assert not [r for r in results if isinstance(r, BaseException)], results
    return results


@pytest.mark.postgres
def test_two_runners_at_once_read_back_and_apply_each_payment_once(app, fake_stripe, user_factory, read_backs,
                                                                  monkeypatch):
    monkeypatch.setitem(app.config, "JOB_BATCH_SIZE", 10)
    payments = paid_but_not_told(fake_stripe, user_factory, 100)
    with caught_signals() as signals:
        results = two_runners(app)
    assert sum(r["checked"] for r in results) == 100 and sum(r["changed"] for r in results) == 100
    assert all(r["checked"] > 0 for r in results), results  # they shared the work
    assert read_backs == Counter({p.stripe_intent_id: 1 for p in payments})  # Stripe asked once per intent
    assert Counter(signals.names()) == {"payment_succeeded": 100}
    applied = Counter(db.session.scalars(select(PaymentEvent.payment_id).where(PaymentEvent.source == "reconcile")))
    assert applied == Counter({p.id: 1 for p in payments})
    assert set(db.session.scalars(select(Payment.status))) == {PaymentStatus.SUCCEEDED}


@pytest.mark.postgres
def test_control_without_row_locks_two_runners_read_back_the_same_intents(app, fake_stripe, user_factory, read_backs,
                                                                          locks_off, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_BATCH_SIZE", 10)
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CLAIM_S", 0.05)

    def round_() -> bool:
        read_backs.clear()
        paid_but_not_told(fake_stripe, user_factory, 20)
        two_runners(app)
        return max(read_backs.values()) > 1

    assert shows_race(round_)


def test_a_runner_that_dies_after_its_claim_leaves_the_payments_to_a_later_run(app, fake_stripe, user_factory,
                                                                                frozen_clock):
    moment = now_utc()
    frozen_clock(moment)
    first, second = paid_but_not_told(fake_stripe, user_factory, 2)
    with write_transactions():
        assert claim_pending_card_payments(0, 1) == [(first.id, first.stripe_intent_id)]
        db.session.commit()  # ...and the process is killed before it asks Stripe
    assert reconcile(0)["checked"] == 1  # the other one; the claimed one is leased
    frozen_clock(moment + timedelta(minutes=11))  # the lease ran out: read back, not forgotten
    assert reconcile(0) == {"checked": 1, "changed": 1, "failed": 0, "refunds": 0}
    assert {db.session.get(Payment, p.id).status for p in (first, second)} == {PaymentStatus.SUCCEEDED}
