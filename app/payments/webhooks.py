"""Stripe's webhook events, verified by the route, applied here in the request's one transaction.

Every event that changes something is recorded in `payments_stripe_event` with its effect (same transaction, its id
the primary key), after the payment row is locked: a replay, sequential or parallel, finds it and changes nothing.
Events we cannot place yet are answered 503 so that Stripe sends them again: a `charge.refunded` for a payment not
known (or not yet known as paid) here, and a PaymentIntent event whose metadata names one of our payments that is
not there (its creating request may not have committed yet). Other event types are acknowledged and ignored.
"""

import logging
from collections.abc import Mapping
from typing import Any

from app.core.locking import lock
from app.payments import ledger, services
from app.payments.models import Payment
from app.payments.refunds import NotPaidYet, apply_charge_refunds

log = logging.getLogger(__name__)

INTENT_EVENTS = frozenset({"payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.canceled"})
HANDLED = INTENT_EVENTS | {"charge.refunded"}


class TryLater(Exception):
    """The event cannot be applied yet: answer 5xx so that Stripe retries it."""


def handle(event: Mapping[str, Any]) -> str:
    """Apply one verified event; returns what happened (for the log and the response)."""
    event_id, kind = str(event.get("id") or ""), str(event.get("type") or "")
    obj = (event.get("data") or {}).get("object") or {}
    if kind not in HANDLED or not event_id:
        return "ignored"
    if ledger.seen(event_id):  # the common replay, answered without a lock; the locked check below is the rule
        return "replay"
    if kind in INTENT_EVENTS:
        payment = services.apply_intent(obj, source="stripe", stripe_event_id=event_id, event_type=kind)
        if payment is None:
            if (obj.get("metadata") or {}).get("payment_id"):
                raise TryLater(f"{kind} {event_id}: intent {obj.get('id')} names a payment not recorded here")
            return "not ours"
        return "applied"
    return _charge_refunded(event_id, kind, obj)


def _charge_refunded(event_id: str, kind: str, charge: Mapping[str, Any]) -> str:
    payment_id = services.payment_of_intent(charge.get("payment_intent"))
    if payment_id is None:
        raise TryLater(f"{kind} {event_id}: charge {charge.get('id')} of an unknown payment")
    payment = lock(Payment, payment_id)
    if ledger.seen(event_id):
        return "replay"
    try:
        apply_charge_refunds(payment, charge, stripe_event_id=event_id)
    except NotPaidYet as error:
        raise TryLater(f"{kind} {event_id}: {error}") from error
    ledger.remember(event_id, kind, payment)
    return "applied"
