"""The matcher's inputs for a cohort, read from the models (the matcher itself knows no database).

Participants: admitted, without a live mentorship, with their needs (those without needs are listed apart, "needs not
given", and not matched). Mentors: the cohort's mentors with a profile and a free seat; free = capacity (the cohort's
override, else the profile's) − their live mentorships in this cohort. Ids are CohortParticipant ids and User ids.
"""

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.cohorts.models import Cohort, CohortParticipant, ParticipantStatus
from app.extensions import db
from app.mentoring import matching
from app.mentoring.models import (
    CohortMentor,
    MentorProfile,
    Mentorship,
    PairRule,
    ParticipantNeeds,
    RuleKind,
)
from app.mentoring.services.access import SEEN_BY_MENTOR as LIVE


@dataclass
class CohortInputs:
    participants: list[matching.Participant]
    mentors: list[matching.Mentor]  # with at least one free seat
    without_needs: list[int]  # participant ids
    free: dict[int, int]  # mentor id → free seats (0 for a full mentor)
    languages: dict[int, frozenset[str]]  # every cohort mentor's languages, full ones too
    pins: dict[int, int] = field(default_factory=dict)
    forbidden: list[tuple[int, int]] = field(default_factory=list)

    @property
    def participant_ids(self) -> set[int]:
        return {participant.id for participant in self.participants}


def admitted(cohort_id: int) -> list[CohortParticipant]:
    """The cohort's admitted participants with their user, by name."""
    return list(db.session.scalars(
        select(CohortParticipant).join(CohortParticipant.user)
        .where(CohortParticipant.cohort_id == cohort_id, CohortParticipant.status == ParticipantStatus.ADMITTED)
        .options(joinedload(CohortParticipant.user)).order_by(User.name, CohortParticipant.id)))


def live_counts(cohort_id: int) -> dict[int, int]:
    """Mentor id → live (offered or accepted) mentorships in the cohort."""
    rows = db.session.execute(
        select(Mentorship.mentor_id, func.count()).where(Mentorship.cohort_id == cohort_id,
                                                         Mentorship.status.in_(LIVE))
        .group_by(Mentorship.mentor_id))
    return {mentor_id: count for mentor_id, count in rows}


def live_participants(cohort_id: int) -> set[int]:
    return set(db.session.scalars(select(Mentorship.participant_id).where(
        Mentorship.cohort_id == cohort_id, Mentorship.status.in_(LIVE))))


def waiting(cohort_id: int) -> list[tuple[CohortParticipant, ParticipantNeeds | None]]:
    """Admitted participants without a live mentorship, with their needs (None: not given), in id order."""
    matched = select(Mentorship.participant_id).where(Mentorship.cohort_id == cohort_id, Mentorship.status.in_(LIVE))
    rows = db.session.execute(
        select(CohortParticipant, ParticipantNeeds)
        .outerjoin(ParticipantNeeds, ParticipantNeeds.participant_id == CohortParticipant.id)
        .where(CohortParticipant.cohort_id == cohort_id, CohortParticipant.status == ParticipantStatus.ADMITTED,
               CohortParticipant.id.not_in(matched))
        .options(joinedload(CohortParticipant.user)).order_by(CohortParticipant.id))
    return [tuple(row) for row in rows]  # type: ignore[misc]


def as_participant(participant_id: int, needs: ParticipantNeeds) -> matching.Participant:
    """The needs as the matcher reads them; a stored preference it would refuse (a preferred language no longer
    ticked, a mentor named twice) is dropped rather than stopping the whole cohort's run."""
    preferred = needs.preferred_language if needs.preferred_language in needs.languages else None
    mentors = tuple(dict.fromkeys(needs.preferred_mentor_ids))[:matching.inputs.MAX_PREFERENCES]
    return matching.Participant(
        id=participant_id, subsectors=needs.subsectors, topics=needs.topics, languages=needs.languages,
        hours=matching.Hours(needs.hours_start, needs.hours_end), zone=needs.zone.value,
        preferred_language=preferred, preferred_mentors=mentors)


def build(cohort: Cohort) -> CohortInputs:
    people = waiting(cohort.id)
    participants = [as_participant(p.id, needs) for p, needs in people if needs is not None]
    without = [p.id for p, needs in people if needs is None]
    live = live_counts(cohort.id)
    pool = db.session.execute(
        select(CohortMentor, MentorProfile).join(MentorProfile, MentorProfile.user_id == CohortMentor.mentor_id)
        .where(CohortMentor.cohort_id == cohort.id).order_by(CohortMentor.mentor_id))
    mentors, free, languages = [], {}, {}
    for link, profile in pool:
        seats = max((link.capacity or profile.capacity) - live.get(link.mentor_id, 0), 0)
        free[link.mentor_id] = seats
        languages[link.mentor_id] = frozenset(profile.languages)
        if seats:
            mentors.append(matching.Mentor(
                id=link.mentor_id, subsectors=profile.subsectors, functions=profile.functions,
                languages=profile.languages, capacity=min(seats, matching.Mentor.MAX_CAPACITY),
                hours=matching.Hours(profile.hours_start, profile.hours_end), zone=profile.zone.value))
    inputs = CohortInputs(participants, mentors, without, free, languages)
    in_run, open_mentors = inputs.participant_ids, {mentor.id for mentor in mentors}
    for rule in db.session.scalars(select(PairRule).where(PairRule.cohort_id == cohort.id).order_by(PairRule.id)):
        if rule.participant_id not in in_run:
            continue
        if rule.kind == RuleKind.PIN:
            inputs.pins[rule.participant_id] = rule.mentor_id
        elif rule.mentor_id in open_mentors:
            inputs.forbidden.append((rule.participant_id, rule.mentor_id))
    return inputs


def forbidden_for(cohort_id: int, participant_id: int) -> set[int]:
    return set(db.session.scalars(select(PairRule.mentor_id).where(
        PairRule.cohort_id == cohort_id, PairRule.participant_id == participant_id,
        PairRule.kind == RuleKind.FORBID)))


def exact_reason(inputs: CohortInputs, unmatched: matching.Unmatched, forbidden: set[int]) -> str:
    """The solver only sees mentors with a free seat: a participant whose language is spoken only by full mentors
    (not forbidden for them) is unmatched for lack of capacity, not of language."""
    if unmatched.reason == matching.UnmatchedReason.NO_CAPACITY:
        return unmatched.reason.value
    participant = next(p for p in inputs.participants if p.id == unmatched.participant_id)
    full_speakers = [mentor_id for mentor_id, spoken in inputs.languages.items()
                     if inputs.free[mentor_id] == 0 and spoken & participant.languages and mentor_id not in forbidden]
    return matching.UnmatchedReason.NO_CAPACITY.value if full_speakers else unmatched.reason.value
