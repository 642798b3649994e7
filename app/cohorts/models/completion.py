"""Completion certificates (a public verification code) and invitations to a cohort by e-mail.

Invariants held by the schema:
- one certificate per participant, and every code unique (`uq_cohorts_certificate_participant_id`, `..._code`);
- one invitation per (cohort, e-mail): inviting again renews it (`uq_cohorts_invitation_cohort_id`);
  an invitation's token is kept as its SHA-256 only.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.cohorts.models.cohort import Cohort, CohortParticipant
from app.core.clock import now_utc
from app.extensions import db


class Certificate(db.Model):
    __tablename__ = "cohorts_certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("cohorts_participant.id", ondelete="RESTRICT"),
                                                unique=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    holder_name: Mapped[str] = mapped_column(String(120))  # as printed, kept if the account's name changes later
    issued_at: Mapped[datetime] = mapped_column(default=now_utc)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str] = mapped_column(Text, default="")

    participant: Mapped[CohortParticipant] = relationship()

    @property
    def audit_label(self) -> str:
        """How the audit log names this row (never a person's name or contact)."""
        return self.code


class CohortInvitation(db.Model):
    """Staff invite a person by e-mail; opening the link (logged in, or after registering with that address) admits
    them, within the cohort's capacity at that moment."""

    __tablename__ = "cohorts_invitation"
    __table_args__ = (UniqueConstraint("cohort_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts_cohort.id", ondelete="RESTRICT"))
    email: Mapped[str] = mapped_column(String(254))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    locale: Mapped[str] = mapped_column(String(8), default="id")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    revoked_at: Mapped[datetime | None]

    cohort: Mapped[Cohort] = relationship()
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
