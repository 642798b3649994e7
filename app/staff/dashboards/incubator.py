"""The incubator side of an edition's dashboard (its cohorts: `Cohort.edition_id`): attendance per session, milestone
completion, mentoring activity. One statement per chart, plus one for the cohorts and their admitted participants.

"Quiet" pairs are the mentoring domain's rule (`mentoring.services.overview.PairLine.quiet`, which the reminders use),
written again here over one grouped row per pair: an active (accepted) pair whose last contact — its last meeting,
else the day the mentor accepted — is at least `QUIET_AFTER` before today in Denpasar. Only the constant is imported.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, select

from app.cohorts.models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    CohortParticipant,
    CohortSession,
    Milestone,
    ParticipantStatus,
    ProgressReport,
    ReportStatus,
)
from app.core.replica import reads
from app.mentoring.models import Meeting, Mentorship, MentorshipStatus
from app.mentoring.services.overview import QUIET_AFTER

ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)
MEETING_BUCKETS = 5  # pairs with 0, 1, 2, 3, 4 and "5 or more" meetings


def _count(condition) -> object:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


@dataclass(frozen=True)
class CohortLine:
    cohort_id: int
    name_ind: str
    name_en: str
    admitted: int

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_ind


def cohorts(edition_id: int) -> dict[int, CohortLine]:
    """The edition's cohorts in date order, with their admitted participants."""
    rows = reads().execute(
        select(Cohort.id, Cohort.name_ind, Cohort.name_en,
               _count(CohortParticipant.status == ParticipantStatus.ADMITTED))
        .outerjoin(CohortParticipant, CohortParticipant.cohort_id == Cohort.id)
        .where(Cohort.edition_id == edition_id)
        .group_by(Cohort.id, Cohort.name_ind, Cohort.name_en, Cohort.starts_on).order_by(Cohort.starts_on, Cohort.id))
    return {row[0]: CohortLine(row[0], row[1], row[2], int(row[3])) for row in rows}


@dataclass(frozen=True)
class SessionAttendance:
    session_id: int
    cohort_id: int
    title_ind: str
    title_en: str
    starts_at: datetime
    attended: int  # present or late
    absent: int
    excused: int

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" and self.title_en else self.title_ind


def attendance(edition_id: int) -> list[SessionAttendance]:
    """Marks per session of the edition's cohorts, in time order (sessions without marks too)."""
    rows = reads().execute(
        select(CohortSession.id, CohortSession.cohort_id, CohortSession.title_ind, CohortSession.title_en,
               CohortSession.starts_at, _count(Attendance.status.in_(ATTENDED)),
               _count(Attendance.status == AttendanceStatus.ABSENT),
               _count(Attendance.status == AttendanceStatus.EXCUSED))
        .join(Cohort, Cohort.id == CohortSession.cohort_id)
        .outerjoin(Attendance, Attendance.session_id == CohortSession.id)
        .where(Cohort.edition_id == edition_id)
        .group_by(CohortSession.id, CohortSession.cohort_id, CohortSession.title_ind, CohortSession.title_en,
                  CohortSession.starts_at)
        .order_by(CohortSession.starts_at, CohortSession.id))
    return [SessionAttendance(*row[:5], *(int(n) for n in row[5:])) for row in rows]


@dataclass(frozen=True)
class MilestoneCompletion:
    milestone_id: int
    cohort_id: int
    title_ind: str
    title_en: str
    due_on: date
    required: bool
    accepted: int
    waiting: int  # submitted, not yet reviewed
    changes: int  # changes requested

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" and self.title_en else self.title_ind


def milestones(edition_id: int) -> list[MilestoneCompletion]:
    """Reports per milestone of the edition's cohorts and their state, by due date."""
    rows = reads().execute(
        select(Milestone.id, Milestone.cohort_id, Milestone.title_ind, Milestone.title_en, Milestone.due_on,
               Milestone.required, _count(ProgressReport.status == ReportStatus.ACCEPTED),
               _count(ProgressReport.status == ReportStatus.SUBMITTED),
               _count(ProgressReport.status == ReportStatus.CHANGES_REQUESTED))
        .join(Cohort, Cohort.id == Milestone.cohort_id)
        .outerjoin(ProgressReport, ProgressReport.milestone_id == Milestone.id)
        .where(Cohort.edition_id == edition_id)
        .group_by(Milestone.id, Milestone.cohort_id, Milestone.title_ind, Milestone.title_en, Milestone.due_on,
                  Milestone.required)
        .order_by(Milestone.due_on, Milestone.id))
    return [MilestoneCompletion(*row[:6], *(int(n) for n in row[6:])) for row in rows]


@dataclass
class CohortMentoring:
    pairs: int = 0  # pairs that were active (accepted, or ended after being accepted or offered)
    active: int = 0
    meetings: int = 0
    quiet: int = 0


@dataclass
class Mentoring:
    per_cohort: dict[int, CohortMentoring] = field(default_factory=dict)
    # pairs by meetings held: index n = n meetings, the last index = MEETING_BUCKETS or more
    by_meetings: list[int] = field(default_factory=lambda: [0] * (MEETING_BUCKETS + 1))

    @property
    def total(self) -> CohortMentoring:
        whole = CohortMentoring()
        for line in self.per_cohort.values():
            whole.pairs += line.pairs
            whole.active += line.active
            whole.meetings += line.meetings
            whole.quiet += line.quiet
        return whole


def mentoring(edition_id: int, today: date) -> Mentoring:
    """Meetings per pair and quiet pairs of the edition's cohorts: one grouped row per pair (declined offers left
    out: they never met), folded here. `today` is the Denpasar day quiet spells are counted to."""
    rows = reads().execute(
        select(Mentorship.id, Mentorship.cohort_id, Mentorship.status, Mentorship.responded_at,
               func.count(Meeting.id), func.max(Meeting.held_on))
        .join(Cohort, Cohort.id == Mentorship.cohort_id)
        .outerjoin(Meeting, Meeting.mentorship_id == Mentorship.id)
        .where(Cohort.edition_id == edition_id, Mentorship.status != MentorshipStatus.DECLINED)
        .group_by(Mentorship.id, Mentorship.cohort_id, Mentorship.status, Mentorship.responded_at))
    result = Mentoring()
    buckets: Counter = Counter()
    for _pair_id, cohort_id, status, responded_at, meetings, last_meeting in rows:
        line = result.per_cohort.setdefault(cohort_id, CohortMentoring())
        meetings = int(meetings)
        if status == MentorshipStatus.OFFERED and not meetings:
            continue  # waiting for the mentor's answer: not a pair yet
        line.pairs += 1
        line.meetings += meetings
        buckets[min(meetings, MEETING_BUCKETS)] += 1
        if status == MentorshipStatus.ACCEPTED:
            line.active += 1
            if isinstance(last_meeting, str):  # SQLite's max() of a DATE column
                last_meeting = date.fromisoformat(last_meeting)
            last_contact = last_meeting or (responded_at.date() if responded_at else None)
            if last_contact is not None and today - last_contact >= QUIET_AFTER:
                line.quiet += 1
    result.by_meetings = [buckets[n] for n in range(MEETING_BUCKETS + 1)]
    return result
