"""The festival ground of an edition: zones and stalls on a grid, the booking rules, and bookings (holds that
become confirmed when paid or waived).

Invariants held by the schema (the row lock on the stall is the first guard, these are the backstop):
- one live booking (held or confirmed) per stall, and one per application: partial unique indexes on both databases;
- a booking with payments cannot be deleted (`BookingPayment` references both with RESTRICT).
A hold whose `expires_at` has passed is dead even while its row still says `held`: every claim flips the stall's
expired holds to `expired` inside its locked transaction before it inserts (`services.holds`).
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import now_utc
from app.core.db import BilingualMixin, TimestampMixin, string_enum
from app.core.vocab import Vocabulary, declare_labels
from app.extensions import db


class StallSettings(TimestampMixin, db.Model):
    """The booking rules of one edition: the window, how long a hold lasts, the cancellation policy."""

    __tablename__ = "stalls_settings"
    __table_args__ = (
        CheckConstraint("hold_minutes BETWEEN 5 AND 1440", name="hold_minutes_range"),
        CheckConstraint("hold_cap_minutes BETWEEN 0 AND 1440", name="hold_cap_range"),
        CheckConstraint("full_refund_days >= partial_refund_days AND partial_refund_days >= 0", name="policy_days"),
        CheckConstraint("partial_refund_percent BETWEEN 0 AND 100", name="policy_percent"),
        CheckConstraint("booking_closes_at IS NULL OR booking_opens_at IS NULL OR booking_closes_at > booking_opens_at",
                        name="window_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("festival_edition.id", ondelete="CASCADE"), unique=True)
    booking_opens_at: Mapped[datetime | None]
    booking_closes_at: Mapped[datetime | None]
    hold_minutes: Mapped[int] = mapped_column(default=30)
    # Changing stall during a hold never pushes its deadline past the first deadline plus this many minutes.
    hold_cap_minutes: Mapped[int] = mapped_column(default=15)
    # Cancellation policy: 100% back until `full_refund_days` before the festival, `partial_refund_percent` until
    # `partial_refund_days` before, nothing after.
    full_refund_days: Mapped[int] = mapped_column(default=14)
    partial_refund_days: Mapped[int] = mapped_column(default=7)
    partial_refund_percent: Mapped[int] = mapped_column(default=50)

    def window_is_open(self, moment: datetime) -> bool:
        return ((self.booking_opens_at is None or self.booking_opens_at <= moment)
                and (self.booking_closes_at is None or moment < self.booking_closes_at))


class Zone(BilingualMixin, db.Model):
    __tablename__ = "stalls_zone"
    __table_args__ = (UniqueConstraint("edition_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("festival_edition.id", ondelete="RESTRICT"), index=True)
    code: Mapped[str] = mapped_column(String(12))  # e.g. "culinary"; the key CSV imports use
    name_ind: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80), default="")
    colour: Mapped[str] = mapped_column(String(7), default="#2f6f4e")  # the zone's outline on the map
    position: Mapped[int] = mapped_column(default=0)

    stalls: Mapped[list["Stall"]] = relationship(back_populates="zone", order_by="Stall.code")

    def name(self, locale: str) -> str:
        return self.in_language("name", locale)

    @property
    def audit_label(self) -> str:
        """How the audit log names this row (never a person's name or contact)."""
        return self.code


class Stall(TimestampMixin, db.Model):
    __tablename__ = "stalls_stall"
    __table_args__ = (
        UniqueConstraint("edition_id", "code"),
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("power_surcharge >= 0", name="surcharge_not_negative"),
        CheckConstraint("power_watts >= 0", name="watts_not_negative"),
        CheckConstraint("width_cm > 0 AND depth_cm > 0", name="size_positive"),
        CheckConstraint("grid_x >= 0 AND grid_y >= 0 AND grid_w >= 1 AND grid_h >= 1", name="grid_cell"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("festival_edition.id", ondelete="RESTRICT"), index=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("stalls_zone.id", ondelete="RESTRICT"), index=True)
    code: Mapped[str] = mapped_column(String(12))  # e.g. "A-01"
    width_cm: Mapped[int] = mapped_column(default=300)
    depth_cm: Mapped[int] = mapped_column(default=300)
    price: Mapped[int] = mapped_column(BigInteger)  # whole rupiah
    power_watts: Mapped[int] = mapped_column(default=0)  # 0: no power supply
    power_surcharge: Mapped[int] = mapped_column(BigInteger, default=0)  # whole rupiah, added when powered
    corner: Mapped[bool] = mapped_column(default=False)
    grid_x: Mapped[int] = mapped_column(default=0)
    grid_y: Mapped[int] = mapped_column(default=0)
    grid_w: Mapped[int] = mapped_column(default=1)
    grid_h: Mapped[int] = mapped_column(default=1)
    blocked: Mapped[bool] = mapped_column(default=False)  # kept out of sale by staff
    blocked_note: Mapped[str] = mapped_column(String(200), default="")

    zone: Mapped[Zone] = relationship(back_populates="stalls")

    @property
    def fee(self) -> int:
        """What a booking of this stall costs: the price plus the power surcharge when it has power."""
        return self.price + (self.power_surcharge if self.power_watts else 0)

    @property
    def audit_label(self) -> str:
        """How the audit log names this row (never a person's name or contact)."""
        return self.code


class BookingStatus(Vocabulary):
    HELD = "held"
    CONFIRMED = "confirmed"
    EXPIRED = "expired"
    RELEASED = "released"  # given up: changed stall, cancelled, withdrawn, moved away by staff


declare_labels(BookingStatus, {
    BookingStatus.HELD: _l("Held for you"),
    BookingStatus.CONFIRMED: _l("Confirmed"),
    BookingStatus.EXPIRED: _l("Hold expired"),
    BookingStatus.RELEASED: _l("Released"),
})

LIVE = (BookingStatus.HELD, BookingStatus.CONFIRMED)
_LIVE_SQL = text("status IN ('held', 'confirmed')")


class Booking(TimestampMixin, db.Model):
    __tablename__ = "stalls_booking"
    __table_args__ = (
        Index("uq_stalls_booking_live_stall", "stall_id", unique=True,
              postgresql_where=_LIVE_SQL, sqlite_where=_LIVE_SQL),
        Index("uq_stalls_booking_live_application", "application_id", unique=True,
              postgresql_where=_LIVE_SQL, sqlite_where=_LIVE_SQL),
        CheckConstraint("fee >= 0", name="fee_not_negative"),
        CheckConstraint("status <> 'held' OR expires_at IS NOT NULL", name="held_expires"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("festival_edition.id", ondelete="RESTRICT"), index=True)
    stall_id: Mapped[int] = mapped_column(ForeignKey("stalls_stall.id", ondelete="RESTRICT"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("festival_application.id", ondelete="RESTRICT"),
                                                index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"), index=True)
    status: Mapped[BookingStatus] = mapped_column(string_enum(BookingStatus, 16), default=BookingStatus.HELD)
    fee: Mapped[int] = mapped_column(BigInteger)  # whole rupiah, fixed when the hold starts
    fee_waived: Mapped[bool] = mapped_column(default=False)
    held_at: Mapped[datetime] = mapped_column(default=now_utc)
    expires_at: Mapped[datetime | None]
    # The latest deadline a change of stall may give this hold (the first deadline plus the cap), carried over.
    deadline_cap: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    released_at: Mapped[datetime | None]
    release_reason: Mapped[str] = mapped_column(String(32), default="")

    stall: Mapped[Stall] = relationship()
    history: Mapped[list["BookingEvent"]] = relationship(back_populates="booking", order_by="BookingEvent.id")
    payment_links: Mapped[list["BookingPayment"]] = relationship(back_populates="booking",
                                                                  order_by="BookingPayment.id")

    def is_live(self, moment: datetime) -> bool:
        if self.status == BookingStatus.CONFIRMED:
            return True
        return self.status == BookingStatus.HELD and self.expires_at is not None and self.expires_at > moment

    @property
    def audit_label(self) -> str:
        """How the audit log names this row (never a person's name or contact)."""
        return f"{self.stall.code} #{self.id}" if self.stall else f"#{self.id}"


class BookingEvent(db.Model):
    """One change of a booking, with who made it (None: the system, e.g. a payment webhook or expiry)."""

    __tablename__ = "stalls_booking_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("stalls_booking.id", ondelete="RESTRICT"), index=True)
    from_status: Mapped[BookingStatus | None] = mapped_column(string_enum(BookingStatus, 16))
    to_status: Mapped[BookingStatus] = mapped_column(string_enum(BookingStatus, 16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=now_utc)

    booking: Mapped[Booking] = relationship(back_populates="history")


class BookingPayment(db.Model):
    """Which payments pay for which booking (payments know nothing of stalls)."""

    __tablename__ = "stalls_booking_payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("stalls_booking.id", ondelete="RESTRICT"), index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments_payment.id", ondelete="RESTRICT"), unique=True)

    booking: Mapped[Booking] = relationship(back_populates="payment_links")
