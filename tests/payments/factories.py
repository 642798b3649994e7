"""Payments for tests, with a throwaway purpose and scope (stalls test their own integration)."""

from collections.abc import Iterator
from contextlib import contextmanager

from app.core import events
from app.extensions import db
from app.payments import ledger
from app.payments.models import Payment, PaymentMethod, PaymentStatus

PURPOSE = "test_purchase"
SCOPE = "test:1"


def card_payment(payer, *, amount: int = 500_000, status: PaymentStatus = PaymentStatus.PENDING,
                 intent_id: str | None = None, currency: str = "IDR") -> Payment:
    """A card payment row as `create_card_payment` leaves it (no call to Stripe), committed, with its history."""
    payment = Payment(purpose=PURPOSE, scope=SCOPE, description="Test purchase", payer_id=payer.id,
                      method=PaymentMethod.CARD, status=PaymentStatus.PENDING, amount=amount, currency=currency,
                      amount_refunded=0, stripe_intent_id=intent_id, stripe_client_secret=f"{intent_id}_secret_x")
    db.session.add(payment)
    db.session.flush()
    ledger.record(payment, PaymentStatus.PENDING, source="payer", actor=payer, note="test")
    if status != PaymentStatus.PENDING:
        ledger.move(payment, status, source="stripe", stripe_event_id="evt_factory", signal=False)
    db.session.commit()
    return payment


def intent_of(payment: Payment, status: str = "succeeded", *, amount: int | None = None,
              currency: str = "idr", error: dict | None = None) -> dict:
    """The PaymentIntent Stripe would report for `payment` (IDR: two decimals at Stripe)."""
    return {"id": payment.stripe_intent_id, "object": "payment_intent", "status": status,
            "amount": payment.amount * 100 if amount is None else amount, "currency": currency,
            "metadata": {"payment_id": str(payment.id), "purpose": PURPOSE, "scope": SCOPE},
            "last_payment_error": error}


class Caught:
    """What the payment signals sent during a block (receivers run in whichever thread sends)."""

    def __init__(self):
        self.sent: list[tuple[str, int, dict]] = []

    def names(self) -> list[str]:
        return [name for name, _id, _kw in self.sent]


@contextmanager
def caught_signals() -> Iterator[Caught]:
    caught = Caught()
    receivers = {}
    for name in ("payment_succeeded", "payment_failed", "payment_refunded", "payment_flagged"):
        def receiver(sender, _name=name, **kwargs):
            # ids, not rows: the rows belong to the sender's session (a server thread's, closed afterwards)
            plain = {key: getattr(value, "id", value) if key in ("refund", "actor") else value
                     for key, value in kwargs.items()}
            caught.sent.append((_name, sender.id, plain))

        receivers[name] = receiver
        getattr(events, name).connect(receiver, weak=False)
    try:
        yield caught
    finally:
        for name, receiver in receivers.items():
            getattr(events, name).disconnect(receiver)


def english(message) -> str:
    """A (lazy) message as an English-speaking user reads it (the default language is Indonesian)."""
    from flask_babel import force_locale

    with force_locale("en"):
        return str(message)
