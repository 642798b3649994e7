"""A participant states their needs for mentoring (real form, CSRF on): saved as given, bad input refused on the field
with nothing stored, and the page is the participant's own (everyone else: 404)."""

from datetime import time

from app.core.i18n import TimeZone
from app.mentoring.services.needs import needs_of
from tests.cohorts.factories import CohortFactory, ParticipantFactory
from tests.core.test_html import assert_valid
from tests.factories import UserFactory
from tests.helpers import field_error, submit, text
from tests.mentoring.scenario import browser_of, mentor_in

EN = {"Accept-Language": "en"}


def _good(*mentor_ids) -> dict:
    data = {"subsectors": ["culinary"], "topics": ["export", "finance"], "languages": ["id", "en"],
            "preferred_language": "id", "hours_start": "19:00", "hours_end": "22:00", "zone": "Asia/Makassar",
            "share_phone": "y"}
    for n, mentor_id in enumerate(mentor_ids, start=1):
        data[f"mentor_{n}"] = str(mentor_id)
    return data


def _participant(app, login, cohort):
    user = UserFactory(locale="en")
    participant = ParticipantFactory(cohort=cohort, user_id=user.id)
    return participant, browser_of(app, login, user)


def test_a_participant_states_needs_and_up_to_three_preferred_mentors(app, login):
    cohort = CohortFactory()
    ana = mentor_in(cohort, organisation="Darwin Innovation Hub", name="Ana Mentor")
    ben = mentor_in(cohort, organisation="CDU", name="Ben Mentor")
    participant, browser = _participant(app, login, cohort)
    url = f"/mentoring/needs/{cohort.id}"
    page = text(browser.get(url))
    assert "Ana Mentor · Darwin Innovation Hub" in page and "Ben Mentor · CDU" in page
    assert "You have not filled this in yet" in page
    assert_valid(page, "needs form")
    response = submit(browser, url, _good(ben.id, ana.id))
    assert response.status_code == 302
    needs = needs_of(participant.id)
    assert (needs.subsectors, needs.topics, needs.languages, needs.preferred_language, needs.hours_start,
            needs.hours_end, needs.zone, needs.preferred_mentor_ids, needs.share_phone) == (
        ["culinary"], ["export", "finance"], ["en", "id"], "id", time(19), time(22), TimeZone.DENPASAR,
        [ben.id, ana.id], True)
    again = text(browser.get(url))
    assert f'<option selected value="{ben.id}">' in again and "You have not filled this in yet" not in again


def test_bad_needs_are_refused_on_the_field_and_nothing_is_stored(app, login):
    cohort = CohortFactory()
    ana = mentor_in(cohort)
    outsider = mentor_in(CohortFactory())  # mentors another cohort
    participant, browser = _participant(app, login, cohort)
    url = f"/mentoring/needs/{cohort.id}"
    cases = [({"languages": []}, "languages", "Tick at least one language you can be mentored in."),
             ({"languages": ["en"]}, "preferred_language",
              "Your preferred language must be one of the languages you ticked."),
             ({"hours_end": "19:00"}, "hours_end", "The times cannot start and end at the same time."),
             ({"mentor_1": str(outsider.id)}, "mentor_1", "Choose a mentor of this cohort from the list."),
             ({"mentor_1": str(ana.id), "mentor_2": str(ana.id)}, "mentor_2",
              "You chose this mentor already: choose another one or no preference."),
             ({"mentor_1": "12x"}, "mentor_1", "Invalid Choice: could not coerce."),
             ({"zone": "Europe/Paris"}, "zone", "Not a valid choice.")]
    for change, field, message in cases:
        response = submit(browser, url, {**_good(), **change})
        assert response.status_code == 200, change
        assert field_error(text(response), field) == message, change
    assert needs_of(participant.id) is None


def test_the_needs_page_is_the_participants_own(app, login):
    cohort = CohortFactory()
    participant, _browser = _participant(app, login, cohort)
    url = f"/mentoring/needs/{cohort.id}"
    for someone in (UserFactory(), UserFactory(staff=True), UserFactory(mentor=True)):
        assert browser_of(app, login, someone).get(url).status_code == 404
    in_other = ParticipantFactory(cohort=CohortFactory())
    assert browser_of(app, login, in_other.user).get(url).status_code == 404
    assert browser_of(app, login, participant.user).get("/mentoring/needs/999999").status_code == 404


def test_the_home_page_asks_for_needs_until_they_are_given(app, login):
    cohort = CohortFactory()
    _participant_row, browser = _participant(app, login, cohort)
    home = text(browser.get("/home"))
    assert "Tell us what you need from a mentor" in home and f'href="/mentoring/needs/{cohort.id}"' in home
    submit(browser, f"/mentoring/needs/{cohort.id}", _good())
    home = text(browser.get("/home"))
    assert "Update what you need from a mentor" in home and "Tell us what you need" not in home
    assert "Tell us what you need" not in text(browser_of(app, login, UserFactory()).get("/home"))  # in no cohort
