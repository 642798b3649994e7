"""Published pairs (mentorships) and the meetings they log.

A mentorship is offered to the mentor when staff publish a run, then accepted or declined; a decline re-matches that
participant only. Invariant held by the schema: a participant has at most one live mentorship (offered or accepted):
partial unique index `uq_mentoring_mentorship_live_participant` on both databases.
"""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.cohorts.models import Cohort, CohortParticipant
from app.core.clock import now_utc
from app.core.db import string_enum
from app.core.vocab import Vocabulary, declare_labels
from app.extensions import db

LIVE = "status IN ('offered', 'accepted')"


class MentorshipStatus(Vocabulary):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ENDED = "ended"


declare_labels(MentorshipStatus, {
    MentorshipStatus.OFFERED: _l("Waiting for the mentor"),
    MentorshipStatus.ACCEPTED: _l("Active"),
    MentorshipStatus.DECLINED: _l("Declined by the mentor"),
    MentorshipStatus.ENDED: _l("Ended"),
})


class Mentorship(db.Model):
    __tablename__ = "mentoring_mentorship"
    __table_args__ = (
        Index("uq_mentoring_mentorship_live_participant", "participant_id", unique=True,
              sqlite_where=text(LIVE), postgresql_where=text(LIVE)),
        Index("ix_mentoring_mentorship_mentor_status", "mentor_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts_cohort.id", ondelete="RESTRICT"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("cohorts_participant.id", ondelete="RESTRICT"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("mentoring_match_run.id", ondelete="SET NULL"))
    status: Mapped[MentorshipStatus] = mapped_column(string_enum(MentorshipStatus, 16),
                                                     default=MentorshipStatus.OFFERED)
    score: Mapped[int] = mapped_column(default=0)
    parts: Mapped[list] = mapped_column(JSON, default=list)  # the "why this pair" of the run that made it
    offered_at: Mapped[datetime] = mapped_column(default=now_utc)
    responded_at: Mapped[datetime | None]
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    ended_at: Mapped[datetime | None]

    cohort: Mapped[Cohort] = relationship()
    participant: Mapped[CohortParticipant] = relationship()
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    meetings: Mapped[list["Meeting"]] = relationship(back_populates="mentorship",
                                                     order_by="(Meeting.held_on.desc(), Meeting.id.desc())")


class Meeting(db.Model):
    """A meeting a pair logs (either side may); the participant rates it 1–5 afterwards."""

    __tablename__ = "mentoring_meeting"
    __table_args__ = (
        CheckConstraint("duration_minutes BETWEEN 5 AND 480", name="duration_range"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
        Index("ix_mentoring_meeting_mentorship_held", "mentorship_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentoring_mentorship.id", ondelete="RESTRICT"))
    held_on: Mapped[date]
    duration_minutes: Mapped[int]
    topics: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    rating: Mapped[int | None]
    rated_at: Mapped[datetime | None]

    mentorship: Mapped[Mentorship] = relationship(back_populates="meetings")
