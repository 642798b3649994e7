"""A festival edition: name, dates, venue, application window (stored in UTC, shown in Denpasar time)."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin, string_enum
from app.core.vocab import Vocabulary, declare_labels
from app.extensions import db


class EditionStatus(Vocabulary):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


declare_labels(EditionStatus, {
    EditionStatus.DRAFT: _l("Draft (only staff see it)"),
    EditionStatus.PUBLISHED: _l("Published"),
    EditionStatus.ARCHIVED: _l("Archived"),
})


class Edition(TimestampMixin, db.Model):
    __tablename__ = "festival_edition"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
        CheckConstraint("applications_close_at > applications_open_at", name="window_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    # Prefix of reference numbers, e.g. DYF27 → DYF27-00123; the counter is taken under a row lock.
    code: Mapped[str] = mapped_column(String(12), unique=True)
    last_reference: Mapped[int] = mapped_column(default=0)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    venue: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    applications_open_at: Mapped[datetime]
    applications_close_at: Mapped[datetime]
    status: Mapped[EditionStatus] = mapped_column(
        string_enum(EditionStatus),
        default=EditionStatus.DRAFT,
    )

    calls: Mapped[list["Call"]] = relationship(  # noqa: F821
        back_populates="edition", order_by="Call.position", cascade="all, delete-orphan"
    )

    def window_is_open(self, moment: datetime) -> bool:
        return self.applications_open_at <= moment < self.applications_close_at

    @property
    def audit_label(self) -> str:
        """How the audit log names this row (never a person's name or contact)."""
        return self.code

