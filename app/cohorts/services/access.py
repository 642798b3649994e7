"""Who sees which cohort: a participant only the cohorts they are admitted to (anything else is a 404); a
mentor's calendar also lists the sessions of the cohorts they serve."""

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from app.cohorts.models import Cohort, CohortParticipant, CohortSession, ParticipantStatus
from app.extensions import db


def is_participant(user, cohort: Cohort) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(CohortParticipant.id).where(
        CohortParticipant.cohort_id == cohort.id, CohortParticipant.user_id == user.id,
        CohortParticipant.status == ParticipantStatus.ADMITTED)) is not None


def may_see_session(user, session: CohortSession) -> bool:
    return is_participant(user, session.cohort)


def cohorts_of(user_id: int) -> list[Cohort]:
    return list(db.session.scalars(
        select(Cohort).join(CohortParticipant, CohortParticipant.cohort_id == Cohort.id)
        .where(CohortParticipant.user_id == user_id, CohortParticipant.status == ParticipantStatus.ADMITTED)
        .order_by(Cohort.starts_on, Cohort.id)))


def sessions_for(user_id: int) -> list[CohortSession]:
    """Every session of the cohorts `user_id` is admitted to or serves as a mentor, in time order."""
    from app.mentoring.models import CohortMentor  # mentoring builds on cohorts: imported late, no cycle

    admitted = select(CohortParticipant.cohort_id).where(
        CohortParticipant.user_id == user_id, CohortParticipant.status == ParticipantStatus.ADMITTED)
    served = select(CohortMentor.cohort_id).where(CohortMentor.mentor_id == user_id)
    return list(db.session.scalars(
        select(CohortSession).options(joinedload(CohortSession.cohort))
        .where(or_(CohortSession.cohort_id.in_(admitted), CohortSession.cohort_id.in_(served)))
        .order_by(CohortSession.starts_at, CohortSession.id)))
