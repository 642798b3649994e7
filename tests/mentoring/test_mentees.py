"""A mentee's page shows the mentor what mentoring needs and nothing more (no NIK, no date of birth, the phone only
if shared), and only to the pair's mentor: anyone else, even another mentor, gets 404."""

import pytest

from app.mentoring.models import MentorshipStatus
from tests.helpers import csrf_token, text
from tests.mentoring.factories import MeetingFactory
from tests.mentoring.pair_world import BIRTH_DAY, NIK, a_pair


def test_mentor_sees_name_business_needs_email_and_meetings(client, login):
    world = a_pair()
    MeetingFactory(mentorship=world.pair, topics="Pricing for export")
    login(world.mentor)
    html = text(client.get(f"/mentoring/mentees/{world.pair.id}"))
    assert world.person.name in html and world.person.email in html
    assert "Klepon Kita" in html and "Culinary" in html  # business name and subsector of the application
    assert "Marketing" in html and "Indonesian" in html  # needs: topics and languages
    assert "Pricing for export" in html
    assert "No progress report yet." in html


def test_never_nik_nor_birth_date_and_no_phone_unless_shared(client, login):
    world = a_pair()
    login(world.mentor)
    html = text(client.get(f"/mentoring/mentees/{world.pair.id}"))
    assert NIK not in html and BIRTH_DAY not in html and "1234 567" not in html and "Phone" not in html


def test_a_shared_phone_is_shown(client, login):
    world = a_pair(share_phone=True)
    login(world.mentor)
    html = text(client.get(f"/mentoring/mentees/{world.pair.id}"))
    assert "+62 812-3456-7890" in html and NIK not in html


def test_an_offered_mentee_is_visible_to_their_mentor(client, login):
    world = a_pair(status=MentorshipStatus.OFFERED)
    login(world.mentor)
    assert client.get(f"/mentoring/mentees/{world.pair.id}").status_code == 200


@pytest.mark.parametrize("status", [MentorshipStatus.DECLINED, MentorshipStatus.ENDED])
def test_a_declined_or_ended_pair_is_no_longer_the_mentors_to_see(client, login, status):
    world = a_pair(status=status)
    login(world.mentor)
    assert client.get(f"/mentoring/mentees/{world.pair.id}").status_code == 404


def test_mentor_b_cannot_open_mentor_a_s_mentee_nor_log_a_meeting_on_it(client, login):
    a = a_pair()
    b = a_pair(cohort=a.cohort)
    login(b.mentor)
    assert client.get(f"/mentoring/mentees/{a.pair.id}").status_code == 404
    assert client.get(f"/mentoring/pairs/{a.pair.id}/meetings/new").status_code == 404
    token_page = text(client.get(f"/mentoring/pairs/{b.pair.id}/meetings/new"))
    response = client.post(f"/mentoring/pairs/{a.pair.id}/meetings/new",
                           data={"csrf_token": csrf_token(token_page), "held_on": "2026-01-01",
                                 "duration_minutes": "30"})
    assert response.status_code == 404
    assert client.get("/mentoring/mentees/999999").status_code == 404


@pytest.mark.parametrize("who", ["participant", "staff", "reviewer"])
def test_other_roles_cannot_open_a_mentee_page(client, login, user_factory, who):
    world = a_pair()
    user = {"participant": world.person, "staff": user_factory(staff=True),
            "reviewer": user_factory(reviewer=True)}[who]
    login(user)
    assert client.get(f"/mentoring/mentees/{world.pair.id}").status_code == 403


# Role × page for one active pair: the owner is its participant; "mentor" is a mentor who is not theirs.
ROLES = ["anonymous", "participant", "other applicant", "staff", "other mentor", "reviewer"]
PAIR_PAGES = {
    "/mentoring/mentees/{p}": [302, 403, 403, 403, 404, 403],
    "/mentoring/pairs/{p}/meetings/new": [302, 200, 404, 404, 404, 404],
    "/staff/cohorts/{k}/mentoring": [302, 403, 403, 200, 403, 403],
    "/staff/mentoring/pairs/{p}/end": [302, 403, 403, 200, 403, 403],
    "/mentoring": [302, 403, 403, 403, 200, 403],
    "/mentoring/my-mentor": [302, 200, 200, 403, 403, 403],
}


@pytest.mark.parametrize("role", ROLES)
def test_role_pair_page_table(client, login, user_factory, role):
    world = a_pair()
    users = {"participant": world.person, "other applicant": user_factory(), "staff": user_factory(staff=True),
             "other mentor": user_factory(mentor=True), "reviewer": user_factory(reviewer=True)}
    if role != "anonymous":
        login(users[role])
    column = ROLES.index(role)
    ids = {"p": world.pair.id, "k": world.cohort.id}
    got = {page: client.get(page.format(**ids)).status_code for page in PAIR_PAGES}
    assert got == {page: statuses[column] for page, statuses in PAIR_PAGES.items()}
