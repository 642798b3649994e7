"""A participant's pages and calendar: times in their zone, Denpasar and Darwin side by side for cross-border
sessions (10:00 Denpasar = 11:30 Darwin, in the page and in the .ics parsed back), private and revocable feeds, and
404 for a cohort one is not in."""

import re
from datetime import UTC, datetime

from icalendar import Calendar

from tests.cohorts.factories import CohortFactory, ParticipantFactory, SessionFactory, accepted_in
from tests.core.test_html import assert_valid
from tests.factories import EditionFactory, UserFactory
from tests.helpers import submit, text


def _participant(locale: str = "en", timezone: str = "Asia/Makassar", **cohort):
    edition = EditionFactory()
    the_cohort = CohortFactory(edition=edition, **cohort)
    application = accepted_in(edition, locale=locale, timezone=timezone)
    ParticipantFactory(cohort=the_cohort, application=application)
    return the_cohort, application.applicant


def test_a_cross_border_session_shows_denpasar_and_darwin_times_side_by_side(client, login):
    cohort, person = _participant()
    SessionFactory(cohort=cohort, facilitator="Sarah Nguyen", facilitator_in_darwin=True)
    login(person)
    page = text(client.get(f"/cohorts/{cohort.id}"))
    assert re.search(r"Wed 1 Sep 2027, 10:00–12:00</time> <small>Denpasar time", page), page
    assert re.search(r"Wed 1 Sep 2027, 11:30–13:30</time> <small>Darwin time", page), page
    assert_valid(page, "my cohort")
    home = text(client.get("/home"))
    assert "11:30–13:30" in home and cohort.name_en in home
    assert_valid(home, "home with the cohort panel")


def test_an_in_person_session_shows_in_the_viewers_own_zone_only(client, login):
    cohort, person = _participant(timezone="Australia/Darwin", mode="in_person")
    SessionFactory(cohort=cohort)
    login(person)
    page = text(client.get(f"/cohorts/{cohort.id}"))
    assert "11:30–13:30</time> <small>Darwin time" in page
    assert "Denpasar time" not in page


def test_the_session_ics_carries_utc_times_that_read_11_30_in_darwin(client, login):
    cohort, person = _participant()
    session = SessionFactory(cohort=cohort, online_url="https://meet.example.org/x", place="Dharma Negara Alaya")
    login(person)
    response = client.get(f"/cohorts/sessions/{session.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    (event,) = Calendar.from_ical(response.data).walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == datetime(2027, 9, 1, 2, 0, tzinfo=UTC)
    from zoneinfo import ZoneInfo

    assert start.astimezone(ZoneInfo("Australia/Darwin")).strftime("%H:%M") == "11:30"
    assert start.astimezone(ZoneInfo("Asia/Makassar")).strftime("%H:%M") == "10:00"
    assert str(event["summary"]) == session.title_en  # the participant's language
    assert str(event["location"]) == "Dharma Negara Alaya" and str(event["url"]) == "https://meet.example.org/x"
    assert re.fullmatch(rf"cohort-session-{session.id}@[a-z0-9.-]+", str(event["uid"]))


def test_the_feed_is_private_stable_and_revoked_by_a_reset(client, login, app):
    cohort, person = _participant(locale="id")
    first = SessionFactory(cohort=cohort)
    SessionFactory(cohort=CohortFactory(), title_ind="Bukan sesi saya")  # another cohort's session
    login(person)
    page = text(client.get("/cohorts"))
    assert cohort.name_ind in page and 'id="feed-url"' not in page
    assert_valid(page, "my cohorts")
    assert submit(client, "/cohorts/calendar-link", {}, page="/cohorts").status_code == 302
    page = text(client.get("/cohorts"))
    feed_url = re.search(r'id="feed-url" value="([^"]+)"', page).group(1)
    assert_valid(page, "my cohorts with a feed")
    path = feed_url.split("://", 1)[1].split("/", 1)[1]
    anonymous = app.test_client()
    response = anonymous.get(f"/{path}")
    assert response.status_code == 200
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [first.title_ind]  # in Indonesian, only their own sessions
    assert events[0].decoded("dtstart") == datetime(2027, 9, 1, 2, 0, tzinfo=UTC)
    uid = str(events[0]["uid"])
    assert str(Calendar.from_ical(anonymous.get(f"/{path}").data).walk("VEVENT")[0]["uid"]) == uid  # stable

    assert submit(client, "/cohorts/calendar-link", {}, page="/cohorts").status_code == 302  # reset
    assert anonymous.get(f"/{path}").status_code == 404  # the old address is dead
    new_url = re.search(r'id="feed-url" value="([^"]+)"', text(client.get("/cohorts"))).group(1)
    assert new_url != feed_url
    assert anonymous.get("/" + new_url.split("://", 1)[1].split("/", 1)[1]).status_code == 200
    assert anonymous.get("/calendar/not-a-token.ics").status_code == 404
    assert anonymous.get("/calendar/" + "A" * 43 + ".ics").status_code == 404


def test_a_participant_of_cohort_a_cannot_open_cohort_b(client, login):
    cohort_a, person = _participant()
    cohort_b = CohortFactory()
    session_b = SessionFactory(cohort=cohort_b)
    login(person)
    assert client.get(f"/cohorts/{cohort_a.id}").status_code == 200
    assert client.get(f"/cohorts/{cohort_b.id}").status_code == 404
    assert client.get(f"/cohorts/sessions/{session_b.id}.ics").status_code == 404


def test_staff_and_withdrawn_participants_get_404_on_participant_pages(client, login, app):
    cohort, person = _participant()
    session = SessionFactory(cohort=cohort)
    login(UserFactory(staff=True))
    assert client.get(f"/cohorts/{cohort.id}").status_code == 404
    assert client.get(f"/cohorts/sessions/{session.id}.ics").status_code == 404
    from app.cohorts.models import CohortParticipant, ParticipantStatus
    from app.extensions import db

    db.session.execute(db.update(CohortParticipant).values(status=ParticipantStatus.WITHDRAWN))
    db.session.commit()
    other = app.test_client()
    login(person, on=other)
    assert other.get(f"/cohorts/{cohort.id}").status_code == 404


def test_someone_in_no_cohort_sees_an_empty_page_and_no_panel(client, login):
    login(UserFactory(locale="en"))
    page = text(client.get("/cohorts"))
    assert "You are not in an incubator cohort yet." in page
    assert "cohort-panel-title" not in text(client.get("/home"))
