"""`flask payments reconcile` (for cron: webhooks that never arrived) and `flask payments fake-stripe` (development)."""

import logging

import click
from flask import Flask
from flask.cli import AppGroup

from app.core.errors import DomainError
from app.core.locking import write_transactions
from app.extensions import db
from app.payments import gateway, refunds, services

log = logging.getLogger(__name__)

payments_cli = AppGroup("payments", help="Card payments: reconcile with Stripe; a local fake Stripe.")


def reconcile(older_than_minutes: float) -> dict[str, int]:
    """Read back each pending card PaymentIntent older than `older_than_minutes` and apply it through the webhook's
    own function; send again the refunds left pending. One transaction per payment; Stripe is called outside them
    (SQLite's write lock is never held during a network call). Returns counts."""
    counts = {"checked": 0, "changed": 0, "failed": 0, "refunds": 0}
    with write_transactions():
        pending = services.pending_card_payments(older_than_minutes)
        waiting_refunds = refunds.pending_refunds()
        db.session.commit()
        for payment_id, intent_id in pending:
            counts["checked"] += 1
            try:
                intent = gateway.retrieve_intent(intent_id)
                payment = services.apply_intent(intent, source="reconcile")
                changed = payment is not None and payment.status != services.PaymentStatus.PENDING
                db.session.commit()
                counts["changed"] += int(changed)
            except DomainError as error:
                db.session.rollback()
                counts["failed"] += 1
                log.warning("reconcile: payment %s (%s): %s", payment_id, intent_id, error.message)
        for refund_id in waiting_refunds:
            try:
                row = refunds.retry_refund(refund_id, source="reconcile")
                db.session.commit()
                counts["refunds"] += int(row is not None and row.status != refunds.RefundStatus.PENDING)
            except DomainError as error:
                db.session.rollback()
                counts["failed"] += 1
                log.warning("reconcile: refund %s: %s", refund_id, error.message)
    return counts


@payments_cli.command("reconcile")
@click.option("--older-than", "older_than", type=click.FloatRange(min=0), default=15, show_default=True,
              help="Only payments started at least this many minutes ago.")
def reconcile_command(older_than: float) -> None:
    """Apply Stripe's state of pending card payments whose webhook never came."""
    counts = reconcile(older_than)
    click.echo("checked {checked} pending payments, {changed} changed, {refunds} refunds finished, "
               "{failed} could not be read (tried again next run)".format(**counts))
    if counts["failed"]:
        raise SystemExit(1)


@payments_cli.command("fake-stripe")
@click.option("--port", type=int, default=8420, show_default=True)
@click.option("--webhook-url", default=None, help="Where localstripe sends its signed events.")
@click.option("--webhook-secret", default=None)
@click.option("--payment-method", default=None, help="Id of a 3-D Secure test PaymentMethod to create.")
def fake_stripe_command(port: int, webhook_url: str | None, webhook_secret: str | None,
                        payment_method: str | None) -> None:
    """Serve localstripe on 127.0.0.1 (development only; `make run` starts it when no Stripe key is set)."""
    from app.payments.fake_stripe import serve

    serve(port, webhook_url, webhook_secret, payment_method)


def register_payments_cli(app: Flask) -> None:
    app.cli.add_command(payments_cli)
