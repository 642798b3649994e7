"""Reminders through the outbox, each queued at most once (`app.core.reminders.remind_once`):
- a session starting in the next 24 hours, to each admitted participant and each mentor serving the cohort;
- a required milestone due in the next 3 days (Denpasar's calendar), to each admitted participant without a report
  submitted or accepted for it.
Mails are in the recipient's language, times in the recipient's zone. Run by `flask cohorts remind` (cron).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.accounts.models import User
from app.cohorts.models import (
    Cohort,
    CohortParticipant,
    CohortSession,
    Milestone,
    ParticipantStatus,
    ProgressReport,
    ReportStatus,
)
from app.cohorts.services.times import span
from app.core.clock import now_utc
from app.core.i18n import TimeZone
from app.core.reminders import remind_once
from app.extensions import db
from app.mentoring.models import CohortMentor

SESSION_AHEAD = timedelta(hours=24)
MILESTONE_DAYS_AHEAD = 3


@dataclass
class Sent:
    sessions: int = 0
    milestones: int = 0


def _participants(cohort_ids: set[int]) -> dict[int, list[User]]:
    people: dict[int, list[User]] = {}
    for cohort_id, user in db.session.execute(
            select(CohortParticipant.cohort_id, User).join(User, User.id == CohortParticipant.user_id)
            .where(CohortParticipant.cohort_id.in_(cohort_ids),
                   CohortParticipant.status == ParticipantStatus.ADMITTED, User.active.is_(True))
            .order_by(User.id)):
        people.setdefault(cohort_id, []).append(user)
    return people


def _mentors(cohort_ids: set[int]) -> dict[int, list[User]]:
    people: dict[int, list[User]] = {}
    for cohort_id, user in db.session.execute(
            select(CohortMentor.cohort_id, User).join(User, User.id == CohortMentor.mentor_id)
            .where(CohortMentor.cohort_id.in_(cohort_ids), User.active.is_(True)).order_by(User.id)):
        people.setdefault(cohort_id, []).append(user)
    return people


def remind_sessions(now: datetime) -> int:
    sessions = list(db.session.scalars(
        select(CohortSession).where(CohortSession.starts_at > now, CohortSession.starts_at <= now + SESSION_AHEAD)
        .order_by(CohortSession.starts_at, CohortSession.id)))
    cohort_ids = {session.cohort_id for session in sessions}
    participants, mentors = _participants(cohort_ids), _mentors(cohort_ids)
    sent = 0
    for session in sessions:
        people = [(user, False) for user in participants.get(session.cohort_id, [])]
        people += [(user, True) for user in mentors.get(session.cohort_id, [])]
        for user, mentor in people:  # a mentor's link is their own home page, not the participants' cohort page
            sent += remind_once(user, "cohorts.session", session.id, "cohorts/mail/session_reminder",
                                session=session, cohort=session.cohort, span=span, zone=user.timezone, mentor=mentor)
    return sent


def remind_milestones(now: datetime) -> int:
    today = now.astimezone(ZoneInfo(TimeZone.DENPASAR.value)).date()
    milestones = list(db.session.scalars(
        select(Milestone).join(Cohort, Cohort.id == Milestone.cohort_id)
        .where(Milestone.required.is_(True), Milestone.due_on >= today,
               Milestone.due_on <= today + timedelta(days=MILESTONE_DAYS_AHEAD))
        .order_by(Milestone.due_on, Milestone.id)))
    if not milestones:
        return 0
    participants = _participants({milestone.cohort_id for milestone in milestones})
    reported = set(db.session.execute(
        select(ProgressReport.milestone_id, ProgressReport.participant_id)
        .where(ProgressReport.milestone_id.in_([m.id for m in milestones]),
               ProgressReport.status.in_([ReportStatus.SUBMITTED, ReportStatus.ACCEPTED]))).tuples())
    rows = db.session.execute(
        select(CohortParticipant.cohort_id, CohortParticipant.user_id, CohortParticipant.id)
        .where(CohortParticipant.cohort_id.in_({m.cohort_id for m in milestones})))
    participant_ids = {(cohort_id, user_id): participant_id for cohort_id, user_id, participant_id in rows}
    sent = 0
    for milestone in milestones:
        for user in participants.get(milestone.cohort_id, []):
            if (milestone.id, participant_ids.get((milestone.cohort_id, user.id))) in reported:
                continue
            sent += remind_once(user, "cohorts.milestone", milestone.id, "cohorts/mail/milestone_reminder",
                                milestone=milestone, cohort=milestone.cohort)
    return sent


def send_reminders(now: datetime | None = None) -> Sent:
    """Queue the reminders due at `now` (default: the clock's now); what was queued before is not queued again."""
    now = now or now_utc()
    return Sent(sessions=remind_sessions(now), milestones=remind_milestones(now))
