"""What a mentor's home page shows: their mentees (offered and active, with the meeting count and last meeting),
the next sessions of the cohorts they serve, and their private calendar address — in a handful of queries."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from app.cohorts.models import CalendarFeed, CohortParticipant, CohortSession
from app.core.clock import now_utc
from app.extensions import db
from app.mentoring.models import CohortMentor, Meeting, Mentorship, MentorshipStatus
from app.mentoring.services.access import SEEN_BY_MENTOR

NEXT_SESSIONS = 5


@dataclass
class MenteeLine:
    pair: Mentorship
    meetings: int = 0
    last_meeting: date | None = None


@dataclass
class MentorHome:
    offered: list[MenteeLine] = field(default_factory=list)
    active: list[MenteeLine] = field(default_factory=list)
    sessions: list[CohortSession] = field(default_factory=list)
    feed: CalendarFeed | None = None


def meeting_stats(pair_ids: list[int]) -> dict[int, tuple[int, date | None]]:
    """Per mentorship id: (number of meetings, date of the last one)."""
    if not pair_ids:
        return {}
    rows = db.session.execute(
        select(Meeting.mentorship_id, func.count(Meeting.id), func.max(Meeting.held_on))
        .where(Meeting.mentorship_id.in_(pair_ids)).group_by(Meeting.mentorship_id))
    return {pair_id: (count, last) for pair_id, count, last in rows}


def mentees_of(mentor_id: int) -> list[Mentorship]:
    """The mentor's offered and active pairs with participant, person and cohort loaded (one statement)."""
    return list(db.session.scalars(
        select(Mentorship)
        .join(Mentorship.participant).join(CohortParticipant.user)
        .options(contains_eager(Mentorship.participant).contains_eager(CohortParticipant.user),
                 joinedload(Mentorship.cohort))
        .where(Mentorship.mentor_id == mentor_id, Mentorship.status.in_(SEEN_BY_MENTOR))
        .order_by(Mentorship.offered_at, Mentorship.id)))


def next_sessions_served(mentor_id: int, limit: int = NEXT_SESSIONS) -> list[CohortSession]:
    """The coming sessions (not yet ended) of the cohorts the mentor serves, soonest first."""
    return list(db.session.scalars(
        select(CohortSession).join(CohortMentor, CohortMentor.cohort_id == CohortSession.cohort_id)
        .options(joinedload(CohortSession.cohort))
        .where(CohortMentor.mentor_id == mentor_id, CohortSession.ends_at > now_utc())
        .order_by(CohortSession.starts_at, CohortSession.id).limit(limit)))


def mentor_home(mentor) -> MentorHome:
    pairs = mentees_of(mentor.id)
    stats = meeting_stats([pair.id for pair in pairs])
    home = MentorHome(sessions=next_sessions_served(mentor.id),
                      feed=db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == mentor.id)))
    for pair in pairs:
        count, last = stats.get(pair.id, (0, None))
        line = MenteeLine(pair, count, last)
        (home.active if pair.status == MentorshipStatus.ACCEPTED else home.offered).append(line)
    return home
