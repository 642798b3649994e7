"""Reviewer assignments and their rubric scores."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.core.clock import now_utc
from app.core.db import string_enum
from app.extensions import db
from app.festival.models.application import Application
from app.festival.models.call import RubricCriterion


class AssignmentStatus(enum.StrEnum):
    ASSIGNED = "assigned"
    SUBMITTED = "submitted"
    CONFLICT = "conflict"


class ReviewAssignment(db.Model):
    __tablename__ = "festival_review_assignment"
    __table_args__ = (UniqueConstraint("application_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("festival_application.id", ondelete="CASCADE"),
                                                index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[AssignmentStatus] = mapped_column(
        string_enum(AssignmentStatus, 32), default=AssignmentStatus.ASSIGNED
    )
    assigned_at: Mapped[datetime] = mapped_column(default=now_utc)
    conflict_reason: Mapped[str] = mapped_column(String(300), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None]
    weighted_score: Mapped[float | None]  # this reviewer's weighted mean over the rubric, 1–5

    application: Mapped[Application] = relationship()
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])
    scores: Mapped[list["ReviewScore"]] = relationship(back_populates="assignment", cascade="all, delete-orphan")


class ReviewScore(db.Model):
    __tablename__ = "festival_review_score"
    __table_args__ = (
        UniqueConstraint("assignment_id", "criterion_id"),
        CheckConstraint("value BETWEEN 1 AND 5", name="value_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("festival_review_assignment.id", ondelete="CASCADE"),
                                               index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("festival_rubric_criterion.id", ondelete="CASCADE"))
    value: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    assignment: Mapped[ReviewAssignment] = relationship(back_populates="scores")
    criterion: Mapped[RubricCriterion] = relationship()
