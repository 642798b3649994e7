"""Publishing a proposed run: each pair becomes a mentorship offered to the mentor, and both sides hear of it.

Under the cohort's row lock (as starting a run), the run's status re-read: a second publish (a double click) is
already done, a superseded run is refused, and a run whose inputs changed since (a decline took a seat, a participant
left) is refused too — nothing is written then. The partial unique index on live mentorships is the backstop.
"""

import time
from collections import defaultdict

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit import services as audit
from app.cohorts.models import CohortParticipant, ParticipantStatus
from app.core.clock import now_utc
from app.core.errors import AlreadyDone, DomainError, InvalidState
from app.core.locking import relock
from app.core.mail import queue_mail
from app.core.permissions import require_staff
from app.extensions import db
from app.mentoring.models import CohortMentor, MatchRun, MentorProfile, Mentorship, MentorshipStatus, RunStatus
from app.mentoring.services.inputs import live_counts, live_participants

NOT_STAFF = _l("Only staff may publish a matcher run.")
PUBLISHED = audit.register_action("mentoring.run.published", _l("Matcher run published"))


def _changed(run: MatchRun, what) -> InvalidState:
    return InvalidState(_l("Something changed since run %(number)d was made (%(what)s). Run the matcher again; "
                           "nothing was published.", number=run.number, what=what))


def capacities(cohort_id: int) -> dict[int, int]:
    """Mentor id → capacity in the cohort (the override, else the profile's)."""
    rows = db.session.execute(select(CohortMentor.mentor_id, CohortMentor.capacity, MentorProfile.capacity)
                              .join(MentorProfile, MentorProfile.user_id == CohortMentor.mentor_id)
                              .where(CohortMentor.cohort_id == cohort_id))
    return {mentor_id: override or own for mentor_id, override, own in rows}


def _check_still_valid(run: MatchRun, pairs: list) -> None:
    live = live_participants(run.cohort_id)
    load = live_counts(run.cohort_id)
    capacity = capacities(run.cohort_id)
    for row in pairs:
        participant = db.session.get(CohortParticipant, row.participant_id)
        if participant.status != ParticipantStatus.ADMITTED:
            raise _changed(run, _l("%(name)s left the cohort", name=participant.user.name))
        if row.participant_id in live:
            raise _changed(run, _l("%(name)s has a mentor already", name=participant.user.name))
        load[row.mentor_id] = load.get(row.mentor_id, 0) + 1
        if row.mentor_id not in capacity or load[row.mentor_id] > capacity[row.mentor_id]:
            raise _changed(run, _l("a mentor has no free place left"))


def publish(actor, run: MatchRun) -> list[Mentorship]:
    require_staff(actor, NOT_STAFF)
    relock(run.cohort)
    run = relock(run)
    if run.status == RunStatus.PUBLISHED:
        raise AlreadyDone(_l("Run %(number)d has already been published.", number=run.number))
    if run.status == RunStatus.SUPERSEDED:
        raise InvalidState(_l("Run %(number)d was replaced by a later run: publish the latest run instead.",
                              number=run.number))
    pause = current_app.config.get("TEST_SLEEP_AFTER_CHECK_S")
    if pause:  # tests widen the gap between the check and the writes, to show what the lock prevents
        time.sleep(float(pause))
    pairs = [row for row in run.rows if row.mentor_id is not None]
    if not pairs:
        raise DomainError(_l("Run %(number)d proposes no pairs: there is nothing to publish.", number=run.number))
    _check_still_valid(run, pairs)
    now = now_utc()
    made = []
    for row in pairs:
        pair = Mentorship(cohort_id=run.cohort_id, participant_id=row.participant_id, mentor_id=row.mentor_id,
                          run_id=run.id, status=MentorshipStatus.OFFERED, score=row.score, parts=row.parts,
                          offered_at=now)
        db.session.add(pair)
        made.append(pair)
    before = audit.snapshot(run, "status")
    run.status = RunStatus.PUBLISHED
    run.published_at = now
    run.published_by_id = getattr(actor, "id", None)
    db.session.flush()
    # One entry for the publication, on the run; each mentorship made carries the run's id.
    audit.record(actor, PUBLISHED, run, before={**before, "mentorship_ids": None},
                 after={**audit.snapshot(run, "status"), "mentorship_ids": [pair.id for pair in made]})
    notify(made)
    return made


def notify(made: list[Mentorship]) -> None:
    """One mail per mentor with their new mentees, one per participant with their mentor, each in their language."""
    by_mentor: dict[int, list[Mentorship]] = defaultdict(list)
    for pair in made:
        by_mentor[pair.mentor_id].append(pair)
    for pairs in by_mentor.values():
        mentor = pairs[0].mentor
        queue_mail(mentor.email, "mentoring/mail/offer", mentor.locale, mentor=mentor, cohort=pairs[0].cohort,
                   mentees=[pair.participant.user for pair in pairs])
    for pair in made:
        person = pair.participant.user
        queue_mail(person.email, "mentoring/mail/matched", person.locale, person=person, cohort=pair.cohort,
                   mentor=pair.mentor, profile=db.session.scalar(
                       select(MentorProfile).where(MentorProfile.user_id == pair.mentor_id)))
