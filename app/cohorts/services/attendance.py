"""Attendance: staff mark each admitted participant present, late, absent or excused at a session, one tap each,
and the rates the completion rule reads.

A tap is a claim on (session, participant): the session's row is locked and the mark re-read before it is written,
so a double tap (or two staff phones) leaves one row, updated; the unique (session, participant) index is the
backstop.
"""

import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.audit import services as audit
from app.cohorts.models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    CohortParticipant,
    CohortSession,
    ParticipantStatus,
)
from app.core.clock import now_utc
from app.core.errors import InvalidState
from app.core.locking import relock
from app.core.permissions import require_staff
from app.extensions import db

NOT_STAFF = _l("Only staff may take attendance.")
ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


@dataclass(frozen=True)
class AttendanceRate:
    """Sessions attended out of those counted (held, and not excused); `percent` rounded down, 100 when none
    counted."""

    attended: int
    counted: int
    percent: int


MARKED = audit.register_action("cohorts.attendance.marked", _l("Attendance marked"))


def _rate(attended: int, counted: int) -> AttendanceRate:
    return AttendanceRate(attended, counted, attended * 100 // counted if counted else 100)


def attendance_rates(cohort: Cohort, now: datetime | None = None) -> dict[int, AttendanceRate]:
    """Each admitted participant's rate over the cohort's sessions ended before `now`; no mark counts as absent, an
    excused session leaves that participant's denominator."""
    now = now or now_utc()
    held = list(db.session.scalars(select(CohortSession.id).where(CohortSession.cohort_id == cohort.id,
                                                                 CohortSession.ends_at <= now)))
    people = list(db.session.scalars(select(CohortParticipant.id).where(
        CohortParticipant.cohort_id == cohort.id, CohortParticipant.status == ParticipantStatus.ADMITTED)))
    attended: Counter[int] = Counter()
    excused: Counter[int] = Counter()
    if held and people:
        marks = db.session.execute(select(Attendance.participant_id, Attendance.status).where(
            Attendance.session_id.in_(held), Attendance.participant_id.in_(people)))
        for participant_id, status in marks:
            if status in ATTENDED:
                attended[participant_id] += 1
            elif status == AttendanceStatus.EXCUSED:
                excused[participant_id] += 1
    return {pid: _rate(attended[pid], len(held) - excused[pid]) for pid in people}


@dataclass
class Row:
    """One line of the attendance sheet: the person and their mark (None until tapped)."""

    participant: CohortParticipant
    user: User
    mark: Attendance | None


def sheet(session: CohortSession) -> list[Row]:
    """The admitted participants of the session's cohort, by name, with their mark at this session."""
    rows = db.session.execute(
        select(CohortParticipant, User, Attendance).join(User, User.id == CohortParticipant.user_id)
        .outerjoin(Attendance, (Attendance.participant_id == CohortParticipant.id)
                   & (Attendance.session_id == session.id))
        .where(CohortParticipant.cohort_id == session.cohort_id,
               CohortParticipant.status == ParticipantStatus.ADMITTED)
        .order_by(User.name, User.id))
    return [Row(participant, user, mark) for participant, user, mark in rows]


def counts(rows: list[Row]) -> dict[AttendanceStatus, int]:
    """How many of each mark, every status listed (0 included), plus the people not marked yet under None."""
    tally = Counter(row.mark.status if row.mark else None for row in rows)
    return {status: tally[status] for status in AttendanceStatus} | {None: tally[None]}  # type: ignore[dict-item]


def mark(actor, session: CohortSession, participant_id: int, status: str) -> Attendance:
    """Set `participant_id`'s mark at `session` (a new tap replaces the old one). The person must be admitted to the
    session's cohort."""
    require_staff(actor, NOT_STAFF)
    status = AttendanceStatus(status)
    session = relock(session)  # one tap at a time per session: the check and the insert below stay one step
    participant = db.session.get(CohortParticipant, participant_id)
    if (participant is None or participant.cohort_id != session.cohort_id
            or participant.status != ParticipantStatus.ADMITTED):
        raise InvalidState(_l("This person is not admitted to the session's cohort."), field="status")
    record = db.session.scalar(select(Attendance).where(Attendance.session_id == session.id,
                                                        Attendance.participant_id == participant.id)
                               .execution_options(populate_existing=True))
    pause = current_app.config.get("TEST_SLEEP_AFTER_CHECK_S")
    if pause:  # tests widen the gap between the read and the insert, to show what the lock prevents
        time.sleep(float(pause))
    key = f"session_{session.id}"  # on the participant's history, keyed by session, so each mark reads alone
    before = {key: audit.snapshot(record, "status")["status"] if record is not None else None}
    if record is None:
        record = Attendance(session_id=session.id, participant_id=participant.id)
        db.session.add(record)
    record.status = status
    record.marked_by_id = actor.id
    record.marked_at = now_utc()
    db.session.flush()
    audit.record(actor, MARKED, participant, before=before, after={key: audit.snapshot(record, "status")["status"]})
    return record
