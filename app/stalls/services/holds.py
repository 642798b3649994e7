"""Holds and bookings: claim a stall, change it, confirm, release, expire. Every claim is one locked step.

Lock order, the same everywhere so that two requests never wait on each other in a circle:
the payment (payments domain) → the application → the stall(s), several stalls in id order.

A claim (`hold`) locks the application (one live booking per application) and then the stall (one per stall),
flips that stall's and that application's expired holds to `expired` (an index predicate cannot use `now()`, so an
expired hold is dead by time, at read, whether or not `flask stalls expire-holds` ran), re-reads what is live, and
only then inserts. The partial unique indexes on live bookings refuse a second claim even if this code forgot.
"""

import time
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.accounts.models import User
from app.core.clock import now_utc
from app.core.errors import AlreadyDone, Conflict, InvalidState, NotAllowed
from app.core.jobs import claim_batch, row_locks_on
from app.core.locking import lock, lock_all
from app.extensions import db
from app.festival.models import Application, Call
from app.festival.models.application import ApplicationStatus
from app.festival.vocab import CallKind
from app.stalls.models import Booking, BookingEvent, BookingStatus, Stall, StallSettings

TAKEN = _l("Sorry, this stall was just taken by someone else. Please choose another one on the map.")


def settings_of(edition_id: int) -> StallSettings:
    """The edition's booking rules (the defaults until staff save their own)."""
    found = db.session.scalar(select(StallSettings).where(StallSettings.edition_id == edition_id))
    return found or StallSettings(edition_id=edition_id, hold_minutes=30, hold_cap_minutes=15, full_refund_days=14,
                                  partial_refund_days=7, partial_refund_percent=50)


def may_book(user: User, application: Application) -> bool:
    """An accepted application of a stall (bazaar) call, by its own applicant."""
    return (application.applicant_id == user.id and application.status == ApplicationStatus.ACCEPTED
            and application.call.kind == CallKind.BAZAAR)


def live_booking_of(application_id: int, moment: datetime | None = None) -> Booking | None:
    """The application's live booking (a held one only while unexpired), if any."""
    moment = moment or now_utc()
    return db.session.scalar(select(Booking).where(
        Booking.application_id == application_id, _live_at(moment)))


def _live_at(moment: datetime):
    return or_(Booking.status == BookingStatus.CONFIRMED,
               (Booking.status == BookingStatus.HELD) & (Booking.expires_at > moment))


def record(booking: Booking, previous: BookingStatus | None, actor: User | None, note: str = "") -> None:
    db.session.add(BookingEvent(booking=booking, from_status=previous, to_status=booking.status,
                                actor_id=actor.id if actor else None, note=note))


def _expire_stale(moment: datetime, *, stall_ids: list[int] = (), application_id: int | None = None) -> None:
    """Mark held bookings whose time ran out as expired (their rows are covered by the caller's locks)."""
    owners = []
    if stall_ids:
        owners.append(Booking.stall_id.in_(stall_ids))
    if application_id is not None:
        owners.append(Booking.application_id == application_id)
    query = (select(Booking).where(or_(*owners), Booking.status == BookingStatus.HELD, Booking.expires_at <= moment)
             .order_by(Booking.id).execution_options(populate_existing=True))
    if row_locks_on():  # wait for `expire_holds` running now: the row comes back re-read, not expired a second time
        query = query.with_for_update()
    for booking in db.session.scalars(query):
        booking.status = BookingStatus.EXPIRED
        booking.released_at = moment
        booking.release_reason = "expired"
        record(booking, BookingStatus.HELD, None, "expired")


def _stall_is_taken(stall_id: int, moment: datetime) -> bool:
    return db.session.scalar(select(Booking.id).where(Booking.stall_id == stall_id, _live_at(moment))) is not None


def _widen_race_window() -> None:
    """Tests of the locks sleep here, between the check and the write, as pretix's `sleep-after-quota-check`."""
    pause = current_app.config.get("TEST_SLEEP_AFTER_CHECK_S")
    if pause:
        time.sleep(pause)


def hold(actor: User, application_id: int, stall_id: int) -> Booking:
    """Hold `stall_id` for the accepted application (or move the application's current hold to it).

    A new hold lasts the edition's `hold_minutes`; a change keeps the first deadline's cap (first deadline plus
    `hold_cap_minutes`), so changing stalls or reloading never extends a hold without limit. A stall whose fee is
    zero is confirmed at once (there is nothing to pay).
    """
    moment = now_utc()
    application = lock(Application, application_id)
    if application is None or not may_book(actor, application):
        raise NotAllowed(_l("Only an accepted stall applicant can book a stall, for their own application."))
    call = db.session.get(Call, application.call_id)
    stall = lock(Stall, stall_id)
    if stall is None or stall.edition_id != call.edition_id:
        raise NotAllowed(_l("This stall is not part of your festival edition."))
    rules = settings_of(call.edition_id)
    if not rules.window_is_open(moment):
        raise InvalidState(_l("Stall booking is not open at the moment."))
    if stall.blocked:
        raise Conflict(_l("This stall is not available. Please choose another one."))
    return _claim(actor, application, stall, rules, moment, note=f"held {stall.code}")


def _claim(actor: User, application: Application, stall: Stall, rules: StallSettings, moment: datetime, *,
           note: str, change: bool = True) -> Booking:
    """The locked claim shared by the applicant's `hold` and staff's assignment (`staff_actions.assign`).

    The caller has locked the application and then the stall and checked who may claim it. The booking is the
    application's applicant's. `change=False` (staff): an application that already has a live booking is refused
    (staff move that booking instead) rather than changed to this stall.
    """
    _expire_stale(moment, stall_ids=[stall.id], application_id=application.id)
    current = live_booking_of(application.id, moment)
    if current is not None and not change:
        raise Conflict(_l("This application already has a live booking. Move that booking instead."))
    if current is not None and current.stall_id == stall.id:
        raise AlreadyDone(_l("This stall is already held for you."))
    if current is not None and current.status == BookingStatus.CONFIRMED:
        raise Conflict(_l("You already have a confirmed stall. Ask the programme team to move it."))
    if _stall_is_taken(stall.id, moment):
        raise Conflict(TAKEN)
    _widen_race_window()

    first_deadline = moment + timedelta(minutes=rules.hold_minutes)
    if current is not None:  # a change of stall: the old hold ends, its deadline cap carries over
        cap = current.deadline_cap or current.expires_at
        release(current, actor, "changed stall", moment=moment)
        expires = min(first_deadline, cap)
    else:
        cap = first_deadline + timedelta(minutes=rules.hold_cap_minutes)
        expires = first_deadline
    booking = Booking(edition_id=stall.edition_id, stall_id=stall.id, application_id=application.id,
                      holder_id=application.applicant_id, status=BookingStatus.HELD, fee=stall.fee,
                      held_at=moment, expires_at=expires, deadline_cap=cap)
    db.session.add(booking)
    record(booking, None, actor, note)
    db.session.flush()
    if booking.fee == 0:
        confirm(booking, actor, "no fee")
    return booking


def confirm(booking: Booking, actor: User | None, note: str) -> None:
    """Held → confirmed (paid, waived or free). The caller holds the locks and has checked the stall is its own."""
    if booking.status == BookingStatus.CONFIRMED:
        raise AlreadyDone(_l("This booking is already confirmed."))
    previous = booking.status
    booking.status = BookingStatus.CONFIRMED
    booking.confirmed_at = now_utc()
    booking.expires_at = None
    record(booking, previous, actor, note)
    db.session.flush()


def release(booking: Booking, actor: User | None, reason: str, *, moment: datetime | None = None) -> None:
    """A live booking gives up its stall (changed, cancelled, withdrawn, moved); its history keeps it."""
    if booking.status not in (BookingStatus.HELD, BookingStatus.CONFIRMED):
        raise AlreadyDone(_l("This booking has already ended."))
    previous = booking.status
    booking.status = BookingStatus.RELEASED
    booking.released_at = moment or now_utc()
    booking.release_reason = reason[:32]
    record(booking, previous, actor, reason)
    db.session.flush()  # the stall's live-booking index must see it gone before a new claim is inserted


def claim_for_late_payment(booking: Booking, moment: datetime | None = None, *, actor: User | None = None,
                           note: str = "paid") -> bool:
    """A payment arrived for `booking` (perhaps after its hold expired): lock its application and stall and confirm
    it if nobody else took the stall meanwhile and the application has no other live booking. False: the money
    must go back (the caller refunds). Staff marking a booking paid or waived pass themselves and their `note`."""
    moment = moment or now_utc()
    lock(Application, booking.application_id)
    lock(Stall, booking.stall_id)
    db.session.refresh(booking)
    if booking.status == BookingStatus.CONFIRMED:
        return True
    _expire_stale(moment, stall_ids=[booking.stall_id], application_id=booking.application_id)
    if booking.status == BookingStatus.HELD:  # still within its time: it is the stall's live booking
        confirm(booking, actor, note)
        return True
    others = db.session.scalar(select(Booking.id).where(
        or_(Booking.stall_id == booking.stall_id, Booking.application_id == booking.application_id),
        Booking.id != booking.id, _live_at(moment)))
    stall = db.session.get(Stall, booking.stall_id)
    if others is not None or stall.blocked or booking.status == BookingStatus.RELEASED:
        return False
    previous = booking.status  # expired, and the stall is still free: the late payment takes it
    booking.status = BookingStatus.CONFIRMED
    booking.confirmed_at = moment
    booking.expires_at = None
    booking.released_at = None
    booking.release_reason = ""
    record(booking, previous, actor, f"{note} after the hold expired; the stall was still free")
    db.session.flush()
    return True


def lock_stalls(*stall_ids: int) -> list[Stall]:
    """Lock several stalls in id order (a staff move locks both ends)."""
    return lock_all(Stall, stall_ids)


def expire_holds(moment: datetime | None = None, limit: int | None = None) -> list[Booking]:
    """Mark up to `limit` held bookings whose time ran out as expired, one event each (for cron, which commits after
    each batch; claims do it themselves for their stall). Rows a claim or another runner holds now are skipped
    (`claim_batch`): the claim expires them itself, the other runner is doing them."""
    moment = moment or now_utc()
    stale = claim_batch(select(Booking).where(Booking.status == BookingStatus.HELD, Booking.expires_at <= moment)
                        .order_by(Booking.id).execution_options(populate_existing=True), limit)
    for booking in stale:
        booking.status = BookingStatus.EXPIRED
        booking.released_at = moment
        booking.release_reason = "expired"
        record(booking, BookingStatus.HELD, None, "expired")
    db.session.flush()
    return stale
