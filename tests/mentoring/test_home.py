"""The mentor's home page: mentees (offered with accept/decline, active with their meetings and a one-tap "Log a
meeting"), the next sessions in Darwin time (Denpasar beside cross-border ones), the calendar link; in a handful of
queries whatever the number of mentees."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.mentoring.models import MentorshipStatus
from tests.cohorts.factories import TEN_IN_DENPASAR, SessionFactory
from tests.helpers import count_statements, submit, text
from tests.mentoring.factories import MeetingFactory
from tests.mentoring.pair_world import a_pair

BEFORE_THE_SESSIONS = datetime(2027, 8, 30, 3, 0, tzinfo=UTC)


@pytest.fixture
def world(frozen_clock):
    frozen_clock(BEFORE_THE_SESSIONS)
    return a_pair()


def test_mentor_sees_active_mentee_with_meetings_and_a_one_tap_log_button(client, login, world):
    MeetingFactory(mentorship=world.pair, held_on=date(2027, 9, 10))
    MeetingFactory(mentorship=world.pair, held_on=date(2027, 9, 17))
    login(world.mentor)
    html = text(client.get("/mentoring"))
    assert world.person.name in html
    assert "2 meetings, the last on Sep 17, 2027" in html
    assert f'href="/mentoring/pairs/{world.pair.id}/meetings/new"' in html
    assert f'href="/mentoring/mentees/{world.pair.id}"' in html


def test_offered_mentee_is_listed_for_an_answer(client, login, world):
    offered = a_pair(status=MentorshipStatus.OFFERED, cohort=world.cohort, mentor=world.mentor)
    login(world.mentor)
    html = text(client.get("/mentoring"))
    assert "Waiting for your answer" in html and offered.person.name in html
    assert f'href="/mentoring/pairs/{offered.pair.id}/meetings/new"' not in html  # not active yet
    assert f'href="/mentoring/pairs/{offered.pair.id}/decline"' in html
    accepted = submit(client, f"/mentoring/pairs/{offered.pair.id}/accept", {}, page="/mentoring")
    assert accepted.status_code == 302
    html = text(client.get("/mentoring"))
    assert "Waiting for your answer" not in html and f"Log a meeting with {offered.person.name}" in html


def test_sessions_of_the_served_cohort_show_in_darwin_time_and_both_zones_when_cross_border(client, login, world):
    SessionFactory(cohort=world.cohort, starts_at=TEN_IN_DENPASAR, title_en="Pricing workshop")
    SessionFactory(cohort=world.cohort, starts_at=TEN_IN_DENPASAR + timedelta(days=1), title_en="Export clinic",
                   online_url="https://meet.example.org/export")
    SessionFactory(starts_at=TEN_IN_DENPASAR, title_en="Another cohort's workshop")  # not served: not shown
    login(world.mentor)
    html = text(client.get("/mentoring"))
    assert "Pricing workshop" in html and "Another cohort" not in html
    pricing = html[html.index("Pricing workshop"):html.index("Export clinic")]
    assert "Wed 1 Sep 2027, 11:30–13:30" in pricing and "Darwin time" in pricing and "Denpasar time" not in pricing
    export = html[html.index("Export clinic"):]
    assert "Thu 2 Sep 2027, 10:00–12:00" in export and "Thu 2 Sep 2027, 11:30–13:30" in export
    assert export.index("11:30–13:30") < export.index("10:00–12:00")  # the mentor's own (Darwin) time first


def test_a_mentor_without_mentees_gets_a_next_step(client, login, user_factory):
    login(user_factory(mentor=True))
    html = text(client.get("/mentoring"))
    assert "You have no mentees yet." in html
    assert "No sessions coming up in the cohorts you serve." in html


def test_only_mentors_open_the_page(client, login, world):
    assert client.get("/mentoring").status_code == 302
    login(world.person)
    assert client.get("/mentoring").status_code == 403


def test_home_panel_lists_the_mentees_and_leads_to_the_page(client, login, world):
    login(world.mentor)
    html = text(client.get("/home"))
    assert "Your mentees" in html and world.person.name in html and 'href="/mentoring"' in html
    assert text(client.get("/mentor")).count(world.person.name) == 1  # the old address shows the same panel


def test_make_the_calendar_link_from_the_home_page(client, login, world):
    login(world.mentor)
    response = submit(client, "/mentoring/calendar-link", {}, page="/mentoring")
    assert response.status_code == 302 and response.headers["Location"].endswith("/mentoring#calendar")
    html = text(client.get("/mentoring"))
    assert "/calendar/" in html and "Reset my calendar link" in html


def test_queries_do_not_grow_with_the_mentees(client, login, world):
    SessionFactory(cohort=world.cohort, starts_at=TEN_IN_DENPASAR)
    MeetingFactory(mentorship=world.pair)
    login(world.mentor)
    one, _ = count_statements(client, "/mentoring", queries_only=True)
    for _ in range(7):
        MeetingFactory(mentorship=a_pair(cohort=world.cohort, mentor=world.mentor).pair)
    a_pair(status=MentorshipStatus.OFFERED, cohort=world.cohort, mentor=world.mentor)
    eight, html = count_statements(client, "/mentoring", queries_only=True)
    assert html.count("Log a meeting with") == 8
    assert eight == one == 6  # viewer, mentees, their roles, meeting figures, sessions, feed
