"""`flask payments reconcile` (for cron: webhooks that never arrived; `reconcile`) and `flask payments fake-stripe`
(development)."""

import click
from flask import Flask
from flask.cli import AppGroup

from app.payments.reconcile import reconcile

payments_cli = AppGroup("payments", help="Card payments: reconcile with Stripe; a local fake Stripe.")


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
