"""Attendance: the rates the completion rule reads (sessions held only, late counts, excused leaves the denominator),
and the staff sheet taken on a phone: one tap per person, a new tap updates the mark, the counts per status, the
same taps through the script's JSON answer, staff only."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.cohorts.models import Attendance, AttendanceStatus, ParticipantStatus
from app.cohorts.services.attendance import AttendanceRate, attendance_rates
from app.extensions import db
from tests.cohorts.factories import AttendanceFactory, CohortFactory, ParticipantFactory, SessionFactory
from tests.core.test_html import assert_valid
from tests.factories import UserFactory
from tests.helpers import csrf_token, text
from tests.mentoring.factories import MentorProfileFactory

S = AttendanceStatus
AFTER_ALL = datetime(2027, 12, 1, tzinfo=UTC)


def _sessions(cohort, count: int) -> list:
    """`count` two-hour sessions a week apart from 1 September 2027."""
    start = datetime(2027, 9, 1, 2, 0, tzinfo=UTC)
    return [SessionFactory(cohort=cohort, starts_at=start + timedelta(weeks=i)) for i in range(count)]


def _marks(person, sessions, statuses) -> None:
    for session, status in zip(sessions, statuses, strict=False):
        if status is not None:
            AttendanceFactory(session=session, participant=person, status=status)


# The rates ----------------------------------------------------------------------------------------------------

def test_present_and_late_count_as_attended_absent_and_unmarked_do_not_and_percent_rounds_down():
    cohort = CohortFactory()
    sessions = _sessions(cohort, 3)
    person = ParticipantFactory(cohort=cohort)
    _marks(person, sessions, [S.PRESENT, S.LATE, None])
    other = ParticipantFactory(cohort=cohort)
    _marks(other, sessions, [S.ABSENT, S.PRESENT, S.ABSENT])

    rates = attendance_rates(cohort, now=AFTER_ALL)

    assert rates[person.id] == AttendanceRate(attended=2, counted=3, percent=66)
    assert rates[other.id] == AttendanceRate(attended=1, counted=3, percent=33)


def test_an_excused_session_leaves_that_participants_denominator_only():
    cohort = CohortFactory()
    sessions = _sessions(cohort, 4)
    excused = ParticipantFactory(cohort=cohort)
    _marks(excused, sessions, [S.PRESENT, S.EXCUSED, S.PRESENT, S.ABSENT])
    other = ParticipantFactory(cohort=cohort)
    _marks(other, sessions, [S.PRESENT, S.PRESENT, S.PRESENT, S.ABSENT])

    rates = attendance_rates(cohort, now=AFTER_ALL)

    assert rates[excused.id] == AttendanceRate(2, 3, 66)
    assert rates[other.id] == AttendanceRate(3, 4, 75)


def test_only_sessions_ended_before_now_count_and_nothing_counted_is_100(frozen_clock):
    cohort = CohortFactory()
    first, second = _sessions(cohort, 2)
    person = ParticipantFactory(cohort=cohort)
    _marks(person, [first], [S.ABSENT])

    assert attendance_rates(cohort, now=first.starts_at)[person.id] == AttendanceRate(0, 0, 100)
    assert attendance_rates(cohort, now=first.ends_at)[person.id] == AttendanceRate(0, 1, 0)
    frozen_clock(second.ends_at)  # the default is the clock's now
    assert attendance_rates(cohort)[person.id] == AttendanceRate(0, 2, 0)


def test_withdrawn_participants_and_other_cohorts_are_left_out():
    cohort = CohortFactory()
    (session,) = _sessions(cohort, 1)
    gone = ParticipantFactory(cohort=cohort, status=ParticipantStatus.WITHDRAWN)
    elsewhere = ParticipantFactory()
    _marks(elsewhere, [SessionFactory(cohort=CohortFactory())], [S.PRESENT])
    here = ParticipantFactory(cohort=cohort)

    assert set(attendance_rates(cohort, now=AFTER_ALL)) == {here.id}
    assert gone.id not in attendance_rates(cohort, now=AFTER_ALL)


# The sheet ----------------------------------------------------------------------------------------------------

@pytest.fixture
def sheet(client, login):
    """A session of a cohort with two admitted people (Ayu, Budi) and one withdrawn, staff logged in (English)."""
    cohort = CohortFactory()
    session = SessionFactory(cohort=cohort)
    ayu = ParticipantFactory(cohort=cohort, user_id=UserFactory(name="Ayu Lestari").id)
    budi = ParticipantFactory(cohort=cohort, user_id=UserFactory(name="Budi Santoso").id)
    ParticipantFactory(cohort=cohort, user_id=UserFactory(name="Gone Away").id, status=ParticipantStatus.WITHDRAWN)
    login(UserFactory(staff=True, locale="en"))
    return session, ayu, budi


def _url(session) -> str:
    return f"/staff/cohorts/sessions/{session.id}/attendance"


def _tap(client, session, participant, status: str, **kwargs):
    token = csrf_token(text(client.get(_url(session))))
    return client.post(f"{_url(session)}/{participant.id}", data={"csrf_token": token, "status": status}, **kwargs)


def _rows(session) -> list[tuple[int, AttendanceStatus]]:
    return [tuple(row) for row in db.session.execute(
        select(Attendance.participant_id, Attendance.status).where(Attendance.session_id == session.id)
        .order_by(Attendance.participant_id))]


def test_the_sheet_lists_the_admitted_people_with_four_buttons_each(client, sheet):
    session, ayu, budi = sheet
    page = text(client.get(_url(session)))
    assert "Ayu Lestari" in page and "Budi Santoso" in page and "Gone Away" not in page
    assert page.count('name="status" value="present"') == 2 and page.count('value="excused"') == 2
    assert 'aria-pressed="true"' not in page
    assert re.search(r'Not marked yet: <strong data-count="none">2</strong>', page)
    assert 'src="/static/js/attendance.js"' in page
    assert_valid(page, "attendance sheet")


def test_a_tap_marks_the_person_and_comes_back_to_their_row(client, sheet):
    session, ayu, _budi = sheet
    response = _tap(client, session, ayu, "late")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{_url(session)}#p{ayu.id}")
    assert _rows(session) == [(ayu.id, S.LATE)]
    page = text(client.get(_url(session)))
    assert "Ayu Lestari: Late." in page  # flashed
    assert re.search(r'Late: <strong data-count="late">1</strong>', page)
    assert re.search(r'aria-pressed="true"\s+class="" data-label="Late"', page)


def test_a_second_tap_updates_the_mark_and_stays_one_row(client, sheet):
    session, ayu, budi = sheet
    _tap(client, session, ayu, "absent")
    _tap(client, session, ayu, "excused")
    _tap(client, session, budi, "present")
    assert _rows(session) == [(ayu.id, S.EXCUSED), (budi.id, S.PRESENT)]
    mark = db.session.scalar(select(Attendance).where(Attendance.participant_id == ayu.id))
    assert mark.marked_by_id is not None


def test_the_script_gets_json_with_the_new_counts(client, sheet):
    session, ayu, budi = sheet
    response = _tap(client, session, ayu, "present", headers={"Accept": "application/json"})
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["ok"] and answer["status"] == "present"
    assert answer["counts"] == {"present": 1, "late": 0, "absent": 0, "excused": 0, "none": 1}
    assert answer["message"] == "Ayu Lestari: Present."
    assert "Ayu Lestari: Present." not in text(client.get(_url(session)))  # answered, not left for the next page


def test_a_made_up_status_or_a_person_of_another_cohort_changes_nothing(client, sheet):
    session, ayu, _budi = sheet
    response = _tap(client, session, ayu, "asleep", headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.get_json()["problems"]
    stranger = ParticipantFactory()
    response = _tap(client, session, stranger, "present")
    assert response.status_code == 302
    assert "This person is not admitted to the session&#39;s cohort." in text(client.get(_url(session)))
    response = _tap(client, session, stranger, "present", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["problems"] == ["This person is not admitted to the session's cohort."]
    assert _rows(session) == []


def test_a_withdrawn_person_cannot_be_marked(client, sheet):
    session, ayu, _budi = sheet
    gone = ParticipantFactory(cohort=session.cohort, status=ParticipantStatus.WITHDRAWN)
    _tap(client, session, gone, "present")
    assert db.session.scalar(select(func.count(Attendance.id))) == 0


@pytest.mark.parametrize("who", ["applicant", "mentor", "reviewer"])
def test_only_staff_take_attendance(client, login, who):
    session = SessionFactory()
    person = ParticipantFactory(cohort=session.cohort)
    user = {"applicant": lambda: UserFactory(),
            "mentor": lambda: MentorProfileFactory().user,
            "reviewer": lambda: UserFactory(reviewer=True)}[who]()
    login(user)
    assert client.get(_url(session)).status_code == 403
    token = csrf_token(text(client.get("/profile")))
    response = client.post(f"{_url(session)}/{person.id}", data={"csrf_token": token,
                                                                 "status": "present"})
    assert response.status_code == 403
    assert _rows(session) == []


def test_anonymous_visitors_are_sent_to_log_in(client):
    session = SessionFactory()
    response = client.get(_url(session))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_unknown_session_is_404(client, sheet):
    assert client.get("/staff/cohorts/sessions/99999/attendance").status_code == 404
