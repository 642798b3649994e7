"""The payment ledger as files: the payments, and their refunds, under the ledger page's status filter and in its
order (payments `in_ledger`). Amounts are whole rupiah, as integers; the payer's phone only for staff who may see it."""

from collections.abc import Iterator
from functools import partial
from operator import attrgetter
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.core.permissions import sees_personal_data
from app.exports.services import check_may_export
from app.exports.tabular import Column, Export
from app.extensions import db
from app.payments.models import Payment, PaymentStatus, Refund
from app.payments.services import in_ledger

BATCH = 1000

PAYMENT_COLUMNS = [
    Column(_l("Payment number"), attrgetter("id")),
    Column(_l("Created"), attrgetter("created_at"), zoned=True),
    Column(_l("Paid"), attrgetter("succeeded_at"), zoned=True),
    Column(_l("Paid by"), attrgetter("payer_name")),
    Column(_l("For"), lambda r: r.description or r.purpose),
    Column(_l("Amount"), attrgetter("amount")),
    Column(_l("Refunded"), attrgetter("amount_refunded")),
    Column(_l("Currency"), attrgetter("currency")),
    Column(_l("Method"), attrgetter("method")),
    Column(_l("Status"), attrgetter("status")),
    Column(_l("Transfer reference"), attrgetter("transfer_reference")),
    Column(_l("Needs a look"), attrgetter("flagged")),
    Column(_l("Phone"), attrgetter("phone_e164"), personal=True),
]

REFUND_COLUMNS = [
    Column(_l("Refund number"), attrgetter("id")),
    Column(_l("Payment number"), attrgetter("payment_id")),
    Column(_l("Created"), attrgetter("created_at"), zoned=True),
    Column(_l("Paid by"), attrgetter("payer_name")),
    Column(_l("Amount"), attrgetter("amount")),
    Column(_l("Currency"), attrgetter("currency")),
    Column(_l("Reason"), attrgetter("reason")),
    Column(_l("Status"), attrgetter("status")),
    Column(_l("Phone"), attrgetter("phone_e164"), personal=True),
]


def _phone(personal: bool) -> tuple:
    return (User.phone_e164,) if personal else ()


def _payments(session: Session, status: PaymentStatus | None, personal: bool) -> Iterator[Any]:
    query = in_ledger(
        select(Payment.id, Payment.created_at, Payment.succeeded_at, User.name.label("payer_name"),
               Payment.description, Payment.purpose, Payment.amount, Payment.amount_refunded, Payment.currency,
               Payment.method, Payment.status, Payment.transfer_reference, Payment.flagged, *_phone(personal))
        .join(User, User.id == Payment.payer_id), status)
    yield from session.execute(query.execution_options(yield_per=BATCH))


def _refunds(session: Session, status: PaymentStatus | None, personal: bool) -> Iterator[Any]:
    query = in_ledger(
        select(Refund.id, Refund.payment_id, Refund.created_at, User.name.label("payer_name"), Refund.amount,
               Payment.currency, Refund.reason, Refund.status, *_phone(personal))
        .join(Payment, Payment.id == Refund.payment_id).join(User, User.id == Payment.payer_id), status,
    ).order_by(Refund.id.desc())
    yield from session.execute(query.execution_options(yield_per=BATCH))


def _count(query: Any, status: PaymentStatus | None) -> int:
    if status is not None:
        query = query.where(Payment.status == status)
    return db.session.scalar(query) or 0


def export_payments(actor: Any, status: PaymentStatus | None) -> Export:
    check_may_export(actor)
    count = _count(select(func.count()).select_from(Payment), status)
    rows = partial(_payments, status=status, personal=sees_personal_data(actor))
    return Export("payments", PAYMENT_COLUMNS, count, rows,
                  filters={"status": status.value if status else None})


def export_refunds(actor: Any, status: PaymentStatus | None) -> Export:
    """The refunds of the payments the ledger shows under `status`."""
    check_may_export(actor)
    count = _count(select(func.count()).select_from(Refund).join(Payment, Payment.id == Refund.payment_id), status)
    rows = partial(_refunds, status=status, personal=sees_personal_data(actor))
    return Export("refunds", REFUND_COLUMNS, count, rows,
                  filters={"status": status.value if status else None})
