"""A person with a rich life on the portal, for the erasure, "My data" and purge tests, and the scans that check it.

    life = rich_life()          # committed; life.person, life.values (every personal value), life.files
    dump_all()                  # every row of every table, for before/after comparisons
    leaks(values)               # (table, column, value) wherever a personal value is still stored
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import JSON, String, Text, func, select

from app.accounts.models import SignInLink
from app.cohorts.models import CalendarFeed
from app.core import uploads
from app.core.clock import now_utc
from app.core.mail import OutboxMessage
from app.core.reminders import SentReminder
from app.extensions import db
from app.festival.models import ApplicationEvent, ApplicationFile, ReviewAssignment
from app.festival.models.application import ApplicationStatus, FileKind
from app.payments.models import Payment, PaymentEvent, PaymentMethod, PaymentStatus, Refund, RefundReason, RefundStatus
from app.privacy.models import ConsentPurpose, ConsentRecord, GuardianConsent, GuardianRelationship
from app.stalls.models import BookingPayment
from tests.cohorts.completion_factories import CertificateFactory
from tests.cohorts.factories import (
    AttendanceFactory,
    CohortFactory,
    MilestoneFactory,
    ParticipantFactory,
    SessionFactory,
)
from tests.cohorts.progress_factories import CommentFactory, ReportFactory
from tests.factories import ApplicationFactory, CallFactory, EditionFactory, UserFactory
from tests.mentoring.factories import MeetingFactory, MentorshipFactory, NeedsFactory
from tests.stalls.factories import BookingFactory, StallFactory, ZoneFactory

NAME = "Komang Ayu Wulandari"
EMAIL = "komang.wulandari@example.com"
PHONE = "+6281299887766"
NIK = "5171014403030001"
BORN = date(2003, 2, 11)
BUSINESS = "Warung Kopi Sanur Asri"
ANSWER = "Kopi robusta Kintamani sangrai sendiri"
DRAFT_BUSINESS = "Tenun Ikat Gianyar Lestari"
GUARDIAN_NAME = "Made Sutrisna Wijaya"
GUARDIAN_EMAIL = "made.sutrisna@example.net"
JPEG = b"\xff\xd8\xff\xe0" + b"photo bytes" * 20


@dataclass
class Life:
    person: object
    other: object
    application: object
    draft: object
    booking: object
    files: list[str] = field(default_factory=list)

    @property
    def values(self) -> list[str]:
        """Every personal value of the person, as the scan looks for them."""
        return [NAME, EMAIL, PHONE, "0" + PHONE[3:], NIK, BORN.isoformat(), BUSINESS, ANSWER, DRAFT_BUSINESS,
                GUARDIAN_NAME, GUARDIAN_EMAIL]


def _stored_file(application, kind: FileKind, data: bytes, suffix: str, name: str, question_key=None) -> str:
    key = uploads.store(data, suffix)
    db.session.add(ApplicationFile(application_id=application.id, kind=kind, question_key=question_key,
                                   original_name=name, storage_key=key, content_type="image/jpeg",
                                   size_bytes=len(data), sha256="0" * 64))
    return key


def _paid_by_card_with_refund(booking, payer) -> None:
    """A card payment of the booking's fee, with a partial refund, and their history (as the ledger records them)."""
    payment = Payment(purpose="stall_booking", scope=f"edition:{booking.edition_id}", description="stall S-001",
                      payer_id=payer.id, method=PaymentMethod.CARD, status=PaymentStatus.PARTIALLY_REFUNDED,
                      amount=booking.fee, amount_refunded=booking.fee // 2, stripe_intent_id="pi_erasure_1",
                      stripe_client_secret="pi_erasure_1_secret_x", succeeded_at=now_utc())
    db.session.add(payment)
    db.session.flush()
    db.session.add(BookingPayment(booking_id=booking.id, payment_id=payment.id))
    refund = Refund(payment_id=payment.id, amount=booking.fee // 2, status=RefundStatus.SUCCEEDED,
                    reason=RefundReason.CANCELLED_BY_APPLICANT, stripe_refund_id="re_erasure_1",
                    idempotency_key="refund-erasure-1", actor_id=payer.id)
    db.session.add(refund)
    db.session.flush()
    for previous, status, source in ((None, PaymentStatus.PENDING, "payer"),
                                     (PaymentStatus.PENDING, PaymentStatus.SUCCEEDED, "stripe"),
                                     (PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED, "stripe")):
        db.session.add(PaymentEvent(payment_id=payment.id, from_status=previous, to_status=status, source=source,
                                    stripe_event_id=None if source == "payer" else f"evt_{status.value}",
                                    actor_id=payer.id if source == "payer" else None, note="test"))


def rich_life(*, ends_on: date = date(2027, 8, 16)) -> Life:
    """The person: an account, a submitted and accepted application with files and a guardian, a draft with a file,
    a booking paid by card with a refund, a cohort place with attendance, a report with a file and a comment, a
    certificate, a mentor and a meeting, mails, a sign-in link, a calendar feed, a reminder and consent records.
    And another applicant, whose data must survive the person's erasure."""
    person = UserFactory(name=NAME, email=EMAIL, phone_e164=PHONE, date_of_birth=BORN, locale="en")
    other = UserFactory(name="Putu Gede Artawan", locale="en")
    staff = UserFactory(staff=True, locale="en")
    edition = EditionFactory(starts_on=ends_on - timedelta(days=2), ends_on=ends_on)
    call = CallFactory(edition=edition)
    application = ApplicationFactory(
        call=call, applicant=person, submitted=True, status=ApplicationStatus.ACCEPTED, nik=NIK,
        business_name=BUSINESS, answers={"products": ANSWER, "price_range": "Rp 10.000"},
        instagram="@warungkopisanurasri", decided_at=datetime(2027, 6, 1, tzinfo=UTC))
    ApplicationFactory(call=call, applicant=other, submitted=True, business_name="Gerabah Pejaten Artawan")
    draft = ApplicationFactory(call=CallFactory(edition=edition), applicant=person, business_name=DRAFT_BUSINESS)
    life = Life(person=person, other=other, application=application, draft=draft, booking=None)
    life.files.append(_stored_file(application, FileKind.PHOTO, JPEG, "jpg", f"{BUSINESS}.jpg"))
    life.files.append(_stored_file(draft, FileKind.PDF, b"%PDF-1.4 draft", "pdf", "proposal.pdf", "proposal"))
    db.session.add(ApplicationEvent(application_id=application.id, actor_id=staff.id,
                                    from_status=ApplicationStatus.SUBMITTED, to_status=ApplicationStatus.ACCEPTED,
                                    message=f"Selamat {NAME}, {BUSINESS} diterima!"))
    db.session.add(ReviewAssignment(application_id=application.id, reviewer_id=staff.id, assigned_by_id=staff.id,
                                    comment=f"{BUSINESS} is ready for the bazaar."))
    db.session.add(GuardianConsent(application_id=application.id, name=GUARDIAN_NAME, email=GUARDIAN_EMAIL,
                                   phone_e164="+6281311112222", relationship=GuardianRelationship.FATHER,
                                   token_hash="f" * 64, sent_at=now_utc(), confirmed_at=now_utc(),
                                   text_version="2026-1"))
    db.session.add(GuardianConsent(application_id=draft.id, name=GUARDIAN_NAME, email=GUARDIAN_EMAIL,
                                   relationship=GuardianRelationship.FATHER, token_hash="e" * 64, sent_at=now_utc(),
                                   text_version="2026-1"))  # a draft's: deleted with the draft
    db.session.add(ConsentRecord(user_id=person.id, purpose=ConsentPurpose.ACCOUNT, text_version="2026-1",
                                 locale="en"))
    db.session.add(ConsentRecord(user_id=person.id, application_id=application.id,
                                 purpose=ConsentPurpose.APPLICATION, text_version="2026-1", locale="en"))
    db.session.commit()

    stall = StallFactory(zone=ZoneFactory(edition=edition))
    booking = BookingFactory(stall=stall, application=application, confirmed=True)
    life.booking = booking
    _paid_by_card_with_refund(booking, person)

    cohort = CohortFactory(edition=edition)
    participant = ParticipantFactory(cohort=cohort, application=application)
    AttendanceFactory(session=SessionFactory(cohort=cohort), participant=participant)
    report = ReportFactory(milestone=MilestoneFactory(cohort=cohort), participant=participant,
                           text=f"{BUSINESS} sold 40 cups at the market.")
    report_key = uploads.store(b"%PDF-1.4 report", "pdf")
    report.file_key, report.file_name, report.file_content_type = report_key, "canvas.pdf", "application/pdf"
    report.file_size, report.file_sha256 = 15, "1" * 64
    life.files.append(report_key)
    CommentFactory(report=report, author=staff, body=f"Good work, {NAME}.")
    CertificateFactory(participant=participant)
    mentorship = MentorshipFactory(participant=participant, accepted=True)
    MeetingFactory(mentorship=mentorship, notes=f"{NAME} wants to export to Darwin; call {PHONE}.",
                   topics=f"{BUSINESS} pricing")
    NeedsFactory(participant=participant)

    db.session.add(OutboxMessage(to_address=EMAIL, subject="Your application", body_text=f"Dear {NAME}",
                                 body_html=f"<p>Dear {NAME}</p>", locale="en", template="festival/mail/decision"))
    db.session.add(OutboxMessage(to_address=staff.email, subject=f"New application from {NAME}",
                                 body_text=f"{NAME} ({EMAIL}, {PHONE}) applied with {BUSINESS}.",
                                 body_html=f"<p>{NAME} applied.</p>", locale="en", template="festival/mail/new"))
    db.session.add(SignInLink(user_id=person.id, token_sha256="a" * 64, expires_at=now_utc() + timedelta(minutes=15)))
    db.session.add(CalendarFeed(user_id=person.id, token="b" * 43))
    db.session.add(SentReminder(kind="session", subject_id=1, user_id=person.id))
    db.session.commit()
    return life


def _text_columns(table) -> list:
    return [column for column in table.columns if isinstance(column.type, String | Text | JSON)]


def dump_all() -> dict[str, list[tuple]]:
    """Every row of every table, sorted, as plain values (for before/after comparisons)."""
    dumped = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table)).all()
        dumped[table.name] = sorted(tuple(repr(value) for value in row) for row in rows)
    return dumped


def leaks(values: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, value) for each personal value still found in any text or JSON column of any table."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = _text_columns(table)
        if not columns:
            continue
        for row in db.session.execute(select(*columns)).all():
            for column, stored in zip(columns, row, strict=True):
                if stored is None:
                    continue
                text = stored if isinstance(stored, str) else json.dumps(stored, ensure_ascii=False)
                found.extend((table.name, column.name, value) for value in values if value in text)
    return found


def net_paid(booking_id: int) -> int:
    """Payments minus succeeded refunds of a booking, read from the ledger."""
    paid = db.session.scalar(select(func.coalesce(func.sum(Payment.amount), 0))
                             .join(BookingPayment, BookingPayment.payment_id == Payment.id)
                             .where(BookingPayment.booking_id == booking_id,
                                    Payment.status.in_([PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED,
                                                        PaymentStatus.REFUNDED])))
    refunded = db.session.scalar(select(func.coalesce(func.sum(Refund.amount), 0))
                                 .join(BookingPayment, BookingPayment.payment_id == Refund.payment_id)
                                 .where(BookingPayment.booking_id == booking_id,
                                        Refund.status == RefundStatus.SUCCEEDED))
    return int(paid) - int(refunded)
