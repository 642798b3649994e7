"""Refunds: bounded under the payment row's lock, the row written before Stripe is called, one key per refund.

- `refund`: locks the payment, refuses more than what is left (paid less refunds succeeded or under way), inserts the
  Refund, then calls Stripe's Refund API with `Idempotency-Key: refund-<id>` (or the caller's key, such as
  `refund-late-<payment id>`: a second call with that key returns the first refund). Stripe unreachable: the refund
  stays pending (it still counts against the bound) and `flask payments reconcile` sends it again with the same key.
  Stripe refusing it for good: the refund is failed and the payment flagged for staff.
- `apply_charge_refunds`: what `charge.refunded` reports. Our pending refunds it lists are completed; refunds made
  elsewhere (the Stripe Dashboard) become EXTERNAL rows, so the ledger always says what Stripe gave back.
"""

import logging
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.audit import services as audit
from app.core.errors import DomainError, InvalidState
from app.core.i18n import money
from app.core.locking import lock, relock
from app.extensions import db
from app.payments import gateway, ledger
from app.payments.gateway import PaymentUnavailable, StripeRefused
from app.payments.models import Payment, PaymentMethod, PaymentStatus, Refund, RefundReason, RefundStatus

log = logging.getLogger(__name__)

PAID = (PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED)
COUNTED = (RefundStatus.PENDING, RefundStatus.SUCCEEDED)
REFUNDED = audit.register_action("payments.payment.refunded", _l("Refund issued"))


class RefundTooLarge(DomainError):
    pass


class NotPaidYet(Exception):
    """Stripe reports a refund of a payment this ledger does not know as paid (yet): the event is retried later."""


def _source(actor: User | None, payment: Payment) -> str:
    if actor is None:
        return "system"
    return "payer" if actor.id == payment.payer_id else "staff"


def refundable(payment: Payment) -> int:
    """What can still be refunded, read under the caller's lock from the refund rows themselves."""
    return payment.amount - ledger.refunds_total(payment.id, *COUNTED)


def refund(actor: User | None, payment: Payment, amount: int, reason: RefundReason, *,
           key: str | None = None) -> Refund:
    """Refund `amount` whole units of `payment` (see the module's docstring). Returns the Refund: SUCCEEDED, or
    PENDING / FAILED with `failure_message`. Raises RefundTooLarge / InvalidState before anything is written."""
    payment = relock(payment)
    if key:
        existing = db.session.scalar(select(Refund).where(Refund.idempotency_key == key))
        if existing is not None:
            if existing.payment_id != payment.id:
                raise InvalidState(_l("This refund key belongs to another payment."))
            return existing
    if payment.status not in (*PAID, PaymentStatus.REFUNDED):  # refunded: the bound below says "at most Rp 0"
        raise InvalidState(_l("Only a paid payment can be refunded."), field="amount")
    amount = int(amount)
    if amount <= 0:
        raise InvalidState(_l("The amount must be more than zero."), field="amount")
    left = refundable(payment)
    if amount > left:
        raise RefundTooLarge(_l("At most %(amount)s of this payment can still be refunded.", amount=money(left)),
                             field="amount")
    before = audit.snapshot(payment, "status", "amount_refunded")
    row = Refund(payment_id=payment.id, amount=amount, reason=reason, status=RefundStatus.PENDING,
                 actor_id=actor.id if actor is not None else None, idempotency_key=key)
    db.session.add(row)
    db.session.flush()
    if not key:
        row.idempotency_key = f"refund-{row.id}"
    db.session.expire(payment, ["refunds"])  # `payment.refundable` counts the new row
    source = _source(actor, payment)
    if payment.method == PaymentMethod.BANK_TRANSFER:
        _complete(payment, row, source=source, actor=actor, note="to be paid back by bank transfer")
    else:
        _send(payment, row, source=source, actor=actor)
    if source == "staff":  # the payer's own cancellation and the portal's refunds are not staff actions
        audit.record(actor, REFUNDED, payment, before=before, after={
            **audit.snapshot(payment, "status", "amount_refunded"), "refund_id": row.id,
            "refund_amount": row.amount, "refund_reason": audit.snapshot(row, "reason")["reason"],
            "refund_status": audit.snapshot(row, "status")["status"]})
    return row


def _send(payment: Payment, row: Refund, *, source: str, actor: User | None, retrying: bool = False) -> None:
    """Ask Stripe for the refund `row` (its key makes a resend harmless) and apply the answer. Stripe unreachable:
    the refund stays pending (`retrying`: PaymentUnavailable is raised, for the next run to try again)."""
    try:
        result = gateway.refund(intent_id=payment.stripe_intent_id or "", idempotency_key=row.idempotency_key or "",
                                amount=gateway.to_stripe_amount(row.amount, payment.currency, minimum=False),
                                metadata={"payment_id": str(payment.id), "refund_id": str(row.id)})
    except PaymentUnavailable:
        if retrying:
            raise
        row.failure_message = _l("The refund could not be sent to the card company yet. It will be sent again "
                                 "automatically.")
        ledger.record(payment, payment.status, source=source, actor=actor, refund=row, previous=payment.status,
                      note=f"refund {row.id}: Stripe unreachable, kept pending")
        return
    except StripeRefused as refused:
        _fail(payment, row, f"refund {row.id} refused by Stripe ({refused.code or refused.status})", source, actor)
        return
    row.stripe_refund_id = result.get("id")
    _apply_refund_status(payment, row, result.get("status"), source=source, actor=actor)


def _apply_refund_status(payment: Payment, row: Refund, status: str | None, *, source: str, actor: User | None,
                         stripe_event_id: str | None = None) -> None:
    if status == "succeeded":
        _complete(payment, row, source=source, actor=actor, stripe_event_id=stripe_event_id)
    elif status in ("failed", "canceled"):
        _fail(payment, row, f"refund {row.id} {status} at Stripe", source, actor)
    else:  # pending, requires_action: Stripe finishes it later (charge.refunded, or reconcile reads it back)
        db.session.flush()


def _fail(payment: Payment, row: Refund, problem: str, source: str, actor: User | None) -> None:
    row.status = RefundStatus.FAILED
    row.failure_message = _l("The card company refused this refund. The programme team has been told.")
    db.session.flush()
    ledger.flag(payment, problem, source=source, actor=actor)


def _complete(payment: Payment, row: Refund, *, source: str, actor: User | None = None,
              stripe_event_id: str | None = None, note: str = "") -> None:
    row.status = RefundStatus.SUCCEEDED
    payment.amount_refunded += row.amount
    target = PaymentStatus.REFUNDED if payment.amount_refunded >= payment.amount else PaymentStatus.PARTIALLY_REFUNDED
    ledger.move(payment, target, source=source, actor=actor, stripe_event_id=stripe_event_id, refund=row,
                note=note or f"refund {row.id}: {row.amount} {payment.currency} ({row.reason.value})")


def retry_refund(refund_id: int, *, source: str = "reconcile") -> Refund | None:
    """A refund left pending (Stripe unreachable, or pending at Stripe): read it back, or send it again with its
    own key. Raises PaymentUnavailable when Stripe still cannot be reached."""
    row = db.session.get(Refund, refund_id)
    if row is None:
        return None
    payment = lock(Payment, row.payment_id)
    db.session.refresh(row)
    if row.status != RefundStatus.PENDING or payment.method != PaymentMethod.CARD:
        return row
    if row.stripe_refund_id:
        result = gateway.retrieve_refund(row.stripe_refund_id)
        _apply_refund_status(payment, row, result.get("status"), source=source, actor=None)
    else:
        _send(payment, row, source=source, actor=None, retrying=True)
    return row


def pending_refunds() -> list[int]:
    return list(db.session.scalars(select(Refund.id).where(Refund.status == RefundStatus.PENDING)
                                   .order_by(Refund.id)))


def _whole(minor: Any, currency: str) -> int:
    return int(gateway.from_stripe_amount(int(minor or 0), currency))  # a fraction of a rupiah is dropped


def apply_charge_refunds(payment: Payment, charge: Mapping[str, Any], *, stripe_event_id: str | None) -> list[Refund]:
    """Apply a `charge.refunded` report to `payment` (locked). Returns the refunds completed or added."""
    if payment.status not in (*PAID, PaymentStatus.REFUNDED):
        raise NotPaidYet(f"payment {payment.id} is {payment.status.value}")
    if str(charge.get("currency") or "").upper() != payment.currency:
        ledger.flag(payment, f"refund in {charge.get('currency')!r} at Stripe", source="stripe",
                    stripe_event_id=stripe_event_id)
        return []
    done: list[Refund] = []
    listed = (charge.get("refunds") or {}).get("data") or []
    for item in sorted(listed, key=lambda r: (r.get("created") or 0, r.get("id") or "")):
        if item.get("status") != "succeeded" or not item.get("id"):
            continue
        ours = _our_refund(payment, item)
        if ours is not None:
            if ours.status == RefundStatus.PENDING:
                ours.stripe_refund_id = item["id"]
                _complete(payment, ours, source="stripe", stripe_event_id=stripe_event_id)
                done.append(ours)
            continue
        added = _external(payment, _whole(item.get("amount"), payment.currency), item["id"], stripe_event_id)
        done.extend([added] if added else [])
    told = _whole(charge.get("amount_refunded"), payment.currency)
    known = ledger.refunds_total(payment.id, *COUNTED)
    if told > known:  # refunds Stripe did not list (newer API versions do not embed them): the difference
        added = _external(payment, told - known, None, stripe_event_id)
        done.extend([added] if added else [])
    return done


def _our_refund(payment: Payment, item: Mapping[str, Any]) -> Refund | None:
    found = db.session.scalar(select(Refund).where(Refund.stripe_refund_id == item["id"]))
    if found is not None:
        return found
    meta = str((item.get("metadata") or {}).get("refund_id") or "")
    if meta.isdigit():
        row = db.session.get(Refund, int(meta))
        if row is not None and row.payment_id == payment.id and row.stripe_refund_id is None:
            return row
    return None


def _external(payment: Payment, amount: int, stripe_refund_id: str | None,
              stripe_event_id: str | None) -> Refund | None:
    if amount <= 0:
        return None
    if amount > refundable(payment):
        ledger.flag(payment, f"Stripe refunded {amount} {payment.currency}, more than is left here",
                    source="stripe", stripe_event_id=stripe_event_id)
        return None
    row = Refund(payment_id=payment.id, amount=amount, reason=RefundReason.EXTERNAL, status=RefundStatus.PENDING,
                 stripe_refund_id=stripe_refund_id)
    db.session.add(row)
    db.session.flush()
    _complete(payment, row, source="stripe", stripe_event_id=stripe_event_id,
              note=f"refund {row.id}: {amount} {payment.currency} made outside the portal")
    return row
