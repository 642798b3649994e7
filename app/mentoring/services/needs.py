"""A participant's needs for mentoring in a cohort: what the matcher reads for them."""

from datetime import time

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.cohorts.models import Cohort, CohortParticipant, ParticipantStatus
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import TimeZone
from app.core.vocab import Subsector
from app.extensions import db
from app.mentoring.models import CohortMentor, MentorProfile, ParticipantNeeds
from app.mentoring.services.profiles import clean
from app.mentoring.vocab import Function, Language

MAX_PREFERRED = 3


def participant_in(user, cohort: Cohort) -> CohortParticipant | None:
    """The user's admitted place in the cohort, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(CohortParticipant).where(
        CohortParticipant.cohort_id == cohort.id, CohortParticipant.user_id == user.id,
        CohortParticipant.status == ParticipantStatus.ADMITTED))


def needs_of(participant_id: int) -> ParticipantNeeds | None:
    return db.session.scalar(select(ParticipantNeeds).where(ParticipantNeeds.participant_id == participant_id))


def cohorts_with_needs(user_id: int) -> set[int]:
    """Ids of the cohorts in which the user has stated their needs."""
    return set(db.session.scalars(
        select(CohortParticipant.cohort_id)
        .join(ParticipantNeeds, ParticipantNeeds.participant_id == CohortParticipant.id)
        .where(CohortParticipant.user_id == user_id)))


def cohort_mentors(cohort_id: int) -> list[tuple[User, MentorProfile | None, CohortMentor]]:
    """The cohort's mentors with their profile, by name."""
    rows = db.session.execute(
        select(User, MentorProfile, CohortMentor).join(CohortMentor, CohortMentor.mentor_id == User.id)
        .outerjoin(MentorProfile, MentorProfile.user_id == User.id)
        .where(CohortMentor.cohort_id == cohort_id).order_by(User.name, User.id))
    return [tuple(row) for row in rows]  # type: ignore[misc]


def mentor_label(user: User, profile: MentorProfile | None) -> str:
    return f"{user.name} · {profile.organisation}" if profile is not None and profile.organisation else user.name


def save_needs(actor, participant: CohortParticipant, *, subsectors: list[str], topics: list[str],
               languages: list[str], preferred_language: str | None, hours_start: time, hours_end: time, zone: str,
               preferred_mentor_ids: list[int | None], share_phone: bool) -> ParticipantNeeds:
    """Create or update the participant's needs; only the participant themself, while admitted."""
    if getattr(actor, "id", None) != participant.user_id or participant.status != ParticipantStatus.ADMITTED:
        raise NotAllowed(_l("Only the participant may state their needs."))
    languages = clean(languages, Language)
    if not languages:
        raise DomainError(_l("Tick at least one language you can be mentored in."), field="languages")
    preferred_language = preferred_language or None
    if preferred_language is not None and preferred_language not in languages:
        raise DomainError(_l("Your preferred language must be one of the languages you ticked."),
                          field="preferred_language")
    if hours_start == hours_end:
        raise DomainError(_l("The times cannot start and end at the same time."), field="hours_end")
    if zone not in {member.value for member in TimeZone}:
        raise DomainError(_l("Choose a time zone from the list."), field="zone")
    preferred = _preferred(participant.cohort_id, preferred_mentor_ids)
    needs = needs_of(participant.id)
    if needs is None:
        needs = ParticipantNeeds(participant_id=participant.id)
        db.session.add(needs)
    needs.subsectors = clean(subsectors, Subsector)
    needs.topics = clean(topics, Function)
    needs.languages = languages
    needs.preferred_language = preferred_language
    needs.hours_start, needs.hours_end = hours_start, hours_end
    needs.zone = TimeZone(zone)
    needs.preferred_mentor_ids = preferred
    needs.share_phone = bool(share_phone)
    db.session.flush()
    return needs


def _preferred(cohort_id: int, chosen: list[int | None]) -> list[int]:
    """The chosen mentors, best first, gaps closed; each must serve the cohort and be named once."""
    serving = {user.id for user, _profile, _link in cohort_mentors(cohort_id)}
    preferred: list[int] = []
    for position, mentor_id in enumerate(chosen[:MAX_PREFERRED], start=1):
        if mentor_id is None:
            continue
        field = f"mentor_{position}"
        if mentor_id not in serving:
            raise DomainError(_l("Choose a mentor of this cohort from the list."), field=field)
        if mentor_id in preferred:
            raise DomainError(_l("You chose this mentor already: choose another one or no preference."),
                              field=field)
        preferred.append(mentor_id)
    return preferred
