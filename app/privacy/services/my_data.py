""""My data": everything the portal holds about a person, as a ZIP they download (UU 27/2022, the right of access).

The archive holds one `<domain>/data.json` per domain (account, festival, stalls, payments, cohorts, mentoring,
mails, other) and their own files under `files/`. Only the person's own rows; never secrets (password hash, token
digests, Stripe client secrets, storage keys) and never staff's unreleased work (a drafted decision, reviewers'
scores, a staff note). Tables added later that belong to a user (`user_id`) appear under "other" by themselves.
The ZIP is written to a spooled temporary file (memory up to 16 MB, then disk), never held whole in a string.
"""

import enum
import json
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from tempfile import SpooledTemporaryFile
from typing import IO, Any

from sqlalchemy import Table, or_, select

from app.accounts.models import SignInLink, User
from app.cohorts.models import (
    Attendance,
    CalendarFeed,
    Certificate,
    CohortParticipant,
    ProgressReport,
    ReportComment,
)
from app.core import uploads
from app.core.mail import OutboxMessage
from app.core.reminders import SentReminder
from app.core.storage import storage
from app.extensions import db
from app.festival.models import Application, ApplicationEvent, ApplicationFile
from app.mentoring.models import Meeting, MentorProfile, Mentorship, ParticipantNeeds
from app.payments.models import Payment, PaymentEvent, Refund
from app.stalls.models import Booking, BookingEvent

SPOOL_BYTES = 16 * 1024 * 1024
# Never exported: secrets, and internal keys that mean nothing to the person.
SECRET_COLUMNS = frozenset({"password_hash", "token", "token_sha256", "token_hash", "stripe_client_secret",
                            "storage_key", "file_key", "idempotency_key", "session_version"})
# Staff's own work on an application that the applicant is not shown (a decision not yet released, scores).
STAFF_ONLY = frozenset({"draft_decision", "draft_message", "draft_decided_by_id", "draft_decided_at", "score_mean",
                        "score_spread", "review_count", "flagged_at", "flagged_note", "flagged"})
# Tables the sections below export; any other table with a `user_id` goes to "other".
COVERED = frozenset({"user_account", "user_role", "sign_in_link", "cohorts_calendar_feed", "sent_reminder",
                     "mentoring_profile", "cohorts_participant", "audit_entry"})


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(row: Any, table: Table | None = None) -> dict[str, Any]:
    table = table if table is not None else row.__table__
    mapping = row._mapping if hasattr(row, "_mapping") else None
    out = {}
    for column in table.columns:
        if column.name in SECRET_COLUMNS or column.name in STAFF_ONLY:
            continue
        value = mapping[column] if mapping is not None else getattr(row, _attribute(row, column.name))
        out[column.name] = _plain(value)
    return out


def _attribute(row: Any, column_name: str) -> str:
    for prop in db.inspect(type(row)).column_attrs:
        if prop.columns[0].name == column_name:
            return prop.key
    return column_name


def _all(model: Any, *where: Any) -> list[Any]:
    return list(db.session.scalars(select(model).where(*where).order_by(model.id)))


def _rows(model: Any, *where: Any) -> list[dict[str, Any]]:
    return [_row(row) for row in _all(model, *where)]


def _account(user: User) -> dict[str, Any]:
    return {
        "account": _row(user),
        "roles": sorted(role.value for role in user.roles),
        "sign_in_links": _rows(SignInLink, SignInLink.user_id == user.id),
        "calendar_feeds": _rows(CalendarFeed, CalendarFeed.user_id == user.id),
        "reminders_sent": _rows(SentReminder, SentReminder.user_id == user.id),
    }


def _festival(user: User, files: list[tuple[str, str]]) -> dict[str, Any]:
    applications = []
    for application in _all(Application, Application.applicant_id == user.id):
        entry = _row(application)
        entry["history"] = _rows(ApplicationEvent, ApplicationEvent.application_id == application.id)
        entry["files"] = []
        for file in _all(ApplicationFile, ApplicationFile.application_id == application.id):
            name = uploads.safe_name(file.original_name, _suffix(file.storage_key))
            path = f"files/applications/{application.id}/{file.id}-{name}"
            entry["files"].append({**_row(file), "path_in_archive": path})
            files.append((path, file.storage_key))
        entry["related"] = _rows_referring(application.id, "festival_application",
                                           skip={"festival_application_event", "festival_application_file",
                                                 "festival_review_assignment", "stalls_booking",
                                                 "cohorts_participant", "privacy_anonymisation"})
        applications.append(entry)
    return {"applications": applications}


def _suffix(storage_key: str) -> str:
    return storage_key.rsplit(".", 1)[-1] if "." in storage_key else "bin"


def _rows_referring(row_id: int, target: str, skip: set[str]) -> dict[str, list[dict[str, Any]]]:
    """Rows of other tables that point at `target` row `row_id` (a guardian's consent, a consent record)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for table in db.metadata.sorted_tables:
        if table.name in skip or table.name == target:
            continue
        keys = [fk.parent for fk in table.foreign_keys if fk.column.table.name == target]
        if not keys:
            continue
        rows = db.session.execute(select(table).where(or_(*(key == row_id for key in keys)))).all()
        if rows:
            found[table.name] = [_row(row, table) for row in rows]
    return found


def _stalls(user: User) -> dict[str, Any]:
    bookings = []
    for booking in _all(Booking, Booking.holder_id == user.id):
        bookings.append({**_row(booking), "stall": booking.stall.code,
                         "history": _rows(BookingEvent, BookingEvent.booking_id == booking.id)})
    return {"bookings": bookings}


def _payments(user: User) -> dict[str, Any]:
    payments = []
    for payment in _all(Payment, Payment.payer_id == user.id):
        payments.append({**_row(payment), "refunds": _rows(Refund, Refund.payment_id == payment.id),
                         "history": _rows(PaymentEvent, PaymentEvent.payment_id == payment.id)})
    return {"payments": payments}


def _cohorts(user: User, files: list[tuple[str, str]]) -> dict[str, Any]:
    participations = []
    for participant in _all(CohortParticipant, CohortParticipant.user_id == user.id):
        reports = []
        for report in _all(ProgressReport, ProgressReport.participant_id == participant.id):
            entry = {**_row(report), "comments": _rows(ReportComment, ReportComment.report_id == report.id)}
            if report.file_key and report.file_name:
                path = f"files/reports/{report.id}/{uploads.safe_name(report.file_name, _suffix(report.file_key))}"
                entry["path_in_archive"] = path
                files.append((path, report.file_key))
            reports.append(entry)
        participations.append({
            **_row(participant), "cohort": participant.cohort.name_en or participant.cohort.name_ind,
            "attendance": _rows(Attendance, Attendance.participant_id == participant.id),
            "progress_reports": reports,
            "certificates": _rows(Certificate, Certificate.participant_id == participant.id),
        })
    return {"participations": participations}


def _mentoring(user: User) -> dict[str, Any]:
    participant_ids = select(CohortParticipant.id).where(CohortParticipant.user_id == user.id)
    pairs = []
    for mentorship in _all(Mentorship, or_(Mentorship.participant_id.in_(participant_ids),
                                           Mentorship.mentor_id == user.id)):
        pairs.append({**_row(mentorship), "meetings": _rows(Meeting, Meeting.mentorship_id == mentorship.id)})
    return {
        "mentor_profile": _rows(MentorProfile, MentorProfile.user_id == user.id),
        "needs": _rows(ParticipantNeeds, ParticipantNeeds.participant_id.in_(participant_ids)),
        "mentorships": pairs,
    }


def _mails(user: User) -> dict[str, Any]:
    return {"mails": [{key: value for key, value in _row(message).items() if key != "body_html"}
                      for message in _all(OutboxMessage, OutboxMessage.to_address == user.email)]}


def _other(user: User) -> dict[str, Any]:
    """Rows of any other table that belongs to the person (`user_id`), such as consent records."""
    found: dict[str, list[dict[str, Any]]] = {}
    for table in db.metadata.sorted_tables:
        if table.name in COVERED or "user_id" not in table.c:
            continue
        if not any(fk.column.table.name == "user_account" for fk in table.c.user_id.foreign_keys):
            continue
        rows = db.session.execute(select(table).where(table.c.user_id == user.id)).all()
        if rows:
            found[table.name] = [_row(row, table) for row in rows]
    return found


def collect(user: User) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str]]]:
    """Every section of the archive, and the stored files to add as (path in the archive, storage key)."""
    files: list[tuple[str, str]] = []
    sections = {
        "account": _account(user),
        "festival": _festival(user, files),
        "stalls": _stalls(user),
        "payments": _payments(user),
        "cohorts": _cohorts(user, files),
        "mentoring": _mentoring(user),
        "mails": _mails(user),
        "other": _other(user),
    }
    return sections, files


class _Spool(SpooledTemporaryFile):
    """The archive's temporary file. The response closes it when sent (WSGI `close`); one dropped unsent (a test
    client that never reads it) is closed when collected, without a ResourceWarning."""

    def __del__(self) -> None:
        if not self.closed:
            self.close()


def archive(actor: User) -> IO[bytes]:
    """The actor's data as a ZIP in a temporary file (memory up to SPOOL_BYTES, then disk), at its start."""
    sections, files = collect(actor)
    spool = _Spool(max_size=SPOOL_BYTES)
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, content in sections.items():
            bundle.writestr(f"{name}/data.json", json.dumps(content, ensure_ascii=False, indent=2, default=str))
        for path, storage_key in files:
            try:
                stored = storage().open(storage_key)
            except FileNotFoundError:  # a file lost from storage: say so rather than fail the whole download
                bundle.writestr(path + ".missing.txt", "This file could not be found in storage.")
                continue
            with bundle.open(path, "w") as entry:  # copied in chunks: a 10 MB PDF is never whole in memory
                for chunk in stored:
                    entry.write(chunk)
    spool.seek(0)
    return spool
