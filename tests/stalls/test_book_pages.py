"""The applicant's booking pages: from the status page to the map, a stall, a hold and the booking with its
countdown; closed windows, other people's applications and taken stalls answer clearly."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.festival.models.application import ApplicationStatus
from app.stalls.models import Booking, BookingStatus
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, UserFactory
from tests.helpers import submit, text
from tests.stalls.book_world import accepted, bazaar_call, ground
from tests.stalls.factories import BookingFactory

NOW = datetime(2027, 6, 10, 2, 0, tzinfo=UTC)


def live_bookings(stall_id=None) -> int:
    query = select(func.count()).select_from(Booking).where(Booking.status.in_(["held", "confirmed"]))
    if stall_id is not None:
        query = query.where(Booking.stall_id == stall_id)
    return db.session.scalar(query)


def test_status_page_and_home_lead_to_choose_your_stall(client, login):
    edition, _ = ground(2)
    application = accepted(edition)
    login(application.applicant)
    status_page = text(client.get(f"/applications/{application.id}"))
    assert f'href="/applications/{application.id}/stalls"' in status_page
    assert "Watch your e-mail" not in status_page
    home = text(client.get("/home"))
    assert f'href="/applications/{application.id}/stalls"' in home


def test_not_accepted_sees_no_stall_step_and_a_clear_message(client, login):
    edition, _ = ground(1)
    application = ApplicationFactory(call=bazaar_call(edition), submitted=True, status=ApplicationStatus.SUBMITTED,
                                     applicant=UserFactory(locale="en"))
    login(application.applicant)
    assert "/stalls" not in text(client.get(f"/applications/{application.id}"))
    page = client.get(f"/applications/{application.id}/stalls")
    assert page.status_code == 200
    assert "once your application to the bazaar has been accepted" in text(page)


def test_someone_elses_application_is_not_found(client, login):
    edition, stalls = ground(1)
    application = accepted(edition)
    login(UserFactory())
    assert client.get(f"/applications/{application.id}/stalls").status_code == 404
    assert client.get(f"/applications/{application.id}/stalls/{stalls[0].id}").status_code == 404
    assert client.get(f"/applications/{application.id}/booking").status_code == 404


def test_choose_hold_and_see_the_countdown(client, login, frozen_clock):
    frozen_clock(NOW)
    edition, stalls = ground(3)
    application = accepted(edition, locale="en")
    login(application.applicant)
    choose = client.get(f"/applications/{application.id}/stalls")
    assert choose.status_code == 200
    assert_valid(text(choose), "choose")
    assert stalls[1].code in text(choose) and "3 stalls are free." in text(choose)
    stall_page = client.get(f"/applications/{application.id}/stalls/{stalls[1].id}")
    assert_valid(text(stall_page), "stall")
    assert "IDR 500,000" in text(stall_page) and "Hold this stall" in text(stall_page)

    response = submit(client, f"/applications/{application.id}/stalls/{stalls[1].id}/hold", {},
                      page=f"/applications/{application.id}/stalls/{stalls[1].id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{application.id}/booking")
    booking = db.session.scalar(select(Booking).where(Booking.application_id == application.id))
    assert booking.status == BookingStatus.HELD and booking.stall_id == stalls[1].id
    assert booking.expires_at == NOW + timedelta(minutes=30)

    page = client.get(f"/applications/{application.id}/booking")
    html = text(page)
    assert_valid(html, "booking")
    assert f'datetime="{(NOW + timedelta(minutes=30)).isoformat(timespec="seconds")}"' in html
    assert 'data-countdown="1800"' in html and "About 30 minutes left." in html
    assert "Pay IDR 500,000 by card" in html and "Change stall" in html
    assert "js/countdown.js" in html


def test_the_deadline_is_shown_in_the_viewers_time_zone(client, login, frozen_clock):
    frozen_clock(NOW)
    edition, stalls = ground(1)
    application = accepted(edition, locale="en", timezone="Australia/Darwin")
    BookingFactory(stall=stalls[0], application=application, held_at=NOW)
    login(application.applicant)
    html = text(client.get(f"/applications/{application.id}/booking"))
    assert "12:00" in html and "12:00:00" not in html  # the deadline, 02:30 UTC, is noon in Darwin (UTC+9:30)
    assert "Darwin time" in html


def test_a_taken_stall_shows_the_map_again_with_the_reason(client, login, frozen_clock):
    frozen_clock(NOW)
    edition, stalls = ground(2)
    BookingFactory(stall=stalls[0], application=accepted(edition))
    application = accepted(edition, locale="en")
    login(application.applicant)
    page = f"/applications/{application.id}/stalls/{stalls[0].id}"
    assert "This stall is not free" in text(client.get(page))
    token_page = f"/applications/{application.id}/stalls/{stalls[1].id}"  # any page with a token
    response = submit(client, f"/applications/{application.id}/stalls/{stalls[0].id}/hold", {}, page=token_page)
    assert response.status_code == 409
    html = text(response)
    assert "was just taken by someone else" in html and "Choose your stall" in html
    assert_valid(html, "taken")
    assert live_bookings(stalls[0].id) == 1


def test_closed_and_not_yet_open_windows_say_so_and_refuse(client, login, frozen_clock):
    frozen_clock(NOW)
    edition, stalls = ground(1, booking_opens_at=NOW + timedelta(days=2), booking_closes_at=NOW + timedelta(days=9))
    application = accepted(edition, locale="en")
    login(application.applicant)
    assert "Stall booking opens on" in text(client.get(f"/applications/{application.id}/stalls"))
    response = submit(client, f"/applications/{application.id}/stalls/{stalls[0].id}/hold", {},
                      page=f"/applications/{application.id}/stalls")
    assert response.status_code == 200 and "Stall booking is not open at the moment." in text(response)
    assert live_bookings() == 0
    frozen_clock(NOW + timedelta(days=9))
    assert "Stall booking is closed" in text(client.get(f"/applications/{application.id}/stalls"))
