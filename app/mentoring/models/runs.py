"""Matcher runs of a cohort: the pins and forbids staff set, each run's proposal (pairs with their explained scores,
and the unmatched with a reason), kept so that a later run can show what changed.

A run is proposed, then published (its pairs become mentorships) or superseded by a later run. Runs and publishing
take the cohort's row lock, so a run cannot start while another is being published.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.cohorts.models import Cohort
from app.core.clock import now_utc
from app.core.db import string_enum
from app.core.vocab import Vocabulary, declare_labels
from app.extensions import db


class RuleKind(Vocabulary):
    PIN = "pin"
    FORBID = "forbid"


declare_labels(RuleKind, {RuleKind.PIN: _l("Always pair"), RuleKind.FORBID: _l("Never pair")})


class PairRule(db.Model):
    """Staff's pin (this pair must be in every run) or forbid (never); a decline adds a forbid by itself."""

    __tablename__ = "mentoring_pair_rule"
    __table_args__ = (UniqueConstraint("cohort_id", "participant_id", "mentor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts_cohort.id", ondelete="RESTRICT"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("cohorts_participant.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    kind: Mapped[RuleKind] = mapped_column(string_enum(RuleKind, 8))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)


class RunStatus(Vocabulary):
    PROPOSED = "proposed"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


declare_labels(RunStatus, {
    RunStatus.PROPOSED: _l("Proposed"),
    RunStatus.PUBLISHED: _l("Published"),
    RunStatus.SUPERSEDED: _l("Replaced by a later run"),
})


class MatchRun(db.Model):
    __tablename__ = "mentoring_match_run"
    __table_args__ = (
        UniqueConstraint("cohort_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts_cohort.id", ondelete="RESTRICT"))
    number: Mapped[int]  # 1, 2, 3… per cohort
    status: Mapped[RunStatus] = mapped_column(string_enum(RunStatus, 16), default=RunStatus.PROPOSED)
    weights: Mapped[dict] = mapped_column(JSON, default=dict)
    matched: Mapped[int] = mapped_column(default=0)
    unmatched: Mapped[int] = mapped_column(default=0)
    total_score: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))

    cohort: Mapped[Cohort] = relationship()
    rows: Mapped[list["ProposedPair"]] = relationship(back_populates="run", order_by="ProposedPair.id")

    @property
    def audit_label(self) -> str:
        """How the audit log names this row (never a person's name or contact)."""
        return f"{self.cohort.audit_label} run {self.number}" if self.cohort else f"run {self.number}"


class ProposedPair(db.Model):
    """One participant's line in a run: their mentor, score and its parts (`parts`: a list of {"part", "points",
    "detail"}), or no mentor and the reason (a value of `matching.UnmatchedReason`)."""

    __tablename__ = "mentoring_proposed_pair"
    __table_args__ = (
        UniqueConstraint("run_id", "participant_id"),
        CheckConstraint("(mentor_id IS NULL) <> (unmatched_reason IS NULL)", name="pair_or_reason"),
        Index("ix_mentoring_proposed_pair_mentor", "mentor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("mentoring_match_run.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("cohorts_participant.id", ondelete="CASCADE"))
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    score: Mapped[int] = mapped_column(default=0)
    pinned: Mapped[bool] = mapped_column(default=False)
    parts: Mapped[list] = mapped_column(JSON, default=list)
    unmatched_reason: Mapped[str | None] = mapped_column(String(32))
    candidates: Mapped[int] = mapped_column(default=0)

    run: Mapped[MatchRun] = relationship(back_populates="rows")
