"""What a cohort tracks per participant: attendance at each session, milestones with due dates, the progress report a
participant submits per milestone, and the comments on it (by their mentor and staff).

Invariants held by the schema:
- one attendance mark per (session, participant) (`uq_cohorts_attendance_session_id`); a new tap updates it;
- one report per (milestone, participant) (`uq_cohorts_progress_report_milestone_id`); a resubmission updates it and
  raises `revision`;
- a report's file columns are all set or all empty (CHECK `file_complete`).
"""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.cohorts.models.cohort import Cohort, CohortParticipant, CohortSession
from app.core.clock import now_utc
from app.core.db import BilingualMixin, TimestampMixin, string_enum
from app.core.vocab import Vocabulary, declare_labels
from app.extensions import db


class AttendanceStatus(Vocabulary):
    PRESENT = "present"
    LATE = "late"
    ABSENT = "absent"
    EXCUSED = "excused"


declare_labels(AttendanceStatus, {
    AttendanceStatus.PRESENT: _l("Present"),
    AttendanceStatus.LATE: _l("Late"),
    AttendanceStatus.ABSENT: _l("Absent"),
    AttendanceStatus.EXCUSED: _l("Excused"),
})


class Attendance(db.Model):
    __tablename__ = "cohorts_attendance"
    __table_args__ = (UniqueConstraint("session_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("cohorts_session.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("cohorts_participant.id", ondelete="RESTRICT"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(string_enum(AttendanceStatus, 16))
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    marked_at: Mapped[datetime] = mapped_column(default=now_utc)

    session: Mapped[CohortSession] = relationship()
    participant: Mapped[CohortParticipant] = relationship()


class Milestone(BilingualMixin, TimestampMixin, db.Model):
    """A milestone of a cohort (business model canvas, first sale, pitch deck) with its due date; `required` ones
    count in the completion rule."""

    __tablename__ = "cohorts_milestone"
    __table_args__ = (Index("ix_cohorts_milestone_cohort_due", "cohort_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts_cohort.id", ondelete="RESTRICT"))
    title_ind: Mapped[str] = mapped_column(String(160))
    title_en: Mapped[str] = mapped_column(String(160), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date]
    required: Mapped[bool] = mapped_column(default=True)

    cohort: Mapped[Cohort] = relationship()

    def title(self, locale: str) -> str:
        return self.in_language("title", locale)

    @property
    def audit_label(self) -> str:
        """How the audit log names this row (never a person's name or contact)."""
        return self.title_en or self.title_ind


class ReportStatus(Vocabulary):
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    ACCEPTED = "accepted"


declare_labels(ReportStatus, {
    ReportStatus.SUBMITTED: _l("Submitted, waiting for review"),
    ReportStatus.CHANGES_REQUESTED: _l("Changes requested"),
    ReportStatus.ACCEPTED: _l("Accepted"),
})


class ProgressReport(db.Model):
    """A participant's report on one milestone: text and an optional file (checked as festival uploads are, stored
    outside the web root under a random name)."""

    __tablename__ = "cohorts_progress_report"
    __table_args__ = (
        UniqueConstraint("milestone_id", "participant_id"),
        CheckConstraint("(file_key IS NULL) = (file_name IS NULL)", name="file_complete"),
        CheckConstraint("revision >= 1", name="revision_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("cohorts_milestone.id", ondelete="RESTRICT"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("cohorts_participant.id", ondelete="RESTRICT"), index=True)
    status: Mapped[ReportStatus] = mapped_column(string_enum(ReportStatus, 24), default=ReportStatus.SUBMITTED)
    text: Mapped[str] = mapped_column(Text, default="")
    file_key: Mapped[str | None] = mapped_column(String(80))  # storage key
    file_name: Mapped[str | None] = mapped_column(String(120))
    file_content_type: Mapped[str | None] = mapped_column(String(64))
    file_size: Mapped[int | None]
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(default=1)
    submitted_at: Mapped[datetime] = mapped_column(default=now_utc)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))

    milestone: Mapped[Milestone] = relationship()
    participant: Mapped[CohortParticipant] = relationship()
    comments: Mapped[list["ReportComment"]] = relationship(back_populates="report",
                                                           order_by="ReportComment.id")


class ReportComment(db.Model):
    __tablename__ = "cohorts_report_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("cohorts_progress_report.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    report: Mapped[ProgressReport] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()
