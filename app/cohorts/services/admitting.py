"""Admitting participants from accepted festival applications, within the cohort's capacity.

Count-and-claim in one locked step: the applications are locked (id order), then the cohort (lock order: application
→ cohort, as a withdrawal locks the application first), the admitted count re-read, checked, and the participants
inserted. The unique (cohort, user) index is the backstop against a double admission.
"""

import time

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.audit import services as audit
from app.cohorts.models import Cohort, CohortParticipant, ParticipantStatus
from app.cohorts.services.cohorts import admitted_count
from app.core.clock import now_utc
from app.core.errors import AlreadyDone, Conflict, DomainError, InvalidState
from app.core.locking import lock_all, relock
from app.core.permissions import require_staff
from app.extensions import db
from app.festival.models import Application, Call
from app.festival.models.application import ApplicationStatus

NOT_STAFF = _l("Only staff may admit participants.")
ADMITTED = audit.register_action("cohorts.participant.admitted", _l("Participant admitted"))
WITHDRAWN = audit.register_action("cohorts.participant.withdrawn", _l("Participant taken out of the cohort"))
PARTICIPANT_FIELDS = ("status", "application_id")


def candidates(cohort: Cohort) -> list[Application]:
    """Accepted applications (of any call of the cohort's edition; of any edition when it has none) whose applicant
    is not in the cohort yet, oldest decision first."""
    inside = select(CohortParticipant.user_id).where(CohortParticipant.cohort_id == cohort.id)
    query = (select(Application).join(Call, Call.id == Application.call_id)
             .where(Application.status == ApplicationStatus.ACCEPTED, Application.applicant_id.not_in(inside))
             .order_by(Application.decided_at, Application.id))
    if cohort.edition_id is not None:
        query = query.where(Call.edition_id == cohort.edition_id)
    return list(db.session.scalars(query))


def participants(cohort: Cohort) -> list[tuple[CohortParticipant, User, Application | None]]:
    rows = db.session.execute(
        select(CohortParticipant, User, Application).join(User, User.id == CohortParticipant.user_id)
        .outerjoin(Application, Application.id == CohortParticipant.application_id)
        .where(CohortParticipant.cohort_id == cohort.id).order_by(CohortParticipant.status, User.name, User.id))
    return [tuple(row) for row in rows]  # type: ignore[misc]


def admit(actor, cohort: Cohort, application_ids: list[int]) -> list[CohortParticipant]:
    """Admit the applicants of `application_ids`; all or nothing. Already in the cohort → AlreadyDone; more than the
    places left → Conflict; an application that is not accepted (or of another edition) → InvalidState."""
    require_staff(actor, NOT_STAFF)
    if not application_ids:
        raise DomainError(_l("Choose at least one person to admit."), field="application_ids")
    applications = lock_all(Application, application_ids)
    cohort = relock(cohort)
    if len(applications) != len(set(application_ids)):
        raise InvalidState(_l("An application could not be found. Reload the page and try again."),
                           field="application_ids")
    existing = {p.user_id: p for p in db.session.scalars(
        select(CohortParticipant).where(CohortParticipant.cohort_id == cohort.id,
                                        CohortParticipant.user_id.in_([a.applicant_id for a in applications])))}
    for application in applications:
        if application.status != ApplicationStatus.ACCEPTED:
            raise InvalidState(_l("%(reference)s is not accepted (any more): it cannot be admitted.",
                                  reference=application.reference or application.id), field="application_ids")
        if cohort.edition_id is not None and application.call.edition_id != cohort.edition_id:
            raise InvalidState(_l("%(reference)s belongs to another edition.",
                                  reference=application.reference or application.id), field="application_ids")
        joined = existing.get(application.applicant_id)
        if joined is not None and joined.status == ParticipantStatus.ADMITTED:
            raise AlreadyDone(_l("%(name)s is already admitted to this cohort.", name=application.full_name),
                              field="application_ids")
    people = {application.applicant_id for application in applications}
    if len(people) != len(applications):
        raise InvalidState(_l("Two of the chosen applications are by the same person: choose one."),
                           field="application_ids")
    left = cohort.capacity - admitted_count(cohort.id)
    pause = current_app.config.get("TEST_SLEEP_AFTER_CHECK_S")
    if pause:  # tests widen the gap between the check and the insert, to show what the lock prevents
        time.sleep(float(pause))
    if len(applications) > left:
        raise Conflict(_l("The cohort is full: %(left)d places left, %(asked)d chosen.", left=max(left, 0),
                          asked=len(applications)), field="application_ids")
    now = now_utc()
    admitted = []
    befores = []
    for application in applications:
        participant = existing.get(application.applicant_id)
        befores.append(audit.snapshot(participant, *PARTICIPANT_FIELDS) if participant is not None
                       else dict.fromkeys(PARTICIPANT_FIELDS))
        if participant is None:
            participant = CohortParticipant(cohort_id=cohort.id, user_id=application.applicant_id)
            db.session.add(participant)
        participant.status = ParticipantStatus.ADMITTED
        participant.application_id = application.id
        participant.admitted_at = now
        participant.admitted_by_id = getattr(actor, "id", None)
        participant.flagged_at = None
        participant.flagged_note = ""
        admitted.append(participant)
    db.session.flush()
    for participant, before in zip(admitted, befores, strict=True):  # one entry per person admitted
        audit.record(actor, ADMITTED, participant, before=before)
    return admitted


def withdraw(actor, participant: CohortParticipant) -> CohortParticipant:
    """Staff take a participant out of the cohort (the place is free again); the row is kept."""
    require_staff(actor, NOT_STAFF)
    relock(participant.cohort)
    participant = relock(participant)
    if participant.status == ParticipantStatus.WITHDRAWN:
        raise AlreadyDone(_l("This person has already left the cohort."))
    with audit.change(actor, WITHDRAWN, participant, "status"):
        participant.status = ParticipantStatus.WITHDRAWN
    db.session.flush()
    return participant
