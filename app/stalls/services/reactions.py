"""How stalls react to the festival (a withdrawal releases the booking) and to payments (paid → confirmed).

Connected when this module is imported (the stalls blueprint imports it). Receivers run inside the sender's
transaction and under its locks: a payment signal comes with the payment row locked (payments lock it first), so the
locks taken here follow the one order of `holds`: payment → application → stall.

- `payment_succeeded` for a stall booking: the booking is confirmed if it is still the stall's (or the stall is still
  free after its hold expired); otherwise every rupiah goes back at once (`refund-late-<payment id>`, so a retried
  webhook never refunds twice) and both the payer and the programme team are told. A second payment for a booking
  that is already paid (two tabs, a waived fee) is given back the same way, never kept silently.
  A signal is sent once per transition of the payment (a replayed webhook changes nothing and sends nothing), so the
  "confirmed" mail goes once.
- `application_status_changed` accepted → withdrawn: the application's live booking is cancelled through the
  desk's `cancel_booking`, which releases the stall and refunds per the edition's policy.
"""

import logging

from sqlalchemy import select

from app.accounts.models import User
from app.core.clock import now_utc
from app.core.events import application_status_changed, payment_succeeded
from app.core.locking import lock
from app.core.mail import queue_mail
from app.core.permissions import Role
from app.extensions import db
from app.festival.models import Application
from app.festival.models.application import ApplicationStatus
from app.payments.models import Payment, PaymentStatus, RefundReason
from app.stalls.models import Booking, BookingPayment, BookingStatus, Stall
from app.stalls.services import holds

log = logging.getLogger(__name__)

PURPOSE = "stall_booking"
PAID = (PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED)


def _booking_of(payment: Payment) -> Booking | None:
    return db.session.scalar(select(Booking).join(BookingPayment, BookingPayment.booking_id == Booking.id)
                             .where(BookingPayment.payment_id == payment.id))


def _paid_otherwise(booking: Booking, payment: Payment) -> bool:
    """Whether the booking is covered by something else than `payment`: a waiver or another payment."""
    if booking.fee_waived:
        return True
    other = db.session.scalar(
        select(Payment.id).join(BookingPayment, BookingPayment.payment_id == Payment.id)
        .where(BookingPayment.booking_id == booking.id, Payment.id != payment.id, Payment.status.in_(PAID)))
    return other is not None


def settle(payment: Payment, booking: Booking) -> bool:
    """`payment` succeeded for `booking`: confirm the booking (True) or give the money back (False)."""
    lock(Application, booking.application_id)
    lock(Stall, booking.stall_id)
    db.session.refresh(booking)
    if booking.status == BookingStatus.CONFIRMED:
        if not _paid_otherwise(booking, payment):
            return True  # this payment confirmed it already: nothing more to do, nothing to mail again
        _give_back(payment, booking, duplicate=True)
        return False
    if holds.claim_for_late_payment(booking, now_utc()):
        holder = db.session.get(User, booking.holder_id)
        queue_mail(holder.email, "stalls/mail/confirmed", holder.locale, booking=booking, stall=booking.stall,
                   payment=payment, person=holder, edition=_edition_of(booking))
        return True
    _give_back(payment, booking, duplicate=False)
    return False


def _give_back(payment: Payment, booking: Booking, *, duplicate: bool) -> None:
    from app.payments.services import refund

    if payment.refundable > 0:
        reason = RefundReason.DUPLICATE if duplicate else RefundReason.LATE_PAYMENT
        refund(None, payment, payment.refundable, reason, key=f"refund-late-{payment.id}")
    payer = db.session.get(User, payment.payer_id)
    context = dict(booking=booking, stall=booking.stall, payment=payment, duplicate=duplicate,
                   edition=_edition_of(booking))
    queue_mail(payer.email, "stalls/mail/late_refund", payer.locale, person=payer, **context)
    for member in db.session.scalars(select(User).where(User.holding(Role.STAFF), User.active.is_(True))
                                     .order_by(User.id)):
        queue_mail(member.email, "stalls/mail/late_refund_staff", member.locale, person=member, payer=payer,
                   **context)
    log.warning("stall booking %s: payment %s refunded (%s)", booking.id, payment.id,
                "booking already paid" if duplicate else "the stall was taken")


def _edition_of(booking: Booking):
    from app.festival.models import Edition

    return db.session.get(Edition, booking.edition_id)


def _on_payment_succeeded(payment: Payment, **extra: object) -> None:
    if payment.purpose != PURPOSE:
        return
    booking = _booking_of(payment)
    if booking is None:  # a bank transfer the desk records links and confirms its booking itself
        return
    settle(payment, booking)


def _on_application_status_changed(application: Application, previous: ApplicationStatus,
                                   current: ApplicationStatus, actor: User | None = None, **extra: object) -> None:
    """An application that is no longer accepted (withdrawn by the applicant, or a decision staff revised) gives its
    stall back, refunded by the cancellation policy."""
    if not (previous == ApplicationStatus.ACCEPTED and current != ApplicationStatus.ACCEPTED):
        return
    booking = holds.live_booking_of(application.id)
    if booking is None:
        return
    from app.stalls.services.cancelling import cancel_booking

    reason = RefundReason.WITHDRAWN if current == ApplicationStatus.WITHDRAWN else RefundReason.CANCELLED_BY_STAFF
    cancel_booking(actor, booking, reason)


payment_succeeded.connect(_on_payment_succeeded)
application_status_changed.connect(_on_application_status_changed)
