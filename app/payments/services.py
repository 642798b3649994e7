"""Payments: card payments through Stripe PaymentIntents, bank transfers recorded by staff, refunds, the one function
that applies what Stripe says about an intent. Other domains call these and react to the payment signals
(`app.core.events`); payments import no other domain.

- `create_card_payment`: one Payment row per attempt, flushed before Stripe is called, so its id names the attempt
  (`Idempotency-Key: payment-attempt-<id>`, metadata payment_id). The intent id and client secret are stored in the
  same transaction; when Stripe cannot be reached the caller rolls back and nothing is left.
- `apply_intent`: the webhook, `flask payments reconcile` and `cancel_pending` all end here. The payment row is
  locked, Stripe's amount and currency are checked against it (a mismatch is flagged, never confirmed), the
  transition table decides, the change is recorded and its signal sent once.
- `refund` (in `refunds`), bounded under the payment row's lock.
"""

import logging
from collections.abc import Mapping
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, select

from app.accounts.models import User
from app.audit import services as audit
from app.core.errors import Conflict, InvalidState
from app.core.locking import lock, relock
from app.core.permissions import require_staff
from app.extensions import db
from app.payments import gateway, ledger
from app.payments.gateway import AmountNotAccepted, CardDeclined, PaymentUnavailable, StripeRefused
from app.payments.models import Payment, PaymentMethod, PaymentStatus
from app.payments.refunds import refund, retry_refund

log = logging.getLogger(__name__)
TRANSFER_RECORDED = audit.register_action("payments.payment.transfer_recorded", _l("Bank transfer marked paid"))

__all__ = [
    "AmountNotAccepted", "PaymentUnavailable", "apply_intent", "cancel_pending", "create_card_payment",
    "intent_status", "is_reusable", "record_transfer", "refund", "retry_refund",
]


def _source_of(actor: User | None, payer: User) -> str:
    if actor is None:
        return "system"
    return "payer" if actor.id == payer.id else "staff"


def create_card_payment(actor: User | None, *, payer: User, purpose: str, scope: str, amount: int,
                        currency: str = "IDR", description: str = "") -> Payment:
    """A new pending card payment of `amount` whole units with its PaymentIntent at Stripe.

    Raises AmountNotAccepted (before Stripe is called) and PaymentUnavailable (Stripe unreachable or erring: the
    caller rolls back, nothing is written). A card declined at once (test configuration: STRIPE_TEST_PAYMENT_METHOD)
    gives the payment back FAILED, recorded, with `payment.failure_message`."""
    minor = gateway.to_stripe_amount(amount, currency)
    payment = Payment(purpose=purpose[:32], scope=scope[:32], description=description[:200], payer_id=payer.id,
                      method=PaymentMethod.CARD, status=PaymentStatus.PENDING, amount=int(amount),
                      currency=currency.upper(), amount_refunded=0)
    db.session.add(payment)
    db.session.flush()
    source = _source_of(actor, payer)
    ledger.record(payment, PaymentStatus.PENDING, source=source, actor=actor, note="card payment started")
    test_method = current_app.config.get("STRIPE_TEST_PAYMENT_METHOD") or None
    try:
        intent = gateway.create_intent(
            amount=minor, currency=payment.currency, idempotency_key=f"payment-attempt-{payment.id}",
            metadata={"payment_id": str(payment.id), "purpose": payment.purpose, "scope": payment.scope},
            payment_method=test_method)
    except CardDeclined as declined:
        payment.stripe_intent_id = declined.intent_id
        ledger.move(payment, PaymentStatus.FAILED, source=source, actor=actor,
                    note=f"declined at confirmation ({declined.code or 'card_declined'})")
        payment.failure_message = declined.message
        return payment
    payment.stripe_intent_id = intent["id"]
    payment.stripe_client_secret = intent.get("client_secret")
    db.session.flush()
    return payment


def is_reusable(payment: Payment) -> bool:
    """Whether the browser can still confirm this payment's intent: a pending, unflagged card payment with one."""
    return bool(payment.method == PaymentMethod.CARD and payment.status == PaymentStatus.PENDING
                and payment.stripe_intent_id and payment.stripe_client_secret and not payment.flagged)


def intent_status(intent: Mapping[str, Any]) -> PaymentStatus | None:
    """What an intent's state means for the ledger (None: not decided yet, the payment stays pending)."""
    status = intent.get("status")
    if status == "succeeded":
        return PaymentStatus.SUCCEEDED
    if status == "canceled":
        return PaymentStatus.CANCELED
    if status == "requires_payment_method" and intent.get("last_payment_error"):
        return PaymentStatus.FAILED
    return None


def mismatch(payment: Payment, amount: Any, currency: Any) -> str | None:
    """What Stripe reports that differs from the row (amount in Stripe's unit), or None."""
    if str(currency or "").upper() != payment.currency:
        return f"currency {currency!r} at Stripe, {payment.currency} here"
    try:
        expected = gateway.to_stripe_amount(payment.amount, payment.currency)
    except AmountNotAccepted:
        expected = None
    if expected is None or int(amount or 0) != expected:
        return f"amount {amount} at Stripe, {expected} expected ({payment.amount} {payment.currency})"
    return None


def payment_of_intent(intent_id: str | None) -> int | None:
    if not intent_id:
        return None
    return db.session.scalar(select(Payment.id).where(Payment.stripe_intent_id == intent_id))


def apply_intent(intent: Mapping[str, Any], *, source: str, stripe_event_id: str | None = None,
                 event_type: str = "", actor: User | None = None) -> Payment | None:
    """Apply Stripe's state of `intent` (a PaymentIntent as a dict) to its payment: None if no payment has it.

    Under the payment row's lock: a Stripe event already handled changes nothing (and is recorded with its effect
    otherwise); a wrong amount or currency flags the payment for staff and confirms nothing; the transition table
    ignores replays and regressions (failed after succeeded)."""
    payment_id = payment_of_intent(intent.get("id"))
    if payment_id is None:
        return None
    payment = lock(Payment, payment_id)
    if stripe_event_id:
        if ledger.seen(stripe_event_id):
            return payment
        ledger.remember(stripe_event_id, event_type or "payment_intent", payment)
    target = intent_status(intent)
    if target is None or target == payment.status:
        return payment
    problem = mismatch(payment, intent.get("amount"), intent.get("currency"))
    if problem and target == PaymentStatus.SUCCEEDED:  # money taken that does not fit the row: staff look
        ledger.flag(payment, problem, source=source, stripe_event_id=stripe_event_id, actor=actor)
        return payment
    error = intent.get("last_payment_error") or {}
    note = f"{source}: intent {intent.get('status')}" + (f" ({error.get('code')})" if error.get("code") else "")
    ledger.move(payment, target, source=source, stripe_event_id=stripe_event_id, actor=actor, note=note)
    return payment


def record_transfer(actor: User, *, payer: User, purpose: str, scope: str, amount: int, reference: str,
                    description: str = "") -> Payment:
    """Staff record a bank transfer: a succeeded BANK_TRANSFER payment (`payment_succeeded`, source "staff"). The
    reference is unique in `scope` (one transfer pays one thing)."""
    require_staff(actor, _l("Only the programme team can record a bank transfer."))
    reference = " ".join((reference or "").split())
    if not reference or len(reference) > 64:
        raise InvalidState(_l("Enter the transfer reference (at most 64 characters)."), field="reference")
    if int(amount) <= 0:
        raise InvalidState(_l("The amount must be more than zero."), field="amount")
    taken = db.session.scalar(select(Payment.id).where(Payment.scope == scope, Payment.transfer_reference == reference))
    if taken is not None:
        raise Conflict(_l("This transfer reference has already been recorded for another payment."),
                       field="reference")
    payment = Payment(purpose=purpose[:32], scope=scope[:32], description=description[:200], payer_id=payer.id,
                      method=PaymentMethod.BANK_TRANSFER, status=PaymentStatus.PENDING, amount=int(amount),
                      currency="IDR", amount_refunded=0, transfer_reference=reference, recorded_by_id=actor.id)
    db.session.add(payment)
    db.session.flush()
    ledger.record(payment, PaymentStatus.PENDING, source="staff", actor=actor, note=f"bank transfer {reference}")
    ledger.move(payment, PaymentStatus.SUCCEEDED, source="staff", actor=actor, note=f"bank transfer {reference}")
    audit.record(actor, TRANSFER_RECORDED, payment, after=audit.snapshot(
        payment, "purpose", "scope", "method", "status", "amount", "currency", "transfer_reference", "payer_id"))
    return payment


def cancel_pending(payment: Payment, *, source: str) -> None:
    """Best effort: cancel a pending card payment's intent at Stripe. If Stripe says it can no longer be cancelled
    (it succeeded meanwhile), its actual state is applied: a late payment reaches the other domains as
    `payment_succeeded`. Raises PaymentUnavailable when Stripe cannot be reached (the caller retries later)."""
    payment = relock(payment)
    if payment.status != PaymentStatus.PENDING or payment.method != PaymentMethod.CARD:
        return
    if not payment.stripe_intent_id:
        ledger.move(payment, PaymentStatus.CANCELED, source=source, note="no intent at Stripe")
        return
    try:
        intent = gateway.cancel_intent(payment.stripe_intent_id, idempotency_key=f"cancel-{payment.id}")
    except StripeRefused:
        intent = gateway.retrieve_intent(payment.stripe_intent_id)
    apply_intent(intent, source=source)


def ledger_status(value: str) -> PaymentStatus | None:
    """The ledger's status filter as read from the query string; anything else means every status."""
    return PaymentStatus(value) if value in {s.value for s in PaymentStatus} else None


def in_ledger(query: Select, status: PaymentStatus | None) -> Select:
    """`query` (over payments) narrowed to `status` and in the ledger's order, flagged first, newest next: the
    ledger page and its export."""
    if status is not None:
        query = query.where(Payment.status == status)
    return query.order_by(case((Payment.flagged.is_(None), 1), else_=0), Payment.id.desc())
