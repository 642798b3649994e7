"""The ledger's one way to change a payment: a move allowed by PAYMENT_TRANSITIONS, recorded as a PaymentEvent with
who or what made it, and the signal other domains react to. Callers hold the payment row's lock.

Sources: "stripe" (a webhook event, with its id), "reconcile" (read back from Stripe by `flask payments reconcile`),
"payer" / "staff" (a person, with their id), "system" (the portal on its own: an expired hold's intent cancelled).
"""

import logging
from typing import Any

from sqlalchemy import func, select

from app.accounts.models import User
from app.core import events
from app.core.clock import now_utc
from app.core.mail import queue_mail
from app.core.permissions import Role
from app.extensions import db
from app.payments.models import (
    PAYMENT_TRANSITIONS,
    Payment,
    PaymentEvent,
    PaymentStatus,
    Refund,
    RefundStatus,
    StripeEvent,
)

log = logging.getLogger(__name__)

SIGNALS = {
    PaymentStatus.SUCCEEDED: events.payment_succeeded,
    PaymentStatus.FAILED: events.payment_failed,
    PaymentStatus.CANCELED: events.payment_failed,
    PaymentStatus.PARTIALLY_REFUNDED: events.payment_refunded,
    PaymentStatus.REFUNDED: events.payment_refunded,
}


def record(payment: Payment, to: PaymentStatus, *, source: str, actor: User | None = None,
           stripe_event_id: str | None = None, note: str = "", refund: Refund | None = None,
           previous: PaymentStatus | None = None) -> PaymentEvent:
    """Add one history row of `payment` (its status now `to`)."""
    entry = PaymentEvent(payment_id=payment.id, refund_id=refund.id if refund else None, from_status=previous,
                         to_status=to, source=source, stripe_event_id=stripe_event_id,
                         actor_id=actor.id if actor is not None else None, note=note[:2000])
    db.session.add(entry)
    return entry


def move(payment: Payment, to: PaymentStatus, *, source: str, actor: User | None = None,
         stripe_event_id: str | None = None, note: str = "", refund: Refund | None = None,
         signal: bool = True) -> bool:
    """Move `payment` (locked) to `to` if the transition table allows it; record it and send its signal.

    False, with nothing changed, for any other move: a replayed or out-of-order event (failed after succeeded)."""
    previous = payment.status
    if to not in PAYMENT_TRANSITIONS[previous]:
        if to != previous:
            log.info("payment %s: %s → %s ignored (%s %s)", payment.id, previous.value, to.value, source,
                     stripe_event_id or "")
        return False
    payment.status = to
    if to == PaymentStatus.SUCCEEDED and payment.succeeded_at is None:
        payment.succeeded_at = now_utc()
    record(payment, to, source=source, actor=actor, stripe_event_id=stripe_event_id, note=note, refund=refund,
           previous=previous)
    db.session.flush()
    if signal:
        send(payment, to, previous=previous, source=source, actor=actor, refund=refund)
    return True


def send(payment: Payment, status: PaymentStatus, *, previous: PaymentStatus, source: str, actor: User | None,
         refund: Refund | None = None) -> None:
    extra: dict[str, Any] = {"refund": refund} if status in (PaymentStatus.PARTIALLY_REFUNDED,
                                                             PaymentStatus.REFUNDED) else {}
    SIGNALS[status].send(payment, previous=previous, source=source, actor=actor, **extra)


def flag(payment: Payment, problem: str, *, source: str, stripe_event_id: str | None = None,
         actor: User | None = None) -> bool:
    """Stripe reported something that does not fit `payment` (locked): mark it for staff, mail them, send
    `payment_flagged`. Nothing is confirmed. Once per payment (a replay or a second report mails nobody again)."""
    if payment.flagged:
        log.warning("payment %s (flagged already): %s", payment.id, problem)
        return False
    log.error("payment %s flagged: %s", payment.id, problem)
    payment.flagged = problem[:200]
    record(payment, payment.status, source=source, actor=actor, stripe_event_id=stripe_event_id,
           note=f"flagged: {problem}", previous=payment.status)
    db.session.flush()
    mail_staff(payment, problem)
    events.payment_flagged.send(payment, previous=payment.status, source=source, actor=actor)
    return True


def mail_staff(payment: Payment, problem: str) -> None:
    payer = db.session.get(User, payment.payer_id)
    staff = db.session.scalars(select(User).where(User.holding(Role.STAFF), User.active.is_(True)).order_by(User.id))
    for member in staff:
        queue_mail(member.email, "payments/mail/flagged", member.locale, person=member, payment=payment,
                   payer=payer, problem=problem)


def seen(event_id: str) -> bool:
    return db.session.get(StripeEvent, event_id) is not None


def remember(event_id: str, event_type: str, payment: Payment | None) -> None:
    """Record a Stripe event as handled, in the transaction of its effect (its id is the primary key: a replay that
    slips past `seen` fails on commit and is answered as the sequential case)."""
    db.session.add(StripeEvent(id=event_id, type=event_type[:64], payment_id=payment.id if payment else None))
    db.session.flush()


def refunds_total(payment_id: int, *statuses: RefundStatus) -> int:
    """Sum of the payment's refunds in `statuses`, read from the database (under the caller's lock)."""
    return int(db.session.scalar(select(func.coalesce(func.sum(Refund.amount), 0))
                                 .where(Refund.payment_id == payment_id, Refund.status.in_(statuses))) or 0)
