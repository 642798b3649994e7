"""Paying for a held stall by card: one payment (one PaymentIntent) per attempt, reused on a double-click or a retry.

`start_payment` locks the application (the first lock of every booking change, see `holds`) and then the booking, so
two "pay" requests of one applicant take turns: the second finds the first one's pending payment and reuses it. The
payment and its link to the booking are written in the same transaction; when Stripe cannot be reached,
`create_card_payment` raises `PaymentUnavailable` and the route rolls back: nothing is written and the hold stays.

Payments know nothing of stalls: the booking learns that it was paid from the `payment_succeeded` signal
(`reactions`), which the webhook, `flask payments reconcile` and `cancel_pending` all send.
"""

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.core.clock import now_utc
from app.core.errors import AlreadyDone, InvalidState, NotAllowed
from app.core.locking import lock
from app.extensions import db
from app.festival.models import Application
from app.payments.models import Payment, PaymentMethod, PaymentStatus
from app.stalls.models import Booking, BookingPayment, BookingStatus
from app.stalls.services.holds import live_booking_of, may_book

log = logging.getLogger(__name__)


def _payments():
    """The payments services (imported when first used: payments may be installed after stalls is imported)."""
    from app.payments import services

    return services

PURPOSE = "stall_booking"


def scope_of(edition_id: int) -> str:
    return f"edition:{edition_id}"


def payments_of(booking: Booking) -> list[Payment]:
    """The booking's payments, oldest first."""
    return list(db.session.scalars(
        select(Payment).join(BookingPayment, BookingPayment.payment_id == Payment.id)
        .where(BookingPayment.booking_id == booking.id).order_by(Payment.id)))


def booking_of_payment(payment: Payment) -> Booking | None:
    return db.session.scalar(
        select(Booking).join(BookingPayment, BookingPayment.booking_id == Booking.id)
        .where(BookingPayment.payment_id == payment.id))


def start_payment(actor: User, application_id: int) -> Payment:
    """The card payment the applicant's held booking is paid with: the pending one the browser can still confirm,
    or a new one. A payment refused at once (a declined test card) comes back FAILED with `failure_message`; the
    caller commits it (it is part of the record) and shows the message; the hold stays until it expires."""
    application = lock(Application, application_id)
    if application is None or not may_book(actor, application):
        raise NotAllowed(_l("Only an accepted stall applicant can book a stall, for their own application."))
    moment = now_utc()
    found = live_booking_of(application.id, moment)
    if found is None:
        raise InvalidState(_l("Your hold on this stall has ended. Please choose a stall again."))
    booking = lock(Booking, found.id)
    if booking.status == BookingStatus.CONFIRMED:
        raise AlreadyDone(_l("Your stall is already paid and confirmed."))
    if not booking.is_live(moment):
        raise InvalidState(_l("Your hold on this stall has ended. Please choose a stall again."))
    for payment in reversed(payments_of(booking)):
        if payment.status == PaymentStatus.PENDING and _payments().is_reusable(payment):
            return payment
    stall = booking.stall
    edition = application.call.edition
    payment = _payments().create_card_payment(
        actor, payer=actor, purpose=PURPOSE, scope=scope_of(booking.edition_id), amount=booking.fee,
        description=f"{edition.name}: stall {stall.code}")
    db.session.add(BookingPayment(booking_id=booking.id, payment_id=payment.id))
    db.session.flush()
    if payment.status == PaymentStatus.SUCCEEDED:  # confirmed at creation (a test card): the signal came too early
        from app.stalls.services.reactions import settle

        settle(payment, booking)
    return payment


def payment_to_confirm(actor: User, application: Application, payment_id: int) -> tuple[Booking, Payment] | None:
    """The pending card payment `payment_id` of the applicant's live booking, for the pay page (None: nothing to
    confirm any more: paid, failed, expired or not theirs)."""
    booking = live_booking_of(application.id)
    if booking is None or booking.status != BookingStatus.HELD or application.applicant_id != actor.id:
        return None
    for payment in payments_of(booking):
        if (payment.id == payment_id and payment.method == PaymentMethod.CARD
                and payment.status == PaymentStatus.PENDING and payment.stripe_client_secret):
            return booking, payment
    return None


def stale_pending_payments(application_id: int | None = None) -> list[int]:
    """Pending card payments of bookings that are no longer held (expired, released; of one application, or all):
    their intents should be cancelled."""
    query = (select(Payment.id).join(BookingPayment, BookingPayment.payment_id == Payment.id)
             .join(Booking, Booking.id == BookingPayment.booking_id)
             .where(Payment.status == PaymentStatus.PENDING, Payment.method == PaymentMethod.CARD,
                    Booking.status.in_([BookingStatus.EXPIRED, BookingStatus.RELEASED]))
             .order_by(Payment.id))
    if application_id is not None:
        query = query.where(Booking.application_id == application_id)
    return list(db.session.scalars(query))


def cancel_stale_payments(payment_ids: list[int] | None = None) -> tuple[int, int]:
    """Best effort, one transaction per payment: cancel the intents of bookings no longer held. A cancel that finds
    the intent already succeeded is applied by payments and comes back through `reactions` (the late-payment path).
    Returns (done, failed); a failure is logged and retried by the next run."""
    done = failed = 0
    for payment_id in stale_pending_payments() if payment_ids is None else payment_ids:
        try:
            payment = db.session.get(Payment, payment_id)
            if payment is not None and payment.status == PaymentStatus.PENDING:
                _payments().cancel_pending(payment, source="system")
            db.session.commit()
            done += 1
        except Exception:  # noqa: BLE001 (best effort: Stripe may be down; the next run tries again)
            db.session.rollback()
            log.warning("could not cancel pending payment %s", payment_id, exc_info=True)
            failed += 1
    return done, failed
