"""What the matcher reads: a mentor's profile, the mentors serving a cohort, and a participant's needs.

Sets (subsectors, functions, languages, preferred mentors) are JSON lists of vocabulary values (`app.core.vocab.
Subsector`, `app.mentoring.vocab.Function` and `Language`); services sort and de-duplicate them before saving.
Working hours are local times in the person's zone; an end at or before the start runs past midnight.
"""

from datetime import datetime, time

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.cohorts.models import Cohort, CohortParticipant
from app.core.clock import now_utc
from app.core.db import TimestampMixin, string_enum
from app.core.i18n import TimeZone
from app.extensions import db

MIN_CAPACITY, MAX_CAPACITY = 1, 20


class MentorProfile(TimestampMixin, db.Model):
    __tablename__ = "mentoring_profile"
    __table_args__ = (
        CheckConstraint(f"capacity BETWEEN {MIN_CAPACITY} AND {MAX_CAPACITY}", name="capacity_range"),
        CheckConstraint("hours_start <> hours_end", name="hours_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    organisation: Mapped[str] = mapped_column(String(160), default="")
    country: Mapped[str] = mapped_column(String(2), default="AU")  # ISO 3166-1 alpha-2
    subsectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    functions: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int] = mapped_column(default=3)
    hours_start: Mapped[time] = mapped_column(default=time(9, 0))
    hours_end: Mapped[time] = mapped_column(default=time(17, 0))
    zone: Mapped[TimeZone] = mapped_column(string_enum(TimeZone, 40), default=TimeZone.DARWIN)
    bio: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship()


class CohortMentor(db.Model):
    """A mentor serving a cohort: the matcher's pool for that cohort. `capacity` None = the profile's capacity."""

    __tablename__ = "mentoring_cohort_mentor"
    __table_args__ = (
        UniqueConstraint("cohort_id", "mentor_id"),
        CheckConstraint(f"capacity IS NULL OR capacity BETWEEN {MIN_CAPACITY} AND {MAX_CAPACITY}",
                        name="capacity_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts_cohort.id", ondelete="RESTRICT"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"), index=True)
    capacity: Mapped[int | None]
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    added_at: Mapped[datetime] = mapped_column(default=now_utc)

    cohort: Mapped[Cohort] = relationship()
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])


class ParticipantNeeds(TimestampMixin, db.Model):
    """What a participant asks of a mentor; `share_phone` lets their mentor see their phone number."""

    __tablename__ = "mentoring_needs"
    __table_args__ = (
        CheckConstraint("hours_start <> hours_end", name="hours_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("cohorts_participant.id", ondelete="CASCADE"),
                                                unique=True)
    subsectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)  # values of Function
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    preferred_language: Mapped[str | None] = mapped_column(String(8))
    preferred_mentor_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # user ids, best first, ≤ 3
    hours_start: Mapped[time] = mapped_column(default=time(9, 0))
    hours_end: Mapped[time] = mapped_column(default=time(17, 0))
    zone: Mapped[TimeZone] = mapped_column(string_enum(TimeZone, 40), default=TimeZone.DENPASAR)
    share_phone: Mapped[bool] = mapped_column(default=False)

    participant: Mapped[CohortParticipant] = relationship()
