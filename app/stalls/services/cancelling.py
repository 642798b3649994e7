"""Cancelling a booking: the stall is released and what the policy gives back is refunded, once.

Used by the applicant ("Cancel my booking"), by staff (with a percentage of their choosing) and by the withdrawal of
the application (`reactions`, reason WITHDRAWN). Locks in the order of every booking change (`holds`): the booking's
payments (id order) → the application → the stall, then the booking row itself. A repeated request (a double-click,
a second tab) waits for the first, finds the booking released and raises `AlreadyDone`: one release, one refund per
payment. Each refund also carries the idempotency key `refund-cancel-<booking>-<payment>`, so a retry after a
failure between Stripe's answer and our commit gets Stripe's first refund back, not a second one.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.audit import services as audit
from app.core.clock import now_utc
from app.core.errors import AlreadyDone, InvalidState, NotAllowed
from app.core.locking import lock, lock_all
from app.core.mail import queue_mail
from app.core.permissions import Role
from app.extensions import db
from app.festival.models import Application, Edition
from app.payments.models import Payment, PaymentMethod, PaymentStatus, RefundReason
from app.stalls.models import LIVE, Booking, BookingPayment, BookingStatus, Stall
from app.stalls.services import holds, policy
from app.stalls.services.paying import payments_of

# Payments that hold money a cancellation can give back.
REFUNDABLE = (PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED)


def _payments():
    """The payments services (imported when first used, as `paying` does)."""
    from app.payments import services

    return services


@dataclass(frozen=True)
class Quote:
    """What a cancellation gives back: `percent` of what was paid, per payment, rounded down."""

    percent: int
    paid: int  # what is still held of the booking's payments (paid less earlier refunds)
    amount: int  # what comes back
    full_until: date | None = None  # the last day with a full refund (policy), None when staff chose the percent
    partial_until: date | None = None


def _held(payment: Payment) -> int:
    return payment.refundable if payment.status in REFUNDABLE else 0


def policy_percent(booking: Booking, moment: datetime | None = None) -> int:
    """The edition's policy for a cancellation at `moment` (default now), in percent of what was paid."""
    edition = db.session.get(Edition, booking.edition_id)
    return policy.refund_percent(holds.settings_of(booking.edition_id), edition.starts_on, moment or now_utc())


def quote(booking: Booking, percent: int | None = None, moment: datetime | None = None) -> Quote:
    """What cancelling `booking` now would give back (the policy's percent unless staff choose one)."""
    edition = db.session.get(Edition, booking.edition_id)
    rules = holds.settings_of(booking.edition_id)
    chosen = percent if percent is not None else policy_percent(booking, moment)
    held = [_held(p) for p in payments_of(booking)]
    amount = sum(min(policy.refund_amount(h, chosen), h) for h in held)
    return Quote(percent=chosen, paid=sum(held), amount=amount,
                 full_until=_last_day(edition.starts_on, rules.full_refund_days),
                 partial_until=_last_day(edition.starts_on, rules.partial_refund_days))


def _last_day(starts_on: date, days_before: int) -> date:
    """The last Denpasar day on which a tier of `policy.refund_percent` (at least `days_before` days left) holds."""
    return starts_on - timedelta(days=days_before)


def may_cancel(user: User, booking: Booking) -> bool:
    """The booking's own applicant (staff cancel from the desk)."""
    return booking.holder_id == user.id


def _check_actor(actor: User | None, booking: Booking, percent: int | None) -> None:
    staff = actor is not None and actor.has_role(Role.STAFF)
    if percent is not None and not staff:
        raise NotAllowed(_l("Only the programme team can choose how much is refunded."))
    if percent is not None and not 0 <= percent <= 100:
        raise InvalidState(_l("Enter a percentage from 0 to 100."))
    if actor is not None and not staff and not may_cancel(actor, booking):
        application = db.session.get(Application, booking.application_id)
        if application is None or application.applicant_id != actor.id:
            raise NotAllowed(_l("You can only cancel your own booking."))


def lock_booking(booking: Booking) -> tuple[list[Payment], Booking]:
    """Lock what a change of `booking` touches, in the order every booking change uses: its payments (id order),
    its application, its stall, the booking row; return the payments and the booking as read under the locks."""
    payment_ids = list(db.session.scalars(
        select(BookingPayment.payment_id).where(BookingPayment.booking_id == booking.id)))
    payments = lock_all(Payment, payment_ids)
    for payment in payments:
        db.session.expire(payment, ["refunds"])  # `refundable` counts the refunds as they are now
    lock(Application, booking.application_id)
    lock(Stall, booking.stall_id)
    return payments, lock(Booking, booking.id)


CANCELLED = audit.register_action("stalls.booking.cancelled", _l("Stall booking cancelled by staff"))

REASON_NOTES = {
    RefundReason.CANCELLED_BY_APPLICANT: "cancelled by the applicant",
    RefundReason.CANCELLED_BY_STAFF: "cancelled by staff",
    RefundReason.WITHDRAWN: "application withdrawn",
}


def cancel_booking(actor: User | None, booking: Booking, reason: RefundReason, *, percent: int | None = None) -> int:
    """Release the live `booking` and refund `percent` (staff's choice, else the edition's policy) of each payment
    that paid for it; mail the applicant. Returns the amount refunded (whole rupiah). `actor` None: the system."""
    _check_actor(actor, booking, percent)
    payments, booking = lock_booking(booking)
    moment = now_utc()
    holds._expire_stale(moment, stall_ids=[booking.stall_id], application_id=booking.application_id)
    if booking.status not in LIVE:
        raise AlreadyDone(_l("This booking has already ended."))
    chosen = percent if percent is not None else policy_percent(booking, moment)
    was = booking.status
    before = audit.snapshot(booking, "status", "release_reason")
    holds.release(booking, actor, f"{REASON_NOTES.get(reason, reason.value)} ({chosen}%)", moment=moment)
    booking.release_reason = reason.value[:32]
    refunded = 0
    for payment in payments:
        if payment.status not in REFUNDABLE or payment.method not in (PaymentMethod.CARD,
                                                                      PaymentMethod.BANK_TRANSFER):
            continue
        amount = min(policy.refund_amount(payment.refundable, chosen), payment.refundable)
        if amount <= 0:
            continue
        _payments().refund(actor, payment, amount, reason, key=f"refund-cancel-{booking.id}-{payment.id}")
        refunded += amount
    _tell_applicant(booking, was, chosen, refunded, reason)
    db.session.flush()
    if actor is not None and actor.has_role(Role.STAFF):  # the applicant's own cancellation is not a staff action
        audit.record(actor, CANCELLED, booking, before=before, after={
            **audit.snapshot(booking, "status", "release_reason"), "refund_percent": chosen, "refunded": refunded})
    return refunded


def _tell_applicant(booking: Booking, was: BookingStatus, percent: int, refunded: int, reason: RefundReason) -> None:
    applicant = db.session.get(User, booking.holder_id)
    application = db.session.get(Application, booking.application_id)
    queue_mail(applicant.email, "stalls/cancel/mail/cancelled", applicant.locale, applicant=applicant,
               booking=booking, stall=booking.stall, application=application,
               edition=db.session.get(Edition, booking.edition_id), was_confirmed=was == BookingStatus.CONFIRMED,
               percent=percent, refunded=refunded, reason=reason)
