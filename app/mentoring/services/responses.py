"""A mentor answers an offer: accept, or decline — which forbids that pair for later runs and re-matches that
participant only (`matching.rematch_one`), against the cohort's current live pairs and the mentors' capacity.

Both lock the offer's row and re-read it (a second decline, also in parallel, is "already declined"); a decline takes
the cohort's lock first (the order publishing and runs use), since the re-match claims a seat another decline or a
publish could claim at the same time.
"""

import time

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core.clock import now_utc
from app.core.errors import AlreadyDone, InvalidState, NotAllowed
from app.core.locking import relock
from app.core.mail import queue_mail
from app.extensions import db
from app.mentoring import matching
from app.mentoring.models import (
    CohortMentor,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    PairRule,
    RuleKind,
)
from app.mentoring.services.access import SEEN_BY_MENTOR as LIVE
from app.mentoring.services.inputs import as_participant, forbidden_for
from app.mentoring.services.needs import needs_of
from app.mentoring.services.runs import parts_of

NOT_YOURS = _l("Only the mentor this person was offered to may answer.")


def _answerable(actor, pair: Mentorship) -> None:
    if pair.mentor_id != getattr(actor, "id", None):
        raise NotAllowed(NOT_YOURS)
    if pair.status == MentorshipStatus.DECLINED:
        raise AlreadyDone(_l("You have already declined %(name)s.", name=pair.participant.user.name))
    if pair.status == MentorshipStatus.ENDED:
        raise InvalidState(_l("This mentorship has ended."))


def accept(actor, mentorship: Mentorship) -> Mentorship:
    pair = relock(mentorship)
    _answerable(actor, pair)
    if pair.status == MentorshipStatus.ACCEPTED:
        raise AlreadyDone(_l("You have already accepted %(name)s.", name=pair.participant.user.name))
    pair.status = MentorshipStatus.ACCEPTED
    pair.responded_at = now_utc()
    db.session.flush()
    return pair


def decline(actor, mentorship: Mentorship, reason: str = "") -> Mentorship | None:
    """Decline the offer; returns the participant's new offer, or None when no other mentor can take them."""
    relock(mentorship.cohort)
    pair = relock(mentorship)
    _answerable(actor, pair)
    if pair.status == MentorshipStatus.ACCEPTED:
        raise InvalidState(_l("You have accepted %(name)s already. To end the mentorship, write to the programme "
                              "team.", name=pair.participant.user.name))
    pause = current_app.config.get("TEST_SLEEP_AFTER_CHECK_S")
    if pause:  # tests widen the gap between the check and the writes, to show what the lock prevents
        time.sleep(float(pause))
    previous, mentors = _current(pair.cohort_id)
    pair.status = MentorshipStatus.DECLINED
    pair.responded_at = now_utc()
    pair.decline_reason = reason or ""
    _forbid(pair)
    db.session.flush()
    offer = _rematch(pair, previous, mentors)
    _notify(pair, offer)
    return offer


def _current(cohort_id: int) -> tuple[matching.Assignment, list[matching.Mentor]]:
    """The cohort's live pairs (the declined one still among them) and its mentors at their full capacity."""
    mentors = [matching.Mentor(
        id=link.mentor_id, subsectors=profile.subsectors, functions=profile.functions, languages=profile.languages,
        capacity=link.capacity or profile.capacity, hours=matching.Hours(profile.hours_start, profile.hours_end),
        zone=profile.zone.value)
        for link, profile in db.session.execute(
            select(CohortMentor, MentorProfile).join(MentorProfile, MentorProfile.user_id == CohortMentor.mentor_id)
            .where(CohortMentor.cohort_id == cohort_id))]
    pool = {mentor.id for mentor in mentors}  # a live pair of a mentor outside the pool holds no seat in it
    live = db.session.scalars(select(Mentorship).where(Mentorship.cohort_id == cohort_id, Mentorship.status.in_(LIVE),
                                                       Mentorship.mentor_id.in_(pool)).order_by(Mentorship.id))
    pairs = tuple(matching.Pair(m.participant_id, m.mentor_id, m.score, False, None)  # type: ignore[arg-type]
                  for m in live)
    return matching.Assignment(pairs, ()), mentors


def _forbid(pair: Mentorship) -> None:
    rule = db.session.scalar(select(PairRule).where(
        PairRule.cohort_id == pair.cohort_id, PairRule.participant_id == pair.participant_id,
        PairRule.mentor_id == pair.mentor_id))
    if rule is None:
        db.session.add(PairRule(cohort_id=pair.cohort_id, participant_id=pair.participant_id,
                                mentor_id=pair.mentor_id, kind=RuleKind.FORBID, created_by_id=pair.mentor_id))
    else:  # a pin the mentor declined becomes a forbid: the next run must not propose the pair again
        rule.kind = RuleKind.FORBID


def _rematch(pair: Mentorship, previous: matching.Assignment, mentors: list[matching.Mentor]) -> Mentorship | None:
    needs = needs_of(pair.participant_id)
    if needs is None or not any(mentor.id == pair.mentor_id for mentor in mentors):
        return None
    participant = as_participant(pair.participant_id, needs)
    others = [(pair.participant_id, mentor_id) for mentor_id in forbidden_for(pair.cohort_id, pair.participant_id)
              if mentor_id != pair.mentor_id and any(mentor.id == mentor_id for mentor in mentors)]
    result = matching.rematch_one(previous, pair.participant_id, pair.mentor_id, [participant], mentors,
                                  forbidden=others, on=pair.cohort.starts_on)
    new = result.pair_of(pair.participant_id)
    if new is None:
        return None
    offer = Mentorship(cohort_id=pair.cohort_id, participant_id=pair.participant_id, mentor_id=new.mentor_id,
                       run_id=pair.run_id, status=MentorshipStatus.OFFERED, score=new.score,
                       parts=parts_of(new.explanation), offered_at=now_utc())
    db.session.add(offer)
    db.session.flush()
    return offer


def _notify(declined: Mentorship, offer: Mentorship | None) -> None:
    person = declined.participant.user
    if offer is None:
        queue_mail(person.email, "mentoring/mail/declined", person.locale, person=person, cohort=declined.cohort)
        return
    mentor = offer.mentor
    queue_mail(mentor.email, "mentoring/mail/offer", mentor.locale, mentor=mentor, cohort=offer.cohort,
               mentees=[person])
    queue_mail(person.email, "mentoring/mail/rematched", person.locale, person=person, cohort=offer.cohort,
               mentor=mentor, profile=db.session.scalar(
                   select(MentorProfile).where(MentorProfile.user_id == mentor.id)))
