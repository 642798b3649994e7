"""Cohorts of the incubator, their participants, their sessions (the curriculum), and each user's private calendar
feed.

Invariants held by the schema (the cohort's row lock is the first guard, these are the backstop):
- a person is in a cohort at most once (`uq_cohorts_participant_cohort_id`, on cohort and user);
- a cohort's dates and a session's times are ordered, a capacity is positive (CHECK constraints);
- one feed token per user, unique: a new token replaces (and so revokes) the old one.
Capacity (admitted participants ≤ capacity) and non-overlapping sessions are decided under the cohort's row lock
(`services.admitting`, `services.curriculum`).
"""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.core.clock import now_utc
from app.core.db import BilingualMixin, TimestampMixin, string_enum
from app.core.i18n import TimeZone
from app.core.vocab import Vocabulary, declare_labels
from app.extensions import db


class CohortMode(Vocabulary):
    IN_PERSON = "in_person"
    ONLINE = "online"
    MIXED = "mixed"


declare_labels(CohortMode, {
    CohortMode.IN_PERSON: _l("In person"),
    CohortMode.ONLINE: _l("Online"),
    CohortMode.MIXED: _l("Mixed (in person and online)"),
})


class ParticipantStatus(Vocabulary):
    ADMITTED = "admitted"
    WITHDRAWN = "withdrawn"


declare_labels(ParticipantStatus, {
    ParticipantStatus.ADMITTED: _l("Admitted"),
    ParticipantStatus.WITHDRAWN: _l("Withdrawn"),
})


class SessionKind(Vocabulary):
    WORKSHOP = "workshop"
    TRAINING = "training"
    MENTORING_CLINIC = "mentoring_clinic"
    DEMO_DAY = "demo_day"


declare_labels(SessionKind, {
    SessionKind.WORKSHOP: _l("Workshop"),
    SessionKind.TRAINING: _l("Training"),
    SessionKind.MENTORING_CLINIC: _l("Mentoring clinic"),
    SessionKind.DEMO_DAY: _l("Demo day"),
})


class SessionLanguage(Vocabulary):
    INDONESIAN = "id"
    ENGLISH = "en"


declare_labels(SessionLanguage, {
    SessionLanguage.INDONESIAN: _l("Indonesian"),
    SessionLanguage.ENGLISH: _l("English"),
})


class Cohort(BilingualMixin, TimestampMixin, db.Model):
    __tablename__ = "cohorts_cohort"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("min_attendance_percent BETWEEN 0 AND 100", name="attendance_percent_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("festival_edition.id", ondelete="RESTRICT"),
                                                   index=True)
    name_ind: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), default="")
    partner: Mapped[str] = mapped_column(String(160), default="")  # partner organisation, e.g. a Darwin incubator
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    capacity: Mapped[int]
    mode: Mapped[CohortMode] = mapped_column(string_enum(CohortMode, 16), default=CohortMode.IN_PERSON)
    description: Mapped[str] = mapped_column(Text, default="")
    # The completion rule: attendance at least this share of the sessions held, and every required milestone
    # accepted (`services.completion`).
    min_attendance_percent: Mapped[int] = mapped_column(default=75, server_default="75")

    participants: Mapped[list["CohortParticipant"]] = relationship(back_populates="cohort",
                                                                   order_by="CohortParticipant.id")
    sessions: Mapped[list["CohortSession"]] = relationship(back_populates="cohort",
                                                           order_by="(CohortSession.starts_at, CohortSession.id)")

    def name(self, locale: str) -> str:
        return self.in_language("name", locale)

    @property
    def audit_label(self) -> str:
        """How the audit log names this row (never a person's name or contact)."""
        return self.name_en or self.name_ind


class CohortParticipant(db.Model):
    """A person admitted to a cohort, usually from an accepted festival application (kept when the application is
    withdrawn: `flagged_at` then tells staff, who decide)."""

    __tablename__ = "cohorts_participant"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts_cohort.id", ondelete="RESTRICT"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("festival_application.id", ondelete="RESTRICT"),
                                                       index=True)
    status: Mapped[ParticipantStatus] = mapped_column(string_enum(ParticipantStatus, 16),
                                                      default=ParticipantStatus.ADMITTED)
    admitted_at: Mapped[datetime] = mapped_column(default=now_utc)
    admitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    # Set when the linked application was withdrawn from the festival: the person stays until staff decide.
    flagged_at: Mapped[datetime | None]
    flagged_note: Mapped[str] = mapped_column(Text, default="")
    # Set when staff confirm the participant met the cohort's completion rule (a certificate is issued with it).
    completed_at: Mapped[datetime | None]

    cohort: Mapped[Cohort] = relationship(back_populates="participants")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class CohortSession(BilingualMixin, TimestampMixin, db.Model):
    """One session of the curriculum, stored in UTC; `zone` is the zone staff entered it in (shown again when
    editing)."""

    __tablename__ = "cohorts_session"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="times_ordered"),
        CheckConstraint("place <> '' OR online_url <> ''", name="place_or_link"),
        Index("ix_cohorts_session_cohort_starts", "cohort_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts_cohort.id", ondelete="RESTRICT"))
    kind: Mapped[SessionKind] = mapped_column(string_enum(SessionKind, 24))
    title_ind: Mapped[str] = mapped_column(String(160))
    title_en: Mapped[str] = mapped_column(String(160), default="")
    facilitator: Mapped[str] = mapped_column(String(160), default="")
    facilitator_in_darwin: Mapped[bool] = mapped_column(default=False)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    zone: Mapped[TimeZone] = mapped_column(string_enum(TimeZone, 40), default=TimeZone.DENPASAR)
    place: Mapped[str] = mapped_column(String(200), default="")
    online_url: Mapped[str] = mapped_column(String(300), default="")
    language: Mapped[SessionLanguage] = mapped_column(string_enum(SessionLanguage, 8),
                                                      default=SessionLanguage.INDONESIAN)

    cohort: Mapped[Cohort] = relationship(back_populates="sessions")

    def title(self, locale: str) -> str:
        return self.in_language("title", locale)

    @property
    def audit_label(self) -> str:
        """How the audit log names this row (never a person's name or contact)."""
        return self.title_en or self.title_ind

    @property
    def cross_border(self) -> bool:
        """Shown in Denpasar and Darwin time side by side: a facilitator in Darwin, or people joining online."""
        return self.facilitator_in_darwin or bool(self.online_url) or self.cohort.mode == CohortMode.ONLINE


class CalendarFeed(db.Model):
    """A user's private calendar address: the token is the secret; a new token replaces (revokes) the old one."""

    __tablename__ = "cohorts_calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
