"""The curriculum through the staff form: times entered in Denpasar (or Darwin) time and stored in UTC; reversed
and overlapping times refused on the field."""

from datetime import UTC, datetime

from sqlalchemy import select

from app.cohorts.models import CohortSession, SessionKind
from app.core.i18n import TimeZone
from app.extensions import db
from tests.cohorts.factories import CohortFactory, SessionFactory
from tests.core.test_html import assert_valid
from tests.factories import UserFactory
from tests.helpers import field_error, submit, text

SESSION = {"kind": "workshop", "title_ind": "Kanvas model bisnis", "title_en": "Business model canvas",
           "facilitator": "Sarah Nguyen", "facilitator_in_darwin": "y", "zone": "Asia/Makassar",
           "starts_at": "2027-09-01T10:00", "ends_at": "2027-09-01T12:00", "place": "Dharma Negara Alaya",
           "online_url": "https://meet.example.org/abc", "language": "en"}


def _sessions() -> list[CohortSession]:
    return list(db.session.scalars(select(CohortSession).order_by(CohortSession.starts_at)))


def test_a_session_entered_in_denpasar_time_is_stored_in_utc(client, login):
    cohort = CohortFactory()
    login(UserFactory(staff=True, locale="en"))
    response = submit(client, f"/staff/cohorts/{cohort.id}/sessions/new", SESSION)
    assert response.status_code == 302
    (session,) = _sessions()
    assert session.starts_at == datetime(2027, 9, 1, 2, 0, tzinfo=UTC)  # 10:00 WITA = 02:00 UTC
    assert session.ends_at == datetime(2027, 9, 1, 4, 0, tzinfo=UTC)
    assert (session.kind, session.zone, session.facilitator_in_darwin) == (SessionKind.WORKSHOP, TimeZone.DENPASAR,
                                                                           True)
    page = text(client.get(f"/staff/cohorts/{cohort.id}"))
    assert "Business model canvas" in page and 'datetime="2027-09-01T02:00:00+00:00"' in page
    assert_valid(page, "staff cohort page with a session")
    edit = text(client.get(f"/staff/cohorts/sessions/{session.id}/edit"))
    assert 'value="2027-09-01T10:00"' in edit  # shown again in the zone it was entered in
    assert_valid(edit, "session form")


def test_a_session_entered_in_darwin_time(client, login):
    cohort = CohortFactory()
    login(UserFactory(staff=True, locale="en"))
    response = submit(client, f"/staff/cohorts/{cohort.id}/sessions/new",
                      {**SESSION, "zone": "Australia/Darwin", "starts_at": "2027-09-01T11:30",
                       "ends_at": "2027-09-01T13:30"})
    assert response.status_code == 302
    (session,) = _sessions()
    assert session.starts_at == datetime(2027, 9, 1, 2, 0, tzinfo=UTC)  # 11:30 ACST = 10:00 WITA = 02:00 UTC


def test_reversed_times_are_refused_on_the_end(client, login):
    cohort = CohortFactory()
    login(UserFactory(staff=True, locale="en"))
    response = submit(client, f"/staff/cohorts/{cohort.id}/sessions/new",
                      {**SESSION, "starts_at": "2027-09-01T12:00", "ends_at": "2027-09-01T10:00"})
    assert response.status_code == 200
    assert field_error(text(response), "ends_at") == "The session must end after it starts."
    assert_valid(text(response), "session form with errors")
    assert _sessions() == []


def test_an_overlapping_session_of_the_same_cohort_is_refused(client, login):
    cohort = CohortFactory()
    SessionFactory(cohort=cohort, title_ind="Sesi pagi")  # 10:00–12:00 Denpasar
    SessionFactory(cohort=CohortFactory(), title_ind="Kohort lain")  # another cohort at the same time: no clash
    login(UserFactory(staff=True, locale="en"))
    url = f"/staff/cohorts/{cohort.id}/sessions/new"
    response = submit(client, url, {**SESSION, "starts_at": "2027-09-01T11:00", "ends_at": "2027-09-01T13:00"})
    assert field_error(text(response), "starts_at") == "This overlaps the session “Sesi pagi” of this cohort."
    assert len(_sessions()) == 2
    # Back to back is fine.
    response = submit(client, url, {**SESSION, "starts_at": "2027-09-01T12:00", "ends_at": "2027-09-01T13:00"})
    assert response.status_code == 302


def test_editing_a_session_onto_another_is_refused_but_moving_itself_is_not(client, login):
    cohort = CohortFactory()
    first = SessionFactory(cohort=cohort, title_ind="Sesi pagi")
    second = SessionFactory(cohort=cohort, starts_at=datetime(2027, 9, 2, 2, 0, tzinfo=UTC))
    login(UserFactory(staff=True, locale="en"))
    url = f"/staff/cohorts/sessions/{second.id}/edit"
    response = submit(client, url, {**SESSION, "starts_at": "2027-09-01T09:00", "ends_at": "2027-09-01T10:30"})
    assert field_error(text(response), "starts_at") == "This overlaps the session “Sesi pagi” of this cohort."
    url = f"/staff/cohorts/sessions/{first.id}/edit"
    response = submit(client, url, {**SESSION, "starts_at": "2027-09-01T10:30", "ends_at": "2027-09-01T12:30"})
    assert response.status_code == 302
    db.session.refresh(first)
    assert first.starts_at == datetime(2027, 9, 1, 2, 30, tzinfo=UTC)


def test_a_session_needs_a_place_or_a_link_and_a_real_link(client, login):
    cohort = CohortFactory()
    login(UserFactory(staff=True, locale="en"))
    url = f"/staff/cohorts/{cohort.id}/sessions/new"
    response = submit(client, url, {**SESSION, "place": "", "online_url": ""})
    assert field_error(text(response), "place") == "Give a place or an online link (or both)."
    response = submit(client, url, {**SESSION, "online_url": "javascript:alert(1)"})
    assert field_error(text(response), "online_url") == "Enter a web address such as https://meet.example.org/abc."
    assert _sessions() == []
