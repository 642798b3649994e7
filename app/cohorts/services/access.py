"""Who sees which cohort: a participant only the cohorts they are admitted to (anything else is a 404)."""

from sqlalchemy import select

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
    """Every session of the cohorts `user_id` is admitted to, in time order."""
    return list(db.session.scalars(
        select(CohortSession).join(CohortParticipant, CohortParticipant.cohort_id == CohortSession.cohort_id)
        .where(CohortParticipant.user_id == user_id, CohortParticipant.status == ParticipantStatus.ADMITTED)
        .order_by(CohortSession.starts_at, CohortSession.id)))
