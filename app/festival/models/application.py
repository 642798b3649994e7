"""An application to a call: a draft until submitted, then read-only; its history and its files."""

import enum
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.core.clock import now_utc
from app.core.db import TimestampMixin, string_enum
from app.core.vocab import Vocabulary, declare_labels
from app.extensions import db
from app.festival.models.call import Call
from app.festival.vocab import District, Stage, Subsector


class ApplicationStatus(Vocabulary):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


declare_labels(ApplicationStatus, {
    ApplicationStatus.DRAFT: _l("Draft"),
    ApplicationStatus.SUBMITTED: _l("Submitted"),
    ApplicationStatus.UNDER_REVIEW: _l("Under review"),
    ApplicationStatus.ACCEPTED: _l("Accepted"),
    ApplicationStatus.WAITLISTED: _l("Waitlisted"),
    ApplicationStatus.REJECTED: _l("Not selected"),
    ApplicationStatus.WITHDRAWN: _l("Withdrawn"),
})


class Application(TimestampMixin, db.Model):
    __tablename__ = "festival_application"
    __table_args__ = (
        UniqueConstraint("call_id", "applicant_id"),  # one application per person per call (calls are per edition)
        CheckConstraint("nik IS NULL OR length(nik) = 16", name="nik_length"),
        CheckConstraint("team_size IS NULL OR team_size BETWEEN 1 AND 500", name="team_size_range"),
        CheckConstraint("draft_decision IS NULL OR draft_decision IN ('accepted', 'waitlisted', 'rejected')",
                        name="draft_decision_kind"),
        # The staff list: one call's applications in one status, newest submission first, read in index order.
        Index("ix_festival_application_call_status_submitted", "call_id", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("festival_call.id"), index=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        string_enum(ApplicationStatus, 32), default=ApplicationStatus.DRAFT
    )
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    current_step: Mapped[int] = mapped_column(default=1)

    # Step 1, about you (a snapshot taken from the profile, so a later profile edit never changes a submission)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    phone_e164: Mapped[str | None] = mapped_column(String(16))
    date_of_birth: Mapped[date | None]
    district: Mapped[District | None] = mapped_column(string_enum(District, 32))
    nik: Mapped[str | None] = mapped_column(String(16))

    # Step 2, the business
    business_name: Mapped[str] = mapped_column(String(120), default="")
    subsector: Mapped[Subsector | None] = mapped_column(string_enum(Subsector, 32), index=True)
    stage: Mapped[Stage | None] = mapped_column(string_enum(Stage, 32))
    founded_on: Mapped[date | None]
    team_size: Mapped[int | None]
    description: Mapped[str] = mapped_column(Text, default="")
    instagram: Mapped[str] = mapped_column(String(200), default="")
    tiktok: Mapped[str] = mapped_column(String(200), default="")
    website: Mapped[str] = mapped_column(String(300), default="")

    # Step 3, the call's own questions: question key → answer
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    consent_at: Mapped[datetime | None]
    draft_saved_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    decided_at: Mapped[datetime | None]

    # A decision staff have drafted but not yet released: the status stays, nobody is mailed, it changes freely.
    draft_decision: Mapped[ApplicationStatus | None] = mapped_column(string_enum(ApplicationStatus, 32))
    draft_message: Mapped[str] = mapped_column(Text, default="")
    draft_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    draft_decided_at: Mapped[datetime | None]

    # Kept up to date when a review is submitted, so that lists can filter and sort by score.
    score_mean: Mapped[float | None] = mapped_column(index=True)
    score_spread: Mapped[float | None]
    review_count: Mapped[int] = mapped_column(default=0)

    call: Mapped[Call] = relationship()
    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id])
    draft_decided_by: Mapped[User | None] = relationship(foreign_keys=[draft_decided_by_id])
    files: Mapped[list["ApplicationFile"]] = relationship(
        back_populates="application", order_by="ApplicationFile.id", cascade="all, delete-orphan"
    )
    events: Mapped[list["ApplicationEvent"]] = relationship(
        back_populates="application", order_by="ApplicationEvent.id", cascade="all, delete-orphan"
    )

    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT

    @property
    def audit_label(self) -> str:
        """How the audit log names this row (never a person's name or contact)."""
        return self.reference or f"#{self.id}"


class ApplicationEvent(db.Model):
    """Every status change: who, when, from what to what, and the message sent with it."""

    __tablename__ = "festival_application_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("festival_application.id", ondelete="CASCADE"),
                                                index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    from_status: Mapped[ApplicationStatus] = mapped_column(string_enum(ApplicationStatus, 32))
    to_status: Mapped[ApplicationStatus] = mapped_column(string_enum(ApplicationStatus, 32))
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    application: Mapped[Application] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class FileKind(enum.StrEnum):
    PHOTO = "photo"
    PDF = "pdf"


class ApplicationFile(db.Model):
    """An uploaded file, stored outside the web root under a random name and served only to who may see it."""

    __tablename__ = "festival_application_file"
    __table_args__ = (
        # One PDF per question: the schema refuses a second even if a replacement forgets to remove the first.
        Index("uq_festival_application_file_pdf_question", "application_id", "question_key", unique=True,
              sqlite_where=text("kind = 'pdf'"), postgresql_where=text("kind = 'pdf'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("festival_application.id", ondelete="CASCADE"),
                                                index=True)
    kind: Mapped[FileKind] = mapped_column(string_enum(FileKind, 32))
    question_key: Mapped[str | None] = mapped_column(String(40))  # set for a PDF that answers a call question
    original_name: Mapped[str] = mapped_column(String(200))
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    application: Mapped[Application] = relationship(back_populates="files")
