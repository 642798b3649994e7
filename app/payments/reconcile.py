"""`flask payments reconcile`: read back from Stripe the pending card payments whose webhook never came, and send
again the refunds left pending. Several runners may run at once (cron on two hosts): they share the rows and each
payment is read back by one of them (`app.core.jobs`).

- Payments: a runner claims a small batch (`FOR UPDATE SKIP LOCKED` on PostgreSQL) and leases it in
  `Payment.reconcile_after`, commits, then asks Stripe about each intent outside any transaction and applies the answer
  through the webhook's own function (`services.apply_intent`, under the payment's lock), one commit per payment. A
  runner that dies after its claim leaves the lease to run out (RECONCILE_LEASE): the next run reads them back.
  Stripe unreachable: the lease is dropped so that the next run asks again at once.
- Refunds: `refunds.retry_refund` calls Stripe under the payment's lock with the refund's own idempotency key; a
  runner takes one payment with pending refunds at a time, skipping those another runner (or a request) holds.
"""

import logging
from collections.abc import Collection
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select

from app.core.clock import now_utc
from app.core.errors import DomainError
from app.core.jobs import claim_batch
from app.core.locking import write_transactions
from app.extensions import db
from app.payments import gateway, refunds, services
from app.payments.models import Payment, PaymentMethod, PaymentStatus, Refund, RefundStatus

log = logging.getLogger(__name__)

RECONCILE_LEASE = timedelta(minutes=10)  # longer than a batch can take; and no second read-back within it


def claim_pending_card_payments(older_than_minutes: float, size: int, *,
                                exclude: Collection[int] = ()) -> list[tuple[int, str]]:
    """(payment id, intent id) of up to `size` pending card payments created at least `older_than_minutes` ago and
    not leased, each leased for RECONCILE_LEASE. The caller commits the claim before asking Stripe."""
    now = now_utc()
    query = (select(Payment).where(
        Payment.method == PaymentMethod.CARD, Payment.status == PaymentStatus.PENDING,
        Payment.stripe_intent_id.is_not(None), Payment.created_at <= now - timedelta(minutes=older_than_minutes),
        or_(Payment.reconcile_after.is_(None), Payment.reconcile_after <= now))
        .order_by(Payment.id).execution_options(populate_existing=True))
    if exclude:  # read back in this run already (Stripe could not be reached): next run
        query = query.where(Payment.id.not_in(list(exclude)))
    claimed = []
    for payment in claim_batch(query, size):
        payment.reconcile_after = now + RECONCILE_LEASE
        claimed.append((payment.id, payment.stripe_intent_id))
    return claimed


def _release(payment_id: int) -> None:
    """Stripe could not be read: the next run asks again at once rather than after the lease."""
    payment = db.session.get(Payment, payment_id)
    if payment is not None:
        payment.reconcile_after = None


def _payment_with_pending_refunds(exclude: Collection[int]) -> int | None:
    """A card payment with a refund left pending, locked (the payment first: the refunds' own lock order), skipping
    those another runner or a request holds."""
    query = (select(Payment).where(Payment.method == PaymentMethod.CARD, Payment.id.in_(
        select(Refund.payment_id).where(Refund.status == RefundStatus.PENDING))).order_by(Payment.id))
    if exclude:
        query = query.where(Payment.id.not_in(list(exclude)))
    found = claim_batch(query, 1)
    return found[0].id if found else None


def _read_back_payments(older_than_minutes: float, size: int, counts: dict[str, int]) -> None:
    seen: set[int] = set()
    while batch := claim_pending_card_payments(older_than_minutes, size, exclude=seen):
        db.session.commit()  # the claim, before any call to Stripe
        for payment_id, intent_id in batch:
            seen.add(payment_id)
            counts["checked"] += 1
            try:
                intent = gateway.retrieve_intent(intent_id)
                payment = services.apply_intent(intent, source="reconcile")
                changed = payment is not None and payment.status != PaymentStatus.PENDING
                db.session.commit()
                counts["changed"] += int(changed)
            except DomainError as error:
                db.session.rollback()
                _release(payment_id)
                db.session.commit()
                counts["failed"] += 1
                log.warning("reconcile: payment %s (%s): %s", payment_id, intent_id, error.message)
    db.session.commit()


def _send_pending_refunds(counts: dict[str, int]) -> None:
    seen: set[int] = set()
    while (payment_id := _payment_with_pending_refunds(seen)) is not None:
        seen.add(payment_id)
        waiting = list(db.session.scalars(select(Refund.id).where(
            Refund.payment_id == payment_id, Refund.status == RefundStatus.PENDING).order_by(Refund.id)))
        for refund_id in waiting:
            try:
                with db.session.begin_nested():  # one refund's failure keeps the others of the payment
                    row = refunds.retry_refund(refund_id, source="reconcile")
                counts["refunds"] += int(row is not None and row.status != RefundStatus.PENDING)
            except DomainError as error:
                counts["failed"] += 1
                log.warning("reconcile: refund %s: %s", refund_id, error.message)
        db.session.commit()
    db.session.commit()


def reconcile(older_than_minutes: float) -> dict[str, int]:
    """Apply Stripe's state of pending card payments older than `older_than_minutes`; send again the refunds left
    pending. Returns counts: checked, changed, failed, refunds (finished)."""
    counts = {"checked": 0, "changed": 0, "failed": 0, "refunds": 0}
    size = int(current_app.config.get("JOB_BATCH_SIZE", 20))
    with write_transactions():
        _read_back_payments(older_than_minutes, size, counts)
        _send_pending_refunds(counts)
    return counts
