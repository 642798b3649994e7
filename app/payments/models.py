"""The payment ledger: payments and refunds with explicit transitions, every change recorded, nothing ever deleted.

A payment knows what it pays for only as `purpose` + `scope` (e.g. "stall_booking", "edition:3"): payments import no
other domain. The domain that asked for the payment links its own rows to it (stalls: `BookingPayment`) and reacts
to the payment signals in `app.core.events`. Amounts are whole units of `currency` (rupiah have no cents) in a
BigInteger; the Stripe boundary (`gateway.to_stripe_amount`) is the only place that converts them.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import now_utc
from app.core.db import TimestampMixin, string_enum
from app.core.vocab import Vocabulary, declare_labels
from app.extensions import db


class PaymentStatus(Vocabulary):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


declare_labels(PaymentStatus, {
    PaymentStatus.PENDING: _l("Waiting for payment"),
    PaymentStatus.SUCCEEDED: _l("Paid"),
    PaymentStatus.FAILED: _l("Failed"),
    PaymentStatus.CANCELED: _l("Cancelled"),
    PaymentStatus.PARTIALLY_REFUNDED: _l("Partly refunded"),
    PaymentStatus.REFUNDED: _l("Refunded"),
})

# The only moves a payment makes; anything else (a late or replayed event) is ignored and logged.
# failed → succeeded: Stripe reports each declined try (`payment_intent.payment_failed`) while the same intent can
# still be paid with another card in the open page; money taken is never ignored (stalls then confirm or refund).
PAYMENT_TRANSITIONS: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    PaymentStatus.PENDING: frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.FAILED, PaymentStatus.CANCELED}),
    PaymentStatus.SUCCEEDED: frozenset({PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED}),
    PaymentStatus.PARTIALLY_REFUNDED: frozenset({PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED}),
    PaymentStatus.FAILED: frozenset({PaymentStatus.SUCCEEDED}),
    PaymentStatus.CANCELED: frozenset(),
    PaymentStatus.REFUNDED: frozenset(),
}


class PaymentMethod(Vocabulary):
    CARD = "card"
    BANK_TRANSFER = "bank_transfer"


declare_labels(PaymentMethod, {
    PaymentMethod.CARD: _l("Card (Stripe)"),
    PaymentMethod.BANK_TRANSFER: _l("Bank transfer"),
})


class RefundStatus(Vocabulary):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


declare_labels(RefundStatus, {
    RefundStatus.PENDING: _l("Being refunded"),
    RefundStatus.SUCCEEDED: _l("Refunded"),
    RefundStatus.FAILED: _l("Refund failed"),
})


class RefundReason(Vocabulary):
    CANCELLED_BY_APPLICANT = "cancelled_by_applicant"
    CANCELLED_BY_STAFF = "cancelled_by_staff"
    WITHDRAWN = "withdrawn"
    LATE_PAYMENT = "late_payment"  # paid after the hold expired and the stall was taken meanwhile
    DUPLICATE = "duplicate"  # a second payment for something already paid
    EXTERNAL = "external"  # made outside the portal (Stripe Dashboard), learnt from `charge.refunded`


declare_labels(RefundReason, {
    RefundReason.CANCELLED_BY_APPLICANT: _l("Cancelled by the applicant"),
    RefundReason.CANCELLED_BY_STAFF: _l("Cancelled by the programme team"),
    RefundReason.WITHDRAWN: _l("Application withdrawn"),
    RefundReason.LATE_PAYMENT: _l("Paid after the hold expired; the stall was taken"),
    RefundReason.DUPLICATE: _l("Paid twice; the second payment goes back"),
    RefundReason.EXTERNAL: _l("Refunded outside the portal"),
})


class Payment(TimestampMixin, db.Model):
    __tablename__ = "payments_payment"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("amount_refunded >= 0 AND amount_refunded <= amount", name="refund_bounded"),
        CheckConstraint("method <> 'card' OR transfer_reference IS NULL", name="card_no_transfer_reference"),
        # A bank transfer's reference is unique in its scope (the edition): one transfer pays one thing.
        UniqueConstraint("scope", "transfer_reference"),
        # Ids name Stripe idempotency keys (payment-attempt-<id>): SQLite must never hand out a rolled-back id again.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(32))  # what kind of thing it pays for, e.g. "stall_booking"
    scope: Mapped[str] = mapped_column(String(32))  # where references are unique, e.g. "edition:3"
    description: Mapped[str] = mapped_column(String(200), default="")
    payer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"), index=True)
    method: Mapped[PaymentMethod] = mapped_column(string_enum(PaymentMethod, 16))
    status: Mapped[PaymentStatus] = mapped_column(string_enum(PaymentStatus, 24), default=PaymentStatus.PENDING)
    amount: Mapped[int] = mapped_column(BigInteger)  # whole units of `currency`
    currency: Mapped[str] = mapped_column(String(3), default="IDR")
    amount_refunded: Mapped[int] = mapped_column(BigInteger, default=0)
    stripe_intent_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    stripe_client_secret: Mapped[str | None] = mapped_column(String(255))
    transfer_reference: Mapped[str | None] = mapped_column(String(64))
    # Set when Stripe reported something that does not match this row (amount, currency): staff look, nothing confirms.
    flagged: Mapped[str | None] = mapped_column(String(200))
    succeeded_at: Mapped[datetime | None]
    # `flask payments reconcile` leaves this pending card payment alone until then: a runner's claim (two runners never
    # ask Stripe about the same intent), then the pause before it is read back again.
    reconcile_after: Mapped[datetime | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))

    refunds: Mapped[list["Refund"]] = relationship(back_populates="payment", order_by="Refund.id")
    history: Mapped[list["PaymentEvent"]] = relationship(back_populates="payment", order_by="PaymentEvent.id")

    # Not a column: set by `services.create_card_payment` when the card was declined at once (a translated text the
    # caller shows).
    failure_message = None

    @property
    def refundable(self) -> int:
        """What can still be refunded: the amount less refunds made or under way."""
        return self.amount - sum(r.amount for r in self.refunds if r.status != RefundStatus.FAILED)

    @property
    def audit_label(self) -> str:
        """How the audit log names this row (never a person's name or contact)."""
        return f"{self.purpose} #{self.id}"


class Refund(db.Model):
    __tablename__ = "payments_refund"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments_payment.id", ondelete="RESTRICT"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[RefundStatus] = mapped_column(string_enum(RefundStatus, 16), default=RefundStatus.PENDING)
    reason: Mapped[RefundReason] = mapped_column(string_enum(RefundReason, 32))
    stripe_refund_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    # The Idempotency-Key sent to Stripe (`refund-<id>`, or the caller's key such as `refund-late-<payment id>`): a
    # second request with the same key finds this row instead of refunding again.
    idempotency_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    payment: Mapped[Payment] = relationship(back_populates="refunds")

    # Not a column: why the last call to Stripe did not finish the refund (a translated text), if it did not.
    failure_message = None


class PaymentEvent(db.Model):
    """One change of a payment (or of one of its refunds): who or what made it, never edited or deleted."""

    __tablename__ = "payments_event"
    __table_args__ = (
        CheckConstraint("stripe_event_id IS NOT NULL OR actor_id IS NOT NULL OR source <> 'stripe'",
                        name="attributed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments_payment.id", ondelete="RESTRICT"), index=True)
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("payments_refund.id", ondelete="RESTRICT"))
    from_status: Mapped[PaymentStatus | None] = mapped_column(string_enum(PaymentStatus, 24))
    to_status: Mapped[PaymentStatus] = mapped_column(string_enum(PaymentStatus, 24))
    # stripe (a webhook event), reconcile (retrieved from Stripe), staff / payer (a person), system (automatic)
    source: Mapped[str] = mapped_column(String(16))
    stripe_event_id: Mapped[str | None] = mapped_column(String(255))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=now_utc)

    payment: Mapped[Payment] = relationship(back_populates="history")


class StripeEvent(db.Model):
    """Every Stripe event id we acted on, inserted in the transaction of its effect: a replay finds it and stops."""

    __tablename__ = "payments_stripe_event"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments_payment.id", ondelete="RESTRICT"),
                                                   index=True)
    received_at: Mapped[datetime] = mapped_column(default=now_utc)


__all__ = [
    "PAYMENT_TRANSITIONS", "Payment", "PaymentEvent", "PaymentMethod", "PaymentStatus", "Refund",
    "RefundReason", "RefundStatus", "StripeEvent",
]
