"""The completion rule and its confirmation.

The rule: attendance at least the cohort's `min_attendance_percent` of the sessions held (`attendance_rates`), and
every required milestone with an accepted report. Staff read each participant's standing, then confirm the ones who
meet it (all at once, or one by one): under the cohort's row lock the standing is read again, `completed_at` set and a
certificate issued; the participant is told by mail. A repeated confirmation (a double click, two staff at once)
finds `completed_at` already set and issues nothing; the unique certificate per participant is the backstop.
"""

import time
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit import services as audit
from app.cohorts.models import (
    Certificate,
    Cohort,
    CohortParticipant,
    Milestone,
    ParticipantStatus,
    ProgressReport,
    ReportStatus,
)
from app.cohorts.services import certificates
from app.cohorts.services.attendance import AttendanceRate, attendance_rates
from app.core.clock import now_utc
from app.core.errors import AlreadyDone, InvalidState
from app.core.locking import relock
from app.core.mail import external_url, queue_mail
from app.core.permissions import require_staff
from app.extensions import db

NOT_STAFF = _l("Only staff may confirm completion.")
COMPLETED = audit.register_action("cohorts.participant.completed", _l("Completion confirmed"))


@dataclass
class Standing:
    """One admitted participant against the rule; `reasons` say why the rule is not met (empty when it is)."""

    participant: CohortParticipant
    user: User
    rate: AttendanceRate | None
    accepted: int
    required: int
    certificate: Certificate | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def meets(self) -> bool:
        return not self.reasons

    @property
    def completed(self) -> bool:
        return self.participant.completed_at is not None


def _accepted_counts(cohort: Cohort) -> dict[int, int]:
    rows = db.session.execute(
        select(ProgressReport.participant_id, func.count()).join(Milestone, Milestone.id == ProgressReport.milestone_id)
        .where(Milestone.cohort_id == cohort.id, Milestone.required.is_(True),
               ProgressReport.status == ReportStatus.ACCEPTED).group_by(ProgressReport.participant_id))
    return dict(rows.all())  # type: ignore[arg-type]


def _reasons(cohort: Cohort, rate: AttendanceRate | None, accepted: int, required: int) -> list[str]:
    reasons = []
    # No session held yet (nothing counted): attendance cannot fall short.
    if rate is not None and rate.counted and rate.percent < cohort.min_attendance_percent:
        reasons.append(_l("Attendance %(percent)d %% is below the %(minimum)d %% required.",
                          percent=int(rate.percent), minimum=cohort.min_attendance_percent))
    if accepted < required:
        reasons.append(_l("%(missing)d required milestone(s) without an accepted report.",
                          missing=required - accepted))
    return reasons


def standings(cohort: Cohort) -> list[Standing]:
    """Every admitted participant of `cohort` with their attendance, milestones accepted, and the rule's verdict."""
    rows = db.session.execute(
        select(CohortParticipant, User).join(User, User.id == CohortParticipant.user_id)
        .where(CohortParticipant.cohort_id == cohort.id, CohortParticipant.status == ParticipantStatus.ADMITTED)
        .order_by(User.name, User.id)
        .execution_options(populate_existing=True)).all()  # under the lock: the state as committed, not as loaded
    rates = attendance_rates(cohort)
    accepted = _accepted_counts(cohort)
    required = db.session.scalar(select(func.count()).select_from(Milestone).where(
        Milestone.cohort_id == cohort.id, Milestone.required.is_(True))) or 0
    issued = certificates.of_participants([participant.id for participant, _user in rows])
    result = []
    for participant, user in rows:
        rate = rates.get(participant.id)
        done = accepted.get(participant.id, 0)
        result.append(Standing(participant=participant, user=user, rate=rate, accepted=done, required=required,
                               certificate=issued.get(participant.id),
                               reasons=_reasons(cohort, rate, done, required)))
    return result


def _tell(certificate: Certificate, user: User, cohort: Cohort) -> None:
    queue_mail(user.email, "cohorts/mail/certificate", user.locale, user=user, cohort=cohort,
               certificate=certificate,
               download=external_url("cohorts.certificate_pdf_download", certificate_id=certificate.id),
               verify=external_url("cohorts.verify_code", code=certificate.code))


def _pause() -> None:
    pause = current_app.config.get("TEST_SLEEP_AFTER_CHECK_S")
    if pause:  # tests widen the gap between the check and the insert, to show what the lock prevents
        time.sleep(float(pause))


def _complete(actor, cohort: Cohort, standing: Standing) -> Certificate:
    standing.participant.completed_at = now_utc()
    certificate = certificates.issue(actor, standing.participant)
    db.session.flush()
    # One entry per person confirmed, "confirm all" included: each participant's history shows their certificate.
    audit.record(actor, COMPLETED, standing.participant, before={"completed_at": None, "certificate_id": None},
                 after={**audit.snapshot(standing.participant, "completed_at"), "certificate_id": certificate.id})
    _tell(certificate, standing.user, cohort)
    return certificate


def confirm_all(actor, cohort: Cohort) -> list[Certificate]:
    """Confirm everyone who meets the rule and is not confirmed yet; nobody left → AlreadyDone."""
    require_staff(actor, NOT_STAFF)
    cohort = relock(cohort)
    ready = [s for s in standings(cohort) if s.meets and not s.completed]
    if not ready:
        raise AlreadyDone(_l("Nobody is left to confirm: everyone who meets the rule has a certificate."))
    _pause()
    return [_complete(actor, cohort, standing) for standing in ready]


def confirm_one(actor, participant: CohortParticipant) -> Certificate:
    """Confirm one participant: already confirmed → AlreadyDone; not admitted, or short of the rule → InvalidState."""
    require_staff(actor, NOT_STAFF)
    cohort = relock(participant.cohort)
    standing = next((s for s in standings(cohort) if s.participant.id == participant.id), None)
    if standing is None:
        raise InvalidState(_l("This person is not admitted to the cohort."))
    if standing.completed:
        raise AlreadyDone(_l("%(name)s's completion is already confirmed.", name=standing.user.name))
    if not standing.meets:
        raise InvalidState(_l("%(name)s does not meet the rule yet: %(reasons)s", name=standing.user.name,
                              reasons=" ".join(str(reason) for reason in standing.reasons)))
    _pause()
    return _complete(actor, cohort, standing)
