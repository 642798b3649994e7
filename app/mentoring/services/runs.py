"""Matcher runs of a cohort: start one (under the cohort's row lock), and read one back with what changed since the
run before it.

A run stores one row per waiting participant: their proposed mentor with the score's parts ("why this pair"), or the
reason they are left unmatched (a `matching.UnmatchedReason` value, or `NEEDS_NOT_GIVEN`). Starting a run supersedes
the cohort's earlier proposed runs, so only the latest proposal can be published.
"""

import time
from dataclasses import asdict, dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app.accounts.models import User
from app.audit import services as audit
from app.cohorts.models import Cohort, CohortParticipant
from app.core.errors import DomainError
from app.core.locking import relock
from app.core.permissions import require_staff
from app.core.vocab import Vocabulary, declare_labels
from app.extensions import db
from app.mentoring import matching
from app.mentoring.models import MatchRun, MentorProfile, Mentorship, MentorshipStatus, ProposedPair, RunStatus
from app.mentoring.services.inputs import CohortInputs, build, exact_reason, forbidden_for, waiting

NOT_STAFF = _l("Only staff may run the matcher.")
RUN_STARTED = audit.register_action("mentoring.run.started", _l("Matcher run started"))


class NotInRun(Vocabulary):
    """Why a waiting participant was not given to the matcher at all (stored as a row's reason, as the matcher's
    `UnmatchedReason` values are)."""

    NEEDS_NOT_GIVEN = "needs_not_given"


declare_labels(NotInRun, {NotInRun.NEEDS_NOT_GIVEN: _l("They have not said yet what they need from a mentor")})
NEEDS_NOT_GIVEN = NotInRun.NEEDS_NOT_GIVEN.value


def reason_label(value: str) -> str:
    """A stored unmatched reason in words (the matcher's reasons and `NotInRun`)."""
    kind = NotInRun if value in {member.value for member in NotInRun} else matching.UnmatchedReason
    return kind(value).label


def parts_of(explanation: matching.Explanation) -> list[dict]:
    """The explanation as stored: the shared languages (required, no points) and then each scored part."""
    return [{"part": "languages", "points": 0, "detail": {"shared": list(explanation.shared_languages)}}] + [
        {"part": part.kind.value, "points": part.points,
         "detail": {"shared": list(part.shared), "minutes": part.minutes, "rank": part.rank}}
        for part in explanation.parts]


def _check_pins(inputs: CohortInputs) -> None:
    """Pins the solver could not honour, said with names (the solver's own message names ids)."""
    open_mentors = {mentor.id: mentor for mentor in inputs.mentors}
    load: dict[int, int] = {}
    for participant_id, mentor_id in sorted(inputs.pins.items()):
        participant = next(p for p in inputs.participants if p.id == participant_id)
        person = db.session.get(CohortParticipant, participant_id).user.name
        mentor_name = db.session.get(User, mentor_id).name
        mentor = open_mentors.get(mentor_id)
        if mentor is None:
            raise DomainError(_l("%(participant)s is pinned to %(mentor)s, who has no free place: remove the pin or "
                                 "raise the capacity.", participant=person, mentor=mentor_name))
        if not participant.languages & mentor.languages:
            raise DomainError(_l("%(participant)s is pinned to %(mentor)s, but they share no language: remove the "
                                 "pin.", participant=person, mentor=mentor_name))
        load[mentor_id] = load.get(mentor_id, 0) + 1
        if load[mentor_id] > mentor.capacity:
            raise DomainError(_l("More participants are pinned to %(mentor)s than they have free places.",
                                 mentor=mentor_name))


def start_run(actor, cohort: Cohort) -> MatchRun:
    """Solve the cohort's matching now and store the proposal (the same inputs always give the same proposal)."""
    require_staff(actor, NOT_STAFF)
    cohort = relock(cohort)  # not while a publish of this cohort is under way, nor two runs at once
    inputs = build(cohort)
    if not inputs.participants and not inputs.without_needs:
        raise DomainError(_l("Nobody in this cohort is waiting for a mentor."))
    _check_pins(inputs)
    weights = matching.Weights()
    try:
        assignment = matching.solve(inputs.participants, inputs.mentors, weights=weights, pins=inputs.pins,
                                    forbidden=inputs.forbidden, on=cohort.starts_on)
    except matching.MatchingInputError as error:  # checked above; this is the last guard, never a 500
        current_app.logger.warning("matcher refused the input of cohort %s: %s", cohort.id, error)
        raise DomainError(_l("The matcher could not use the current pins and needs. Check the pins and try "
                             "again.")) from error
    pause = current_app.config.get("TEST_SLEEP_AFTER_CHECK_S")
    if pause:  # tests widen the gap between reading the state and writing the run
        time.sleep(float(pause))
    db.session.execute(update(MatchRun).where(MatchRun.cohort_id == cohort.id,
                                              MatchRun.status == RunStatus.PROPOSED)
                       .values(status=RunStatus.SUPERSEDED))
    number = (db.session.scalar(select(func.max(MatchRun.number)).where(MatchRun.cohort_id == cohort.id)) or 0) + 1
    run = MatchRun(cohort_id=cohort.id, number=number, weights=asdict(weights), matched=assignment.matched,
                   unmatched=len(assignment.unmatched) + len(inputs.without_needs),
                   total_score=assignment.total_score, created_by_id=getattr(actor, "id", None))
    db.session.add(run)
    db.session.flush()
    for pair in assignment.pairs:
        db.session.add(ProposedPair(run_id=run.id, participant_id=pair.participant_id, mentor_id=pair.mentor_id,
                                    score=pair.score, pinned=pair.pinned, parts=parts_of(pair.explanation)))
    for entry in assignment.unmatched:
        reason = exact_reason(inputs, entry, forbidden_for(cohort.id, entry.participant_id))
        db.session.add(ProposedPair(run_id=run.id, participant_id=entry.participant_id, unmatched_reason=reason,
                                    candidates=entry.candidates))
    for participant_id in inputs.without_needs:
        db.session.add(ProposedPair(run_id=run.id, participant_id=participant_id, unmatched_reason=NEEDS_NOT_GIVEN))
    db.session.flush()
    audit.record(actor, RUN_STARTED, run,
                 after=audit.snapshot(run, "cohort_id", "number", "status", "matched", "unmatched", "total_score"))
    return run


def runs_of(cohort_id: int) -> list[MatchRun]:
    return list(db.session.scalars(select(MatchRun).where(MatchRun.cohort_id == cohort_id)
                                   .order_by(MatchRun.number.desc())))


def run_numbered(cohort_id: int, number: int) -> MatchRun | None:
    return db.session.scalar(select(MatchRun).where(MatchRun.cohort_id == cohort_id, MatchRun.number == number))


def as_assignment(run: MatchRun) -> matching.Assignment:
    """A stored run in the matcher's terms, for `matching.diff` (which reads only who is paired with whom)."""
    pairs = tuple(matching.Pair(row.participant_id, row.mentor_id, row.score, row.pinned, None)  # type: ignore[arg-type]
                  for row in run.rows if row.mentor_id is not None)
    unmatched = tuple(matching.Unmatched(row.participant_id, row.unmatched_reason, row.candidates)  # type: ignore[arg-type]
                      for row in run.rows if row.mentor_id is None)
    return matching.Assignment(pairs, unmatched)


@dataclass
class RunReport:
    run: MatchRun
    pairs: list[ProposedPair]
    unmatched: list[ProposedPair]
    names: dict[tuple[str, int], str]  # ("p", participant id) / ("m", mentor id) → name
    organisations: dict[int, str]  # mentor id → organisation
    previous: MatchRun | None
    changes: matching.Changes | None

    def participant(self, participant_id: int) -> str:
        return self.names.get(("p", participant_id), "?")

    def mentor(self, mentor_id: int) -> str:
        return self.names.get(("m", mentor_id), "?")


def report(run: MatchRun) -> RunReport:
    previous = db.session.scalar(select(MatchRun).where(MatchRun.cohort_id == run.cohort_id,
                                                        MatchRun.number < run.number)
                                 .order_by(MatchRun.number.desc()).limit(1))
    rows = list(run.rows) + (list(previous.rows) if previous else [])
    participant_ids = {row.participant_id for row in rows}
    mentor_ids = {row.mentor_id for row in rows if row.mentor_id is not None}
    names: dict[tuple[str, int], str] = {}
    for participant_id, name in db.session.execute(
            select(CohortParticipant.id, User.name).join(User, User.id == CohortParticipant.user_id)
            .where(CohortParticipant.id.in_(participant_ids))):
        names[("p", participant_id)] = name
    organisations = {}
    for mentor_id, name, organisation in db.session.execute(
            select(User.id, User.name, MentorProfile.organisation)
            .outerjoin(MentorProfile, MentorProfile.user_id == User.id).where(User.id.in_(mentor_ids))):
        names[("m", mentor_id)] = name
        organisations[mentor_id] = organisation or ""
    by_name = sorted(run.rows, key=lambda row: (names.get(("p", row.participant_id), ""), row.participant_id))
    changes = matching.diff(as_assignment(previous), as_assignment(run)) if previous else None
    return RunReport(run, [row for row in by_name if row.mentor_id is not None],
                     [row for row in by_name if row.mentor_id is None], names, organisations, previous, changes)


@dataclass
class Waiting:
    participant: CohortParticipant
    reason: str | None  # None: a mentor has a free place for them; the next run will propose one
    declined_by: list[str]  # mentors who declined them in this cohort


def waiting_now(cohort: Cohort) -> list[Waiting]:
    """Participants without a live mentorship and why, as a run made now would say (after a decline that found no
    other mentor, this is where staff see the reason)."""
    inputs = build(cohort)
    try:
        assignment = matching.solve(inputs.participants, inputs.mentors, forbidden=inputs.forbidden,
                                    on=cohort.starts_on)
    except matching.MatchingInputError:
        assignment = matching.Assignment((), ())
    reasons = {entry.participant_id: exact_reason(inputs, entry, forbidden_for(cohort.id, entry.participant_id))
               for entry in assignment.unmatched}
    declined: dict[int, list[str]] = {}
    for participant_id, name in db.session.execute(
            select(Mentorship.participant_id, User.name).join(User, User.id == Mentorship.mentor_id)
            .where(Mentorship.cohort_id == cohort.id, Mentorship.status == MentorshipStatus.DECLINED)
            .order_by(Mentorship.id)):
        declined.setdefault(participant_id, []).append(name)
    people = []
    for participant, needs in waiting(cohort.id):
        reason = NEEDS_NOT_GIVEN if needs is None else reasons.get(participant.id)
        people.append(Waiting(participant, reason, declined.get(participant.id, [])))
    return sorted(people, key=lambda entry: (entry.participant.user.name, entry.participant.id))
