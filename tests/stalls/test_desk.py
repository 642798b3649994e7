"""The staff desk of a booking: the page, waiving the fee, giving a stall to an application, and what is refused."""

import pytest
from sqlalchemy import func, select

from app.core.errors import AlreadyDone, Conflict, NotAllowed
from app.extensions import db
from app.payments.models import Payment
from app.stalls.models import Booking, BookingEvent, BookingStatus
from app.stalls.services import staff_actions
from tests.core.test_html import assert_valid
from tests.helpers import field_error, submit, text
from tests.stalls.desk_world import accepted, book, fresh, ground, live_on, paid_by_transfer, staff


def payments_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Payment))


def test_the_booking_page_shows_the_booking_its_payments_and_history_and_is_valid_html(client, login):
    edition, (stall, other) = ground(2)
    booking = book(stall, confirmed=True)
    paid_by_transfer(booking, reference="BCA-778812")
    login(staff())

    page = client.get(f"/staff/stalls/bookings/{booking.id}")

    html = text(page)
    assert page.status_code == 200
    assert stall.code in html and "BCA-778812" in html and other.code in html  # the move select offers the free one
    assert f'href="/staff/applications/{booking.application_id}"' in html
    assert 'name="percent"' in html and 'value="100"' in html  # the policy today: far before the festival
    assert_valid(html, "booking page")


def test_pages_of_an_expired_hold_and_the_assign_and_unbooked_pages_are_valid(client, login):
    edition, (stall,) = ground(1)
    booking = book(stall, expired=True)
    waiting = accepted(edition)
    login(staff())
    for page in (f"/staff/stalls/bookings/{booking.id}", f"/staff/stalls/applications/{waiting.id}/assign",
                 f"/staff/editions/{edition.id}/stalls/unbooked"):
        response = client.get(page)
        assert response.status_code == 200, page
        assert_valid(text(response), page)
    assert waiting.reference in text(client.get(f"/staff/editions/{edition.id}/stalls/unbooked"))


def test_waive_confirms_the_held_booking_without_any_payment(client, login):
    edition, (stall,) = ground(1)
    booking = book(stall)
    member = staff()
    login(member)

    response = submit(client, f"/staff/stalls/bookings/{booking.id}/waive", {},
                      page=f"/staff/stalls/bookings/{booking.id}")

    assert response.status_code == 302
    booking = fresh(booking)
    assert (booking.status, booking.fee_waived, payments_count()) == (BookingStatus.CONFIRMED, True, 0)
    assert booking.history[-1].actor_id == member.id and booking.history[-1].note == "fee waived"
    again = submit(client, f"/staff/stalls/bookings/{booking.id}/waive", {},
                   page=f"/staff/stalls/bookings/{booking.id}")
    assert again.status_code == 302 and "already confirmed" in text(client.get(again.headers["Location"]))


def test_waive_revives_an_expired_hold_whose_stall_is_still_free(app):
    edition, (stall,) = ground(1)
    booking = book(stall, expired=True)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        staff_actions.waive(staff(), booking)
    db.session.commit()
    assert fresh(booking).status == BookingStatus.CONFIRMED


def test_waive_refuses_an_expired_hold_whose_stall_was_taken_since(app):
    edition, (stall,) = ground(1)
    old = book(stall, expired=True)
    db.session.query(Booking).filter_by(id=old.id).update({"status": BookingStatus.EXPIRED})
    db.session.commit()
    newer = book(stall)
    with app.test_request_context(headers={"Accept-Language": "en"}), pytest.raises(Conflict, match="no longer free"):
        staff_actions.waive(staff(), old)
    db.session.rollback()
    assert fresh(old).status == BookingStatus.EXPIRED and [b.id for b in live_on(stall.id)] == [newer.id]


def test_only_staff_may_use_the_desk_services(app):
    edition, (stall, other) = ground(2)
    booking = book(stall)
    applicant = db.session.get(type(staff()), booking.holder_id)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        for action in (lambda: staff_actions.waive(applicant, booking),
                       lambda: staff_actions.move(applicant, booking, other.id),
                       lambda: staff_actions.mark_paid(applicant, booking, "X-1"),
                       lambda: staff_actions.assign(applicant, booking.application_id, other.id)):
            with pytest.raises(NotAllowed):
                action()
            db.session.rollback()
    assert fresh(booking).status == BookingStatus.HELD and fresh(booking).stall_id == stall.id


def test_staff_give_a_free_stall_to_an_accepted_application(client, login, outbox):
    edition, (stall, other) = ground(2)
    application = accepted(edition)
    member = staff()
    login(member)

    url = f"/staff/stalls/applications/{application.id}/assign"
    response = submit(client, url, {"stall_id": str(stall.id)})

    assert response.status_code == 302
    booking = db.session.scalar(select(Booking).where(Booking.application_id == application.id))
    assert response.headers["Location"].endswith(f"/staff/stalls/bookings/{booking.id}")
    assert (booking.stall_id, booking.status, booking.holder_id) == (stall.id, BookingStatus.HELD,
                                                                      application.applicant_id)
    assert booking.history[0].actor_id == member.id and booking.expires_at is not None
    # The application has its stall now: a second one is refused (staff move the booking instead).
    refused = client.post(url, data={"csrf_token": _token(client, url), "stall_id": str(other.id)})
    assert "already has a live booking" in text(refused)
    assert live_on(other.id) == []


def test_staff_give_a_stall_with_the_fee_waived(app):
    edition, (stall,) = ground(1)
    application = accepted(edition)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        booking = staff_actions.assign(staff(), application.id, stall.id, waive_fee=True)
    db.session.commit()
    booking = fresh(booking)
    assert (booking.status, booking.fee_waived, payments_count()) == (BookingStatus.CONFIRMED, True, 0)


def test_a_taken_or_blocked_stall_cannot_be_given(client, login):
    edition, (taken, blocked) = ground(2)
    book(taken)
    blocked.blocked = True
    db.session.commit()
    application = accepted(edition)
    login(staff())
    url = f"/staff/stalls/applications/{application.id}/assign"
    # Neither is offered; sent anyway (a stale page), each is refused with a message.
    page = text(client.get(url))
    assert f'value="{taken.id}"' not in page and f'value="{blocked.id}"' not in page
    response = client.post(url, data={"csrf_token": _token(client, url), "stall_id": str(taken.id)})
    assert response.status_code == 200 and "just taken" in text(response)
    response = client.post(url, data={"csrf_token": _token(client, url), "stall_id": str(blocked.id)})
    assert response.status_code == 200 and "blocked" in field_error(text(response), "stall_id")
    assert db.session.scalar(select(Booking.id).where(Booking.application_id == application.id)) is None


def test_a_taken_stall_given_by_the_service_is_refused_with_the_taken_message(app):
    edition, (stall,) = ground(1)
    book(stall)
    application = accepted(edition)
    with app.test_request_context(headers={"Accept-Language": "en"}), pytest.raises(Conflict, match="just taken"):
        staff_actions.assign(staff(), application.id, stall.id)


def test_every_desk_action_is_in_the_booking_history_with_its_staff_member(app):
    edition, (a, b) = ground(2)
    booking = book(a)
    member = staff()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        staff_actions.move(member, booking, b.id)
        staff_actions.waive(member, fresh(booking))
    db.session.commit()
    events = list(db.session.scalars(select(BookingEvent).where(BookingEvent.booking_id == booking.id)
                                     .order_by(BookingEvent.id)))
    assert [(e.to_status, e.actor_id, e.note) for e in events] == [
        (BookingStatus.HELD, member.id, f"moved from {a.code} to {b.code}"),
        (BookingStatus.CONFIRMED, member.id, "fee waived"),
    ]
    with app.test_request_context(headers={"Accept-Language": "en"}), pytest.raises(AlreadyDone):
        staff_actions.waive(member, fresh(booking))


def _token(client, url: str) -> str:
    from tests.helpers import csrf_token

    return csrf_token(text(client.get(url)))
