"""Mentor profiles through the real forms: a mentor edits their own, staff list every mentor and edit anyone's;
bad input is refused on the field and nothing is stored."""

import re
from datetime import time

from app.core.i18n import TimeZone
from app.mentoring.services.profiles import profile_of
from tests.core.test_html import assert_valid
from tests.factories import UserFactory
from tests.helpers import field_error, submit, text
from tests.mentoring.factories import MentorProfileFactory
from tests.mentoring.scenario import browser_of

GOOD = {"organisation": "Charles Darwin University", "country": "au", "subsectors": ["culinary", "fashion"],
        "functions": ["export", "marketing"], "languages": ["en", "id"], "capacity": "4",
        "hours_start": "08:30", "hours_end": "16:00", "zone": "Australia/Darwin",
        "bio": "Exported Top End mangoes to Asia for ten years."}


def test_a_mentor_fills_in_their_profile(client, login):
    mentor = UserFactory(mentor=True)
    login(mentor)
    page = text(client.get("/mentoring/profile"))
    assert "My mentor profile" in page and "No profile yet" in page
    assert_valid(page, "profile form")
    response = submit(client, "/mentoring/profile", GOOD)
    assert response.status_code == 302
    profile = profile_of(mentor.id)
    assert (profile.organisation, profile.country, profile.subsectors, profile.functions, profile.languages,
            profile.capacity, profile.hours_start, profile.hours_end, profile.zone) == (
        "Charles Darwin University", "AU", ["culinary", "fashion"], ["export", "marketing"], ["en", "id"], 4,
        time(8, 30), time(16, 0), TimeZone.DARWIN)
    again = text(client.get("/mentoring/profile"))
    assert re.search(r'<input checked id="subsectors-\d+" name="subsectors" type="checkbox" value="fashion">', again)
    assert not re.search(r'<input checked [^>]*value="music">', again)
    assert "Charles Darwin University" in again


def test_bad_profile_input_is_refused_on_the_field(client, login):
    mentor = UserFactory(mentor=True)
    login(mentor)
    cases = [({"capacity": "21"}, "capacity", "Enter a whole number from 1 to 20."),
             ({"capacity": "0"}, "capacity", "Enter a whole number from 1 to 20."),
             ({"languages": []}, "languages", "Tick at least one language you can mentor in."),
             ({"hours_end": "08:30"}, "hours_end", "Working hours cannot start and end at the same time."),
             ({"country": "Australia"}, "country", "Enter the two-letter country code, such as AU or ID."),
             ({"hours_start": "25:00"}, "hours_start", "Enter a time such as 09:00.")]
    for change, field, message in cases:
        response = submit(client, "/mentoring/profile", {**GOOD, **change})
        assert response.status_code == 200, change
        assert field_error(text(response), field) == message, change
    assert profile_of(mentor.id) is None


def test_staff_list_the_mentors_and_edit_any_profile(client, login):
    with_profile = MentorProfileFactory(organisation="Darwin Innovation Hub")
    without = UserFactory(mentor=True, name="Zed Without Profile")
    UserFactory(name="Just An Applicant")
    login(UserFactory(staff=True, locale="en"))
    page = text(client.get("/staff/mentors"))
    assert with_profile.user.name in page and "Darwin Innovation Hub" in page and "Culinary" in page
    assert "Zed Without Profile" in page and "No profile yet." in page
    assert "Just An Applicant" not in page
    assert_valid(page, "mentor list")
    response = submit(client, f"/staff/mentors/{without.id}/profile", {**GOOD, "capacity": "2"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/mentors")
    assert profile_of(without.id).capacity == 2


def test_only_the_mentor_and_staff_edit_a_profile(app, login):
    mentor_a = MentorProfileFactory().user
    applicant = UserFactory()
    mentor_b = browser_of(app, login, UserFactory(mentor=True))
    assert mentor_b.get(f"/staff/mentors/{mentor_a.id}/profile").status_code == 403
    assert mentor_b.get("/staff/mentors").status_code == 403
    assert browser_of(app, login, applicant).get("/mentoring/profile").status_code == 403
    staff = browser_of(app, login, UserFactory(staff=True, locale="en"))
    assert staff.get(f"/staff/mentors/{applicant.id}/profile").status_code == 404  # not a mentor
    assert staff.get("/staff/mentors/999999/profile").status_code == 404


def test_the_menu_shows_my_profile_to_mentors_and_mentors_to_staff(app, login):
    assert 'href="/mentoring/profile"' in text(browser_of(app, login, UserFactory(mentor=True)).get("/"))
    assert 'href="/staff/mentors"' in text(browser_of(app, login, UserFactory(staff=True, locale="en")).get("/"))
