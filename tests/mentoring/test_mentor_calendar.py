"""A mentor's private calendar lists the sessions of the cohorts they serve: parsed back with `icalendar`, a 10:00
Denpasar session starts at 11:30 in Darwin."""

from zoneinfo import ZoneInfo

from icalendar import Calendar

from tests.cohorts.factories import TEN_IN_DENPASAR, SessionFactory
from tests.helpers import path_of, submit, text
from tests.mentoring.pair_world import a_pair


def feed_path(client) -> str:
    html = text(client.get("/mentoring"))
    start = html.index('id="feed-url" value="') + len('id="feed-url" value="')
    return path_of(html[start:html.index('"', start)])


def test_the_mentor_s_feed_lists_the_served_cohort_s_sessions_in_darwin_time(app, client, login):
    world = a_pair()
    SessionFactory(cohort=world.cohort, starts_at=TEN_IN_DENPASAR, title_en="Pricing workshop")
    SessionFactory(starts_at=TEN_IN_DENPASAR, title_en="Another cohort's workshop")
    login(world.mentor)
    submit(client, "/mentoring/calendar-link", {}, page="/mentoring")
    response = app.test_client().get(feed_path(client))  # calendar programs send no login
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = list(Calendar.from_ical(response.data).walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["Pricing workshop"]  # in the mentor's language
    start = events[0].decoded("dtstart").astimezone(ZoneInfo("Australia/Darwin"))
    assert (start.hour, start.minute) == (11, 30)
    assert events[0].decoded("dtstart").astimezone(ZoneInfo("Asia/Makassar")).hour == 10


def test_a_participant_s_feed_is_unchanged(app, client, login):
    world = a_pair()
    SessionFactory(cohort=world.cohort, starts_at=TEN_IN_DENPASAR, title_ind="Lokakarya harga")
    login(world.person)
    submit(client, "/cohorts/calendar-link", {}, page="/cohorts")
    html = text(client.get("/cohorts"))
    start = html.index('id="feed-url" value="') + len('id="feed-url" value="')
    events = Calendar.from_ical(app.test_client().get(path_of(html[start:html.index('"', start)])).data)
    assert len(list(events.walk("VEVENT"))) == 1
