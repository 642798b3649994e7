"""A double tap on the attendance sheet (ten taps on one person at once, over HTTP against the served app) leaves one
mark. With the session's lock the taps take turns, so the unique index never has to step in; the control run
switches the locks off and widens the gap between reading the mark and inserting it: on PostgreSQL the taps then
all find no mark and insert, and the unique (session, participant) index refuses all but one (the backstop, seen
here as the database's unique violations)."""

from collections.abc import Iterator

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from app.cohorts.models import Attendance, AttendanceStatus
from app.extensions import db
from tests.cohorts.factories import ParticipantFactory, SessionFactory
from tests.factories import UserFactory
from tests.live import fire, shows_race, statuses

TAPS = 10


@pytest.fixture
def unique_violations() -> Iterator[list[str]]:
    """Statements the database refused with a unique violation on the attendance table, while the test runs."""
    refused: list[str] = []

    def record(context) -> None:
        if isinstance(context.sqlalchemy_exception, IntegrityError) and "cohorts_attendance" in context.statement:
            refused.append(context.statement)

    event.listen(db.engine, "handle_error", record)
    yield refused
    event.remove(db.engine, "handle_error", record)


def _taps(visitor) -> tuple[list, int, int]:
    session = SessionFactory()
    person = ParticipantFactory(cohort=session.cohort)
    sheet = f"/staff/cohorts/sessions/{session.id}/attendance"
    desk = visitor().login(UserFactory(staff=True, locale="en"))
    token = desk.token(sheet)
    tap, session_id, person_id = f"{sheet}/{person.id}", session.id, person.id  # read here: threads have no app
    responses = fire(TAPS, lambda i: desk.post(tap, {"status": ("present", "late")[i % 2]}, token=token))
    return responses, session_id, person_id


def _marks(session_id: int, participant_id: int) -> list[AttendanceStatus]:
    return list(db.session.scalars(select(Attendance.status).where(Attendance.session_id == session_id,
                                                                  Attendance.participant_id == participant_id)))


def test_ten_taps_at_once_on_one_person_leave_one_mark(visitor, app, monkeypatch, unique_violations):
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.05)
    responses, session_id, participant_id = _taps(visitor)
    assert statuses(responses) == [302] * TAPS
    assert len(_marks(session_id, participant_id)) == 1
    assert unique_violations == []  # the lock kept the taps apart; the index never had to
    assert db.session.scalar(select(func.count(Attendance.id))) == 1


@pytest.mark.postgres
def test_control_without_locks_the_taps_collide(visitor, app, monkeypatch, locks_off, quiet_server,
                                                unique_violations):
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.3)

    def round_() -> bool:
        responses, session_id, participant_id = _taps(visitor)
        assert len(_marks(session_id, participant_id)) == 1  # the backstop still holds
        return bool(unique_violations)

    assert shows_race(round_)
