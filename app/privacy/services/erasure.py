"""Erasing a person at their request (UU 27/2022), and anonymising one application (which retention reuses).

What erasure does, and why:
- The user row stays, because decisions, the payment ledger, bookings and audit entries point at it; it is
  pseudonymised: name "Deleted user", e-mail `deleted-<id>@invalid`, no phone or date of birth, a password that
  matches nothing, inactive, every session ended (session_version raised), no roles.
- Drafts are deleted with their files (rows now, files on disk after the commit).
- Submitted and decided applications keep their status, call, scores, reviews, decisions and status history (the
  programme must be able to account for its selection); their personal fields (name, phone, NIK, date of birth,
  business name and description, social links, answers), their files and the guardian's contact are removed.
  District, subsector, stage and team size stay: the programme's statistics count them, and alone they name no one.
- Bookings, payments and refunds stay whole (amounts, Stripe ids): the ledger must still balance for the auditors.
  They hold no personal values.
- Cohort participation stays as facts (admitted, attendance, report status, certificate code) with its free text
  cleared: report texts and files, comments on the reports, mentoring meeting notes, needs, staff's notes; the
  certificate's printed name becomes "Deleted user".
- Mails to their address are deleted; sign-in links, calendar feeds, invitations, reminders and a mentor profile are
  deleted. Consent records stay as proof that consent was given, with nothing personal in them.
- Finally every remaining copy of their values (a mail to staff naming them, a decision message greeting them) is
  masked in every table (`redaction.redact_everywhere`); the audit log holds none by construction.

Refused, with a message, while money is in flight: a stall on hold being paid or a card payment still pending
(the payment could still succeed and would then need its owner). Staff accounts are closed by the programme team,
not here. The user row is locked and re-read: a second request (a double click) finds the account erased and
changes nothing; `privacy_erased_account.user_id` is unique as the backstop.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, delete, select, update
from werkzeug.security import check_password_hash

from app.accounts.models import Invitation, SignInLink, User
from app.audit import services as audit
from app.cohorts.models import (
    CalendarFeed,
    Certificate,
    CohortInvitation,
    CohortParticipant,
    ProgressReport,
    ReportComment,
)
from app.core.clock import now_utc
from app.core.errors import AlreadyDone, InvalidState, NotAllowed
from app.core.locking import lock
from app.core.mail import OutboxMessage
from app.core.permissions import Role
from app.core.reminders import SentReminder
from app.extensions import db
from app.festival.models import Application, ApplicationEvent, ReviewAssignment, ReviewScore
from app.festival.models.application import ApplicationStatus
from app.mentoring.models import Meeting, MentorProfile, Mentorship, ParticipantNeeds
from app.payments.models import Payment, PaymentStatus, Refund
from app.privacy.models import AnonymisedApplication, AnonymisedBecause, ErasedAccount
from app.privacy.services.redaction import clean_values, phone_forms, redact_everywhere, redact_value
from app.stalls.models import Booking, BookingStatus

DELETED_NAME = "Deleted user"
UNUSABLE_PASSWORD = "!erased"  # noqa: S105  (no method$salt$hash: check_password_hash answers False for any password)

ERASED = audit.register_action("privacy.account.erased", _l("Account erased at its owner's request"))

# Columns that carry a person's own values wherever a row belongs to them (guardian contact included).
PERSONAL = frozenset(audit.PERSONAL_COLUMNS - {"password_hash"})
# An application's personal fields and what they are set to; what is not listed (status, call, district,
# subsector, stage, team size, scores, dates) is kept.
APPLICATION_CLEARED = {
    "full_name": "", "phone_e164": None, "nik": None, "date_of_birth": None, "business_name": "",
    "description": "", "instagram": "", "tiktok": "", "website": "", "answers": {}, "founded_on": None,
    "draft_message": "",
}


@dataclass
class Erasure:
    """What an erasure kept (counts, shown to the person) and the stored files to remove after the commit."""

    kept: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def application_values(application: Application, *, identity: bool = True) -> list:
    """The application's own personal values, for masking copies of them elsewhere. `identity=False` leaves out
    the name, phone and date of birth it copied from the account (retention: the account lives on)."""
    values: list = [application.nik, application.business_name, application.instagram, application.tiktok,
                    application.website, application.description, *_free_text_answers(application.answers)]
    if identity:
        values.extend([application.full_name, *phone_forms(application.phone_e164)])
        if application.date_of_birth:
            values.append(application.date_of_birth.isoformat())
    for table in _tables_referring_to("festival_application"):
        values.extend(_personal_values_in(table, application.id, "festival_application"))
    return values


def _free_text_answers(answers: dict | None) -> list[str]:
    """Answers long enough to be the person's own words: a short one ("Ya", "Rp 10.000") is cleared in its own row
    but not hunted for elsewhere, where it would mask other people's words."""
    return [value for value in (answers or {}).values() if isinstance(value, str) and len(value.strip()) >= 12]


def _tables_referring_to(target: str) -> list[Table]:
    return [table for table in db.metadata.sorted_tables
            if table.name not in ("audit_entry", target)
            and any(fk.column.table.name == target for fk in table.foreign_keys)]


def _fk_columns(table: Table, target: str, names: tuple[str, ...] | None = None) -> list:
    return [fk.parent for fk in table.foreign_keys
            if fk.column.table.name == target and (names is None or fk.parent.name in names)]


def _personal_columns(table: Table) -> list:
    return [column for column in table.columns if column.name in PERSONAL and not column.primary_key]


def _personal_values_in(table: Table, row_id: int, target: str, names: tuple[str, ...] | None = None) -> list:
    columns = _personal_columns(table)
    found: list = []
    for key in _fk_columns(table, target, names):
        if columns:
            for row in db.session.execute(select(*columns).where(key == row_id)):
                for value in row:
                    if isinstance(value, date):
                        found.append(value.isoformat())
                    elif isinstance(value, str):
                        found.extend(phone_forms(value) if value.startswith("+") else [value])
    return found


def _blank_personal_columns(table: Table, row_id: int, target: str, names: tuple[str, ...] | None = None) -> None:
    """Empty the personal columns of `table`'s rows that belong to row `row_id` of `target` (a guardian's contact
    on the consent kept as proof, an invitation's name): NULL where allowed, "" otherwise."""
    columns = _personal_columns(table)
    if not columns:
        return
    blank = {column.name: (None if column.nullable else "") for column in columns}
    for key in _fk_columns(table, target, names):
        db.session.execute(update(table).where(key == row_id).values(blank))


def anonymise_application(application: Application, because: AnonymisedBecause) -> list[str]:
    """Remove the personal fields and files of a submitted application (kept: status, call, scores, reviews,
    decisions, history); masks copies of its values in its own history and reviews. Returns the storage keys to
    remove after the commit. An application anonymised before is left as it is."""
    if db.session.scalar(select(AnonymisedApplication.id).where(
            AnonymisedApplication.application_id == application.id)) is not None:
        return []
    values = clean_values(application_values(application))
    files = [file.storage_key for file in application.files]
    application.files.clear()  # delete-orphan: the rows go with the flush
    for name, blank in APPLICATION_CLEARED.items():
        setattr(application, name, blank)
    for table in _tables_referring_to("festival_application"):
        _blank_personal_columns(table, application.id, "festival_application")
    for event in db.session.scalars(select(ApplicationEvent).where(ApplicationEvent.application_id == application.id)):
        event.message = redact_value(event.message, values)
    for assignment in db.session.scalars(select(ReviewAssignment).where(
            ReviewAssignment.application_id == application.id)):
        assignment.comment = redact_value(assignment.comment, values)
        assignment.conflict_reason = redact_value(assignment.conflict_reason, values)
        for score in db.session.scalars(select(ReviewScore).where(ReviewScore.assignment_id == assignment.id)):
            score.comment = redact_value(score.comment, values)
    db.session.add(AnonymisedApplication(application_id=application.id, because=because))
    db.session.flush()
    return files


def is_erased(user: User) -> bool:
    return db.session.scalar(select(ErasedAccount.id).where(ErasedAccount.user_id == user.id)) is not None


def in_flight(user: User) -> bool:
    """A stall held for them right now (being paid), or a card payment of theirs Stripe may still confirm."""
    held = db.session.scalar(select(Booking.id).where(
        Booking.holder_id == user.id, Booking.status == BookingStatus.HELD, Booking.expires_at > now_utc()).limit(1))
    pending = db.session.scalar(select(Payment.id).where(
        Payment.payer_id == user.id, Payment.status == PaymentStatus.PENDING).limit(1))
    return held is not None or pending is not None


def check_erasable(user: User) -> None:
    """Raise the reason this account cannot be erased now, if there is one."""
    if user.has_role(Role.STAFF):
        raise NotAllowed(_l("Staff accounts are closed by the programme team, not on this page."))
    if in_flight(user):
        raise InvalidState(_l("You have a stall on hold or a payment in progress. Finish or cancel it first, then "
                              "delete your account."))


def erase_account(actor: User, password: str) -> Erasure:
    """Erase the actor's own account (rules in the module docstring), after checking their password."""
    user = lock(User, actor.id)
    if user is None or is_erased(user):
        raise AlreadyDone(_l("This account has already been deleted."))
    if not check_password_hash(user.password_hash, password):
        raise NotAllowed(_l("Your password is not correct."), field="password")
    check_erasable(user)
    result = Erasure()
    values: list = [user.name, user.email, *phone_forms(user.phone_e164)]
    if user.date_of_birth:
        values.append(user.date_of_birth.isoformat())
    values.extend(_erase_applications(user, result))
    values.extend(_personal_values_in_owned_rows(user))
    _clear_cohort_life(user, result)
    _delete_personal_rows(user)
    _count_ledger(user, result)
    _pseudonymise(user)
    db.session.flush()
    redact_everywhere(clean_values(values))
    db.session.add(ErasedAccount(user_id=user.id, kept=result.kept))
    audit.record(user, ERASED, user, after=dict(result.kept))  # counts only: what was kept, never a value
    db.session.flush()
    return result


def _erase_applications(user: User, result: Erasure) -> list:
    values: list = []
    kept = drafts = 0
    for application in db.session.scalars(select(Application).where(Application.applicant_id == user.id)
                                          .order_by(Application.id)):
        values.extend(application_values(application))
        if application.status == ApplicationStatus.DRAFT:
            result.files.extend(file.storage_key for file in application.files)
            db.session.delete(application)
            drafts += 1
        else:
            result.files.extend(anonymise_application(application, AnonymisedBecause.ERASURE))
            kept += 1
    result.kept.update(applications=kept, drafts_deleted=drafts)
    return values


def _personal_values_in_owned_rows(user: User) -> list:
    values: list = []
    for table in _tables_referring_to("user_account"):
        values.extend(_personal_values_in(table, user.id, "user_account", ("user_id",)))
    return values


def _clear_cohort_life(user: User, result: Erasure) -> None:
    participant_ids = list(db.session.scalars(select(CohortParticipant.id).where(CohortParticipant.user_id == user.id)))
    result.kept["cohort_participations"] = len(participant_ids)
    if not participant_ids:
        return
    db.session.execute(update(CohortParticipant).where(CohortParticipant.id.in_(participant_ids))
                       .values(flagged_note=""))
    db.session.execute(update(Certificate).where(Certificate.participant_id.in_(participant_ids))
                       .values(holder_name=DELETED_NAME))
    reports = list(db.session.scalars(select(ProgressReport).where(ProgressReport.participant_id.in_(participant_ids))))
    for report in reports:
        if report.file_key:
            result.files.append(report.file_key)
        report.text = ""
        report.file_key = report.file_name = report.file_content_type = report.file_sha256 = None
        report.file_size = None
    if reports:
        db.session.execute(update(ReportComment).where(ReportComment.report_id.in_([r.id for r in reports]))
                           .values(body=""))
    mentorship_ids = list(db.session.scalars(select(Mentorship.id).where(
        Mentorship.participant_id.in_(participant_ids))))
    if mentorship_ids:
        db.session.execute(update(Mentorship).where(Mentorship.id.in_(mentorship_ids)).values(decline_reason=""))
        db.session.execute(update(Meeting).where(Meeting.mentorship_id.in_(mentorship_ids))
                           .values(topics="", notes="", next_steps=""))
    db.session.execute(delete(ParticipantNeeds).where(ParticipantNeeds.participant_id.in_(participant_ids)))
    result.kept["reports"] = len(reports)


def _delete_personal_rows(user: User) -> None:
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.to_address == user.email))
    db.session.execute(delete(SignInLink).where(SignInLink.user_id == user.id))
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    db.session.execute(delete(SentReminder).where(SentReminder.user_id == user.id))
    db.session.execute(delete(MentorProfile).where(MentorProfile.user_id == user.id))
    db.session.execute(delete(Invitation).where((Invitation.email == user.email) | (Invitation.user_id == user.id)))
    db.session.execute(delete(CohortInvitation).where(CohortInvitation.email == user.email))
    db.session.execute(update(CohortInvitation).where(CohortInvitation.accepted_by_id == user.id)
                       .values(email=f"deleted-{user.id}@invalid"))
    # Rows of other tables that belong to them (consent records, …): nothing personal is left in them.
    for table in _tables_referring_to("user_account"):
        _blank_personal_columns(table, user.id, "user_account", ("user_id",))


def _count_ledger(user: User, result: Erasure) -> None:
    payments = list(db.session.scalars(select(Payment.id).where(Payment.payer_id == user.id)))
    result.kept["bookings"] = len(list(db.session.scalars(select(Booking.id).where(Booking.holder_id == user.id))))
    result.kept["payments"] = len(payments)
    result.kept["refunds"] = len(list(db.session.scalars(select(Refund.id).where(Refund.payment_id.in_(payments)))))


def _pseudonymise(user: User) -> None:
    user.name = DELETED_NAME
    user.email = f"deleted-{user.id}@invalid"
    user.phone_e164 = None
    user.date_of_birth = None
    user.password_hash = UNUSABLE_PASSWORD
    user.active = False
    user.last_login_at = None
    user.session_version = user.session_version + 1
    user.roles.clear()
