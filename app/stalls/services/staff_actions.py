"""What staff do to bookings: waive the fee, assign a stall, move a booking, mark it paid by bank transfer.

Every action takes the locks of every booking change, in the same order (`holds`): the booking's payments → the
application → the stall(s) (a move locks both stalls, in id order, so two opposite moves never wait on each other in
a circle) → the booking row. Each is recorded in the booking's history with the staff member who made it.

A move changes the stall of the same booking row rather than releasing it and creating a new one. The booking is the
application's right to a stall, with its fee and the payments that paid for it (`BookingPayment`, one booking per
payment): a new row would need those links re-pointed, and its history would say "released" and "confirmed" for
what never happened to the applicant. The partial unique indexes hold as they are: the row stays the application's
one live booking, and its new stall was checked free under the lock (the index refuses it otherwise).
"""

import logging
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.audit import services as audit
from app.core.clock import now_utc
from app.core.errors import AlreadyDone, Conflict, InvalidState, NotAllowed
from app.core.locking import lock
from app.core.mail import queue_mail
from app.core.permissions import require_staff
from app.extensions import db
from app.festival.models import Application, Edition
from app.festival.models.application import ApplicationStatus
from app.festival.vocab import CallKind
from app.payments.models import Payment, PaymentMethod, PaymentStatus
from app.stalls.models import LIVE, Booking, BookingPayment, BookingStatus, Stall
from app.stalls.services import holds
from app.stalls.services.cancelling import _payments, lock_booking
from app.stalls.services.paying import PURPOSE, scope_of

log = logging.getLogger(__name__)

STAFF_ONLY = _l("Only the programme team can change bookings.")
BOOKING_FIELDS = ("stall_id", "status", "fee_waived", "expires_at")
WAIVED = audit.register_action("stalls.booking.fee_waived", _l("Stall fee waived"))
MARKED_PAID = audit.register_action("stalls.booking.marked_paid", _l("Stall booking marked paid"))
ASSIGNED = audit.register_action("stalls.booking.assigned", _l("Stall assigned by staff"))
MOVED = audit.register_action("stalls.booking.moved", _l("Stall booking moved"))
GONE = _l("This booking has ended (its hold expired or it was released). Assign a stall to the application instead.")


def free_stalls(edition_id: int, moment: datetime | None = None) -> list[Stall]:
    """The edition's stalls a booking can go to now: not blocked, with no live booking (expired holds do not count)."""
    moment = moment or now_utc()
    taken = select(Booking.stall_id).where(Booking.edition_id == edition_id, holds._live_at(moment))
    return list(db.session.scalars(
        select(Stall).where(Stall.edition_id == edition_id, Stall.blocked.is_(False), Stall.id.not_in(taken))
        .order_by(Stall.code)))


def _confirm_by_staff(actor: User, booking: Booking, note: str) -> None:
    """Confirm a held booking (or one whose hold ran out, if its stall is still free), under the caller's locks."""
    if booking.status == BookingStatus.CONFIRMED:
        raise AlreadyDone(_l("This booking is already confirmed."))
    if booking.status == BookingStatus.RELEASED:
        raise InvalidState(GONE)
    if not holds.claim_for_late_payment(booking, actor=actor, note=note):
        raise Conflict(_l("The hold on stall %(code)s ran out and the stall is no longer free (someone else booked "
                          "it, it was blocked, or the applicant has another stall now). Nothing was recorded.",
                          code=booking.stall.code))


def _cancel_pending_cards(payments: list[Payment]) -> None:
    """Best effort: the booking no longer needs its pending card payments; cancel their intents at Stripe. A failure
    (Stripe down) leaves the payment pending and is logged; it never undoes the staff action."""
    for payment in payments:
        if payment.method != PaymentMethod.CARD or payment.status != PaymentStatus.PENDING:
            continue
        try:
            with db.session.begin_nested():
                _payments().cancel_pending(payment, source="staff")
        except Exception:  # noqa: BLE001 (best effort, see above)
            log.warning("could not cancel pending payment %s", payment.id, exc_info=True)


def waive(actor: User, booking: Booking) -> Booking:
    """Confirm the booking without payment (incubator participants); pending card payments are cancelled."""
    require_staff(actor, STAFF_ONLY)
    payments, booking = lock_booking(booking)
    before = audit.snapshot(booking, *BOOKING_FIELDS)
    _confirm_by_staff(actor, booking, "fee waived")
    booking.fee_waived = True
    db.session.flush()
    audit.record(actor, WAIVED, booking, before=before)
    _cancel_pending_cards(payments)
    return booking


def mark_paid(actor: User, booking: Booking, reference: str) -> Payment:
    """Staff saw the bank transfer: record it (the reference is unique in the edition) and confirm the booking."""
    require_staff(actor, STAFF_ONLY)
    reference = reference.strip()
    if not reference:
        raise InvalidState(_l("Enter the reference of the bank transfer."), field="reference")
    payments, booking = lock_booking(booking)
    if booking.fee <= 0 or booking.fee_waived:
        raise InvalidState(_l("This booking has nothing to pay."))
    before = audit.snapshot(booking, *BOOKING_FIELDS)
    _confirm_by_staff(actor, booking, f"paid by bank transfer {reference}")
    edition = db.session.get(Edition, booking.edition_id)
    holder = db.session.get(User, booking.holder_id)
    payment = _payments().record_transfer(
        actor, payer=holder, purpose=PURPOSE, scope=scope_of(booking.edition_id), amount=booking.fee,
        reference=reference, description=f"{edition.name}: stall {booking.stall.code}")
    db.session.add(BookingPayment(booking_id=booking.id, payment_id=payment.id))
    db.session.flush()
    audit.record(actor, MARKED_PAID, booking, before={**before, "payment_id": None},
                 after={**audit.snapshot(booking, *BOOKING_FIELDS), "payment_id": payment.id})
    _cancel_pending_cards(payments)
    return payment


def assign(actor: User, application_id: int, stall_id: int, *, waive_fee: bool = False) -> Booking:
    """Staff give an accepted stall application a stall (the same locked claim as the applicant's hold). The booking
    is held for the edition's hold time for the applicant to pay, or confirmed at once with `waive_fee`."""
    require_staff(actor, STAFF_ONLY)
    moment = now_utc()
    application = lock(Application, application_id)
    if application is None:
        raise NotAllowed(_l("This application does not exist."))
    if application.status != ApplicationStatus.ACCEPTED or application.call.kind != CallKind.BAZAAR:
        raise InvalidState(_l("Only an accepted application to a stall call can be given a stall."))
    edition_id = application.call.edition_id
    stall = lock(Stall, stall_id)
    if stall is None or stall.edition_id != edition_id:
        raise NotAllowed(_l("This stall is not part of the application's festival edition."), field="stall_id")
    if stall.blocked:
        raise Conflict(_l("This stall is blocked. Unblock it on the layout first."), field="stall_id")
    booking = holds._claim(actor, application, stall, holds.settings_of(edition_id), moment,
                           note=f"assigned {stall.code} by staff", change=False)
    if waive_fee and booking.status == BookingStatus.HELD:
        holds.confirm(booking, actor, "fee waived")
        booking.fee_waived = True
        db.session.flush()
    audit.record(actor, ASSIGNED, booking, after=audit.snapshot(booking, "application_id", *BOOKING_FIELDS))
    return booking


def move(actor: User, booking: Booking, target_stall_id: int) -> Booking:
    """Move a live booking to a free stall of its edition; it keeps its status, fee, deadline and payments."""
    require_staff(actor, STAFF_ONLY)
    moment = now_utc()
    lock(Application, booking.application_id)  # every change of this booking waits here: its stall is settled now
    db.session.refresh(booking)
    source_id = booking.stall_id
    stalls = {stall.id: stall for stall in holds.lock_stalls(source_id, target_stall_id)}
    booking = lock(Booking, booking.id)
    target = stalls.get(target_stall_id)
    if target is None or target.edition_id != booking.edition_id:
        raise NotAllowed(_l("This stall is not part of the booking's festival edition."), field="stall_id")
    if target.id == source_id:
        raise AlreadyDone(_l("The booking is already on this stall."))
    holds._expire_stale(moment, stall_ids=[source_id, target.id], application_id=booking.application_id)
    if booking.status not in LIVE:
        raise InvalidState(GONE)
    if target.blocked:
        raise Conflict(_l("This stall is blocked. Unblock it on the layout first."), field="stall_id")
    if holds._stall_is_taken(target.id, moment):
        raise Conflict(_l("Stall %(code)s has just been taken. Choose another one.", code=target.code),
                       field="stall_id")
    holds._widen_race_window()
    source = stalls[source_id]
    before = audit.snapshot(booking, *BOOKING_FIELDS)
    booking.stall = target
    holds.record(booking, booking.status, actor, f"moved from {source.code} to {target.code}")
    db.session.flush()
    audit.record(actor, MOVED, booking, before=before)
    applicant = db.session.get(User, booking.holder_id)
    queue_mail(applicant.email, "stalls/desk/mail/moved", applicant.locale, applicant=applicant, booking=booking,
               source=source, target=target, edition=db.session.get(Edition, booking.edition_id))
    return booking
