"""Staff mark a booking paid by bank transfer, through the same locks as everything else: the reference is unique in
the edition, and a hold that ran out is confirmed only while its stall is still free."""

from sqlalchemy import func, select

from app.extensions import db
from app.payments.models import Payment, PaymentMethod, PaymentStatus
from app.stalls.models import Booking, BookingStatus
from tests.helpers import field_error, submit, text
from tests.stalls.desk_world import book, fresh, ground, live_on, paid_by_transfer, staff


def payments() -> list[Payment]:
    db.session.expire_all()
    return list(db.session.scalars(select(Payment).order_by(Payment.id)))


def mark_paid(client, booking, reference: str):
    page = f"/staff/stalls/bookings/{booking.id}"
    return submit(client, f"{page}/mark-paid", {"reference": reference}, page=page)


def test_marking_a_held_booking_paid_records_the_transfer_and_confirms_it(client, login):
    edition, (stall,) = ground(1)
    booking = book(stall)
    member = staff()
    login(member)

    response = mark_paid(client, booking, "  BCA 0042 ")

    assert response.status_code == 302
    booking = fresh(booking)
    [payment] = payments()
    assert (booking.status, booking.fee_waived) == (BookingStatus.CONFIRMED, False)
    assert (payment.method, payment.status, payment.amount, payment.transfer_reference, payment.recorded_by_id) == (
        PaymentMethod.BANK_TRANSFER, PaymentStatus.SUCCEEDED, booking.fee, "BCA 0042", member.id)
    assert [link.payment_id for link in booking.payment_links] == [payment.id]
    assert booking.history[-1].actor_id == member.id and "BCA 0042" in booking.history[-1].note
    assert "BCA 0042" in text(client.get(f"/staff/stalls/bookings/{booking.id}"))


def test_an_expired_hold_whose_stall_is_still_free_is_confirmed(client, login):
    edition, (stall,) = ground(1)
    booking = book(stall, expired=True)
    login(staff())
    assert mark_paid(client, booking, "MANDIRI-1").status_code == 302
    assert fresh(booking).status == BookingStatus.CONFIRMED and len(payments()) == 1


def test_an_expired_hold_whose_stall_was_taken_is_refused_and_nothing_is_recorded(client, login):
    edition, (stall,) = ground(1)
    old = book(stall, expired=True)
    db.session.query(Booking).filter_by(id=old.id).update({"status": BookingStatus.EXPIRED})  # as a claim flips it
    db.session.commit()
    newer = book(stall)  # the stall went to someone else after the hold ran out
    login(staff())

    response = mark_paid(client, old, "BRI-77")

    assert response.status_code == 200
    assert "no longer free" in text(response)
    assert payments() == []
    assert fresh(old).status == BookingStatus.EXPIRED
    assert [b.id for b in live_on(stall.id)] == [newer.id]


def test_a_transfer_reference_pays_one_booking_per_edition(client, login):
    edition, (a, b) = ground(2)
    first, second = book(a), book(b)
    login(staff())
    assert mark_paid(client, first, "BCA-9001").status_code == 302

    again = mark_paid(client, second, "BCA-9001")

    assert again.status_code == 200
    assert field_error(text(again), "reference")
    assert fresh(second).status == BookingStatus.HELD and len(payments()) == 1
    # Another edition has its own references.
    other_edition, (elsewhere,) = ground(1)
    assert mark_paid(client, book(elsewhere), "BCA-9001").status_code == 302
    assert len(payments()) == 2


def test_a_confirmed_or_waived_booking_is_not_marked_paid_again(client, login):
    edition, (a, b) = ground(2)
    paid = book(a, confirmed=True)
    paid_by_transfer(paid, reference="FIRST")
    waived = book(b, confirmed=True)
    db.session.query(Booking).filter_by(id=waived.id).update({"fee_waived": True})
    db.session.commit()
    login(staff())
    page = f"/staff/stalls/bookings/{paid.id}"
    response = client.post(f"{page}/mark-paid", data={"csrf_token": _token(client, page), "reference": "SECOND"})
    assert "already confirmed" in text(response)
    response = client.post(f"/staff/stalls/bookings/{waived.id}/mark-paid",
                           data={"csrf_token": _token(client, page), "reference": "THIRD"})
    assert "nothing to pay" in text(response)
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1


def test_an_empty_reference_is_refused_on_the_field(client, login):
    edition, (stall,) = ground(1)
    booking = book(stall)
    login(staff())
    response = mark_paid(client, booking, "   ")
    assert field_error(text(response), "reference") and payments() == []


def _token(client, page: str) -> str:
    from tests.helpers import csrf_token

    return csrf_token(text(client.get(page)))
