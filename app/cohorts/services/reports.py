"""Progress reports: a participant reports on each milestone (text and an optional file: a PDF, or a photo re-encoded
without its metadata); their mentor and staff comment (the participant may reply); staff accept the report or ask for
changes, and the participant is told by mail in their language.

States: submitted → accepted | changes requested; a resubmission (while submitted or after changes were requested)
replaces the text and, if one is sent, the file, raises `revision` and goes back to submitted; an accepted report is
final. A submission locks the milestone (against its deletion) and then the report; a decision locks the report, so a
double click finds the decision made (AlreadyDone) and a resubmission cannot slip under a decision.
"""

import hashlib
import time
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.audit import services as audit
from app.cohorts.models import (
    CohortParticipant,
    Milestone,
    ParticipantStatus,
    ProgressReport,
    ReportComment,
    ReportStatus,
)
from app.core import uploads
from app.core.clock import now_utc
from app.core.errors import AlreadyDone, DomainError, InvalidState, NotAllowed
from app.core.locking import lock, relock
from app.core.mail import external_url, queue_mail
from app.core.permissions import Role, require_staff
from app.extensions import db
from app.mentoring.services.access import is_mentor_of

NOT_STAFF = _l("Only staff may decide on a report.")
DECIDED = audit.register_action("cohorts.report.decided", _l("Progress report decided"))
COMMENTED = audit.register_action("cohorts.report.commented", _l("Progress report commented by staff"))
ACCEPT, CHANGES = "accept", "changes"


@dataclass(frozen=True)
class Upload:
    """A file as the route received it: its bytes and the name it had on the sender's device."""

    data: bytes
    name: str | None


@dataclass(frozen=True)
class Submitted:
    """What `submit` did: the report, and the storage key of a file it replaced (deleted after the commit)."""

    report: ProgressReport
    replaced_key: str | None


def participant_in(cohort_id: int, user_id: int) -> CohortParticipant | None:
    """`user_id`'s admitted place in the cohort, or None."""
    return db.session.scalar(select(CohortParticipant).where(
        CohortParticipant.cohort_id == cohort_id, CohortParticipant.user_id == user_id,
        CohortParticipant.status == ParticipantStatus.ADMITTED))


def reports_of(participant: CohortParticipant) -> list[ProgressReport]:
    """The participant's reports, by the milestones' due dates."""
    return list(db.session.scalars(
        select(ProgressReport).join(Milestone, Milestone.id == ProgressReport.milestone_id)
        .where(ProgressReport.participant_id == participant.id).order_by(Milestone.due_on, Milestone.id)))


def progress_of(cohort_id: int, user_id: int) -> list[tuple[Milestone, ProgressReport | None]]:
    """Each milestone of the cohort with `user_id`'s report on it (None before the first one), by due date."""
    participant = participant_in(cohort_id, user_id)
    reports = {r.milestone_id: r for r in reports_of(participant)} if participant else {}
    milestones = db.session.scalars(select(Milestone).where(Milestone.cohort_id == cohort_id)
                                    .order_by(Milestone.due_on, Milestone.id))
    return [(milestone, reports.get(milestone.id)) for milestone in milestones]


def report_on(milestone: Milestone, user_id: int) -> ProgressReport | None:
    participant = participant_in(milestone.cohort_id, user_id)
    if participant is None:
        return None
    return db.session.scalar(select(ProgressReport).where(ProgressReport.milestone_id == milestone.id,
                                                          ProgressReport.participant_id == participant.id))


def for_review(cohort_id: int, status: ReportStatus | None = None) -> list[tuple[ProgressReport, User]]:
    """The cohort's reports with their authors (only those in `status` if given), oldest submission first."""
    query = (select(ProgressReport, User)
             .join(Milestone, Milestone.id == ProgressReport.milestone_id)
             .join(CohortParticipant, CohortParticipant.id == ProgressReport.participant_id)
             .join(User, User.id == CohortParticipant.user_id)
             .where(Milestone.cohort_id == cohort_id).order_by(ProgressReport.submitted_at, ProgressReport.id))
    if status is not None:
        query = query.where(ProgressReport.status == status)
    return [(report, user) for report, user in db.session.execute(query)]


# Who may do what ----------------------------------------------------------------------------------------------

def is_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.STAFF))


def is_author(user, report: ProgressReport) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and report.participant.user_id == user.id


def may_see(user, report: ProgressReport) -> bool:
    """The participant, their mentor and staff (everyone else gets a 404: the report's existence is private)."""
    return is_author(user, report) or is_staff(user) or is_mentor_of(user, report.participant)


def may_submit(user, milestone: Milestone) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and participant_in(milestone.cohort_id, user.id) is not None


# Submitting ---------------------------------------------------------------------------------------------------

def _checked_file(upload: Upload) -> tuple[bytes, str, str]:
    """The file as it will be stored: (bytes, content type, suffix). The content decides its type: a PDF is kept as
    sent, a photo re-encoded without metadata, anything else refused, before anything is written."""
    data = upload.data
    if data.startswith(uploads.PDF_MAGIC):
        uploads.check_pdf(data, "file")
        return data, "application/pdf", "pdf"
    if uploads.is_photo(data):
        uploads.check_size(data, uploads.PHOTO_MAX_BYTES, "file")
        return uploads.clean_photo(data, "file")
    uploads.check_size(data, uploads.PDF_MAX_BYTES, "file")  # an empty or huge file is told so first
    raise uploads.UploadRefused(_l("Send a PDF, or a photo in JPEG, PNG or WebP."), field="file")


def submit(actor, milestone: Milestone, text: str, upload: Upload | None) -> Submitted:
    """Submit (or resubmit) `actor`'s report on `milestone`."""
    milestone = lock(Milestone, milestone.id)  # type: ignore[assignment]
    if milestone is None:
        raise InvalidState(_l("This milestone no longer exists."), field="text")
    participant = participant_in(milestone.cohort_id, getattr(actor, "id", None))
    if participant is None:
        raise NotAllowed(_l("This milestone belongs to a cohort you are not in."), field="text")
    report = db.session.scalar(select(ProgressReport).where(ProgressReport.milestone_id == milestone.id,
                                                            ProgressReport.participant_id == participant.id))
    if report is not None:
        report = relock(report)
        if report.status == ReportStatus.ACCEPTED:
            raise InvalidState(_l("This report has been accepted: it can no longer be changed."), field="text")
    text = (text or "").strip()
    if not text and upload is None and (report is None or report.file_key is None):
        raise DomainError(_l("Write your report, attach a file, or both."), field="text")
    stored = _checked_file(upload) if upload is not None else None
    if report is None:
        report = ProgressReport(milestone_id=milestone.id, participant_id=participant.id, revision=0)
        db.session.add(report)  # revision 0 for the moment: 1 below, as every submission raises it
    replaced_key = None
    if stored is not None:
        data, content_type, suffix = stored
        replaced_key = report.file_key
        report.file_key = uploads.store(data, suffix)
        report.file_name = uploads.safe_name(upload.name if upload else None, suffix)
        report.file_content_type = content_type
        report.file_size = len(data)
        report.file_sha256 = hashlib.sha256(data).hexdigest()
    report.text = text
    report.status = ReportStatus.SUBMITTED
    report.revision += 1
    report.submitted_at = now_utc()
    report.decided_at = None
    report.decided_by_id = None
    db.session.flush()
    return Submitted(report, replaced_key)


# Comments and decisions ---------------------------------------------------------------------------------------

def comment(actor, report: ProgressReport, body: str) -> ReportComment:
    """A comment by the participant's mentor or staff, or the participant's reply."""
    if not may_see(actor, report):
        raise NotAllowed(_l("You may not comment on this report."), field="body")
    body = (body or "").strip()
    if not body:
        raise DomainError(_l("Write a comment first."), field="body")
    note = ReportComment(report_id=report.id, author_id=actor.id, body=body)
    db.session.add(note)
    db.session.flush()
    if is_staff(actor):  # the mentor's and the participant's comments are not staff actions
        audit.record(actor, COMMENTED, report, after={"comment_id": note.id})
    return note


def decide(actor, report: ProgressReport, decision: str, note: str) -> ProgressReport:
    """Staff accept the report (`ACCEPT`) or ask for changes (`CHANGES`, with a comment saying what to change); the
    participant is told by mail."""
    require_staff(actor, NOT_STAFF)
    if decision not in (ACCEPT, CHANGES):
        raise DomainError(_l("Choose a decision."), field="decision")
    note = (note or "").strip()
    report = relock(report)
    wanted = ReportStatus.ACCEPTED if decision == ACCEPT else ReportStatus.CHANGES_REQUESTED
    if report.status == wanted:
        raise AlreadyDone(_l("This decision has already been made."))
    if report.status != ReportStatus.SUBMITTED:
        raise InvalidState(_l("This report is no longer waiting for a decision."), field="decision")
    if decision == CHANGES and not note:
        raise DomainError(_l("Say what should change: the participant reads this comment."), field="comment")
    pause = current_app.config.get("TEST_SLEEP_AFTER_CHECK_S")
    if pause:  # tests widen the gap between the check and the write, to show what the lock prevents
        time.sleep(float(pause))
    before = audit.snapshot(report, "status")
    report.status = wanted
    report.decided_at = now_utc()
    report.decided_by_id = actor.id
    audit.record(actor, DECIDED, report, before=before)
    if note:
        db.session.add(ReportComment(report_id=report.id, author_id=actor.id, body=note))
    db.session.flush()
    _tell(report, note)
    return report


def _tell(report: ProgressReport, note: str) -> None:
    user = report.participant.user
    queue_mail(user.email, "cohorts/mail/report_decided", user.locale, user=user, report=report,
               milestone=report.milestone, cohort=report.milestone.cohort, note=note,
               accepted=report.status == ReportStatus.ACCEPTED,
               link=external_url("cohorts.report", report_id=report.id))
