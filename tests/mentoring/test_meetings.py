"""Logging meetings (either side of an active pair; one tap from the mentor's home: today and 30 minutes filled in)
and the participant's 1–5 rating; bad input gets a message on its field and changes nothing."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.mentoring.models import Meeting, MentorshipStatus
from tests.helpers import csrf_token, field_error, submit, text
from tests.mentoring.factories import MeetingFactory
from tests.mentoring.pair_world import a_pair

MIDDAY = datetime(2027, 9, 20, 3, 0, tzinfo=UTC)  # 11:00 in Denpasar, 12:30 in Darwin: the same day
# 23:00 on 20 September in Denpasar, 00:30 on the 21st in Darwin.
DARWIN_AFTER_MIDNIGHT = datetime(2027, 9, 20, 15, 0, tzinfo=UTC)


def meetings_of(pair) -> list[Meeting]:
    db.session.expire_all()
    return list(db.session.scalars(select(Meeting).where(Meeting.mentorship_id == pair.id).order_by(Meeting.id)))


def form_url(world) -> str:
    return f"/mentoring/pairs/{world.pair.id}/meetings/new"


def meeting(**changes) -> dict:
    return {"held_on": "2027-09-18", "duration_minutes": "45", "topics": "Pricing", "notes": "Price list.",
            "next_steps": "Ask two shops.", **changes}


@pytest.fixture
def world(frozen_clock):
    frozen_clock(MIDDAY)
    return a_pair()


def test_the_form_opens_filled_in_with_today_and_30_minutes(client, login, world):
    login(world.mentor)
    html = text(client.get(form_url(world)))
    assert 'value="2027-09-20"' in html
    assert '<option selected value="30">30 minutes</option>' in html


def test_mentor_logs_a_meeting_and_sees_it_on_the_mentee_page(client, login, world):
    login(world.mentor)
    response = submit(client, form_url(world), meeting())
    assert response.status_code == 302 and f"/mentoring/mentees/{world.pair.id}" in response.headers["Location"]
    [saved] = meetings_of(world.pair)
    assert (saved.held_on, saved.duration_minutes, saved.topics, saved.logged_by_id) == (
        date(2027, 9, 18), 45, "Pricing", world.mentor.id)
    html = text(client.get(response.headers["Location"]))
    assert "The meeting has been logged." in html and "Ask two shops." in html


def test_participant_logs_a_meeting_too(client, login, world):
    login(world.person)
    response = submit(client, form_url(world), meeting())
    assert response.status_code == 302 and response.headers["Location"].endswith("/mentoring/my-mentor#meetings")
    assert [m.logged_by_id for m in meetings_of(world.pair)] == [world.person.id]


def test_the_same_form_sent_twice_makes_one_meeting(client, login, world):
    login(world.mentor)
    page = client.get(form_url(world))
    data = {"csrf_token": csrf_token(text(page)), **meeting()}
    assert client.post(form_url(world), data=data).status_code == 302
    assert client.post(form_url(world), data=data).status_code == 302
    assert len(meetings_of(world.pair)) == 1


def test_today_is_the_viewer_s_today(app, client, login, frozen_clock, world):
    frozen_clock(DARWIN_AFTER_MIDNIGHT)
    login(world.mentor)
    assert 'value="2027-09-21"' in text(client.get(form_url(world)))
    assert submit(client, form_url(world), meeting(held_on="2027-09-21")).status_code == 302
    participant = app.test_client()
    login(world.person, on=participant)
    assert 'value="2027-09-20"' in text(participant.get(form_url(world)))  # still the 20th in Denpasar
    response = submit(participant, form_url(world), meeting(held_on="2027-09-21"))
    assert field_error(text(response), "held_on") == "The date cannot be in the future."
    assert len(meetings_of(world.pair)) == 1


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"held_on": "2027-09-21"}, "held_on", "The date cannot be in the future."),
    ({"held_on": "2027-08-31"}, "held_on", "The date cannot be before the cohort starts (2027-09-01)."),
    ({"held_on": "yesterday"}, "held_on", "Enter a date, such as 2027-09-14."),
    ({"held_on": ""}, "held_on", "This field is required."),
    ({"duration_minutes": "999"}, "duration_minutes", "Choose one of the durations offered."),
    ({"duration_minutes": "0"}, "duration_minutes", "Choose one of the durations offered."),
    ({"duration_minutes": "half an hour"}, "duration_minutes", "Choose one of the durations offered."),
    ({"topics": "x" * 301}, "topics", "Use at most 300 characters."),
])
def test_bad_input_gets_a_message_on_its_field_and_nothing_is_saved(client, login, world, changes, field, message):
    login(world.mentor)
    response = submit(client, form_url(world), meeting(**changes))
    assert response.status_code == 200
    assert field_error(text(response), field) == message
    assert meetings_of(world.pair) == []


@pytest.mark.parametrize("status", [MentorshipStatus.DECLINED, MentorshipStatus.ENDED, MentorshipStatus.OFFERED])
def test_no_meeting_on_a_pair_that_is_not_active(client, login, frozen_clock, status):
    frozen_clock(MIDDAY)
    world = a_pair(status=status)
    login(world.person)  # the participant still sees the pair; its mentor no longer does once declined or ended
    page = text(client.get(form_url(world)))
    assert "Meetings can only be logged for an active pair" in page and "Save the meeting" not in page
    response = client.post(form_url(world), data={"csrf_token": csrf_token(page), **meeting()})
    assert response.status_code == 200 and "Meetings can only be logged for an active pair" in text(response)
    assert meetings_of(world.pair) == []


def test_participant_sees_their_mentor_with_hours_in_their_own_zone(client, login, world):
    MeetingFactory(mentorship=world.pair, topics="Pricing for export")
    login(world.person)
    html = text(client.get("/mentoring/my-mentor"))
    assert world.mentor.name in html and "Darwin Innovation Hub" in html and "Northern Territory" in html
    assert "English, Indonesian" in html
    assert "07:30–15:30" in html  # 09:00–17:00 in Darwin
    assert "Pricing for export" in html and "Rate this meeting" in html


def test_an_applicant_without_a_mentor_is_told_what_happens_next(client, login, user_factory):
    login(user_factory(locale="en"))
    assert "You have no mentor yet." in text(client.get("/mentoring/my-mentor"))


def rate(client, meeting_id: int, value: str):
    return submit(client, f"/mentoring/meetings/{meeting_id}/rating", {"rating": value}, page="/mentoring/my-mentor")


def test_participant_rates_a_meeting_and_changes_the_rating(client, login, world):
    held = MeetingFactory(mentorship=world.pair)
    login(world.person)
    response = rate(client, held.id, "4")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#meeting-{held.id}")
    assert meetings_of(world.pair)[0].rating == 4
    html = text(client.get("/mentoring/my-mentor"))
    assert f'id="rating-{held.id}-4" name="rating" value="4" checked' in html
    assert f'<label for="rating-{held.id}-4">' in html
    rate(client, held.id, "5")
    assert meetings_of(world.pair)[0].rating == 5


@pytest.mark.parametrize("value", ["0", "6", "", "five"])
def test_a_rating_outside_one_to_five_is_refused_on_its_field(client, login, world, value):
    held = MeetingFactory(mentorship=world.pair, rating=3)
    login(world.person)
    response = rate(client, held.id, value)
    assert response.status_code == 200
    assert field_error(text(response), f"rating-{held.id}") == "Choose from 1 to 5 stars."
    assert meetings_of(world.pair)[0].rating == 3


def test_only_the_participant_rates(app, login, world):
    held = MeetingFactory(mentorship=world.pair)
    other = a_pair(cohort=world.cohort)
    for user, page in ((world.mentor, "/mentoring"), (other.person, "/mentoring/my-mentor")):
        browser = app.test_client()
        login(user, on=browser)
        response = submit(browser, f"/mentoring/meetings/{held.id}/rating", {"rating": "5"}, page=page)
        assert response.status_code == 404
    assert meetings_of(world.pair)[0].rating is None
