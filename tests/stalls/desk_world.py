"""The desk tests' world: bookings on an edition's ground, and bank-transfer payments linked to them."""

from datetime import timedelta

from app.core.clock import now_utc
from app.extensions import db
from app.payments.models import Payment, PaymentMethod, PaymentStatus
from app.stalls.models import Booking, BookingPayment, BookingStatus, Stall
from tests.factories import UserFactory
from tests.stalls.book_world import accepted, ground
from tests.stalls.factories import BookingFactory

__all__ = ["accepted", "book", "fresh", "ground", "live_on", "paid_by_transfer", "staff"]


def staff():
    return UserFactory(staff=True, locale="en")  # the tests read the pages' English texts


def book(stall: Stall, *, confirmed: bool = False, expired: bool = False, application=None) -> Booking:
    """A booking of `stall` by a new accepted applicant of its edition: held (30 minutes), confirmed, or a hold
    whose deadline passed an hour ago (dead at read, its row still `held`)."""
    from app.festival.models import Edition

    application = application or accepted(db.session.get(Edition, stall.edition_id))
    if expired:
        held_at = now_utc() - timedelta(hours=2)
        return BookingFactory(stall=stall, application=application, held_at=held_at,
                              expires_at=held_at + timedelta(minutes=30))
    return BookingFactory(stall=stall, application=application, confirmed=confirmed)


def paid_by_transfer(booking: Booking, reference: str | None = None, amount: int | None = None) -> Payment:
    """A succeeded bank-transfer payment of the booking's fee, linked to it (as the desk's mark-paid leaves it)."""
    payment = Payment(purpose="stall_booking", scope=f"edition:{booking.edition_id}", payer_id=booking.holder_id,
                      method=PaymentMethod.BANK_TRANSFER, status=PaymentStatus.SUCCEEDED,
                      amount=amount or booking.fee, transfer_reference=reference or f"TRF-{booking.id}",
                      succeeded_at=now_utc(), description="test transfer")
    db.session.add(payment)
    db.session.flush()
    db.session.add(BookingPayment(booking_id=booking.id, payment_id=payment.id))
    db.session.commit()
    return payment


def fresh(booking: Booking) -> Booking:
    db.session.expire_all()
    return db.session.get(Booking, booking.id)


def live_on(stall_id: int) -> list[Booking]:
    """The stall's live bookings (held and unexpired, or confirmed) as committed."""
    db.session.expire_all()
    return [b for b in db.session.query(Booking).filter(
        Booking.stall_id == stall_id, Booking.status.in_([BookingStatus.HELD, BookingStatus.CONFIRMED]))
        if b.is_live(now_utc())]
