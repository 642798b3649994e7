"""Who a mentor may see: only their own mentees (a mentorship offered to them or accepted by them), and only the
cohorts they serve. Everything else answers 404 in the routes (its existence is private)."""

from sqlalchemy import select

from app.cohorts.models import CohortParticipant
from app.extensions import db
from app.mentoring.models import CohortMentor, Mentorship, MentorshipStatus

SEEN_BY_MENTOR = (MentorshipStatus.OFFERED, MentorshipStatus.ACCEPTED)


def is_mentor_of(user, participant: CohortParticipant) -> bool:
    """True when `user` is the participant's mentor (offered or active)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(Mentorship.id).where(
        Mentorship.participant_id == participant.id, Mentorship.mentor_id == user.id,
        Mentorship.status.in_(SEEN_BY_MENTOR))) is not None


def may_see_mentorship(user, mentorship: Mentorship) -> bool:
    """The mentor (while offered or active) and the participant themself."""
    if not getattr(user, "is_authenticated", False):
        return False
    if mentorship.mentor_id == user.id:
        return mentorship.status in SEEN_BY_MENTOR
    return mentorship.participant.user_id == user.id


def serves(user, cohort_id: int) -> bool:
    """True when `user` is one of the cohort's mentors."""
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(CohortMentor.id).where(
        CohortMentor.cohort_id == cohort_id, CohortMentor.mentor_id == user.id)) is not None
