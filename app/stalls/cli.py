"""`flask stalls expire-holds`: end the holds whose time ran out, and cancel the card payments they leave behind.

For cron (every few minutes). Claims never wait for it: an expired hold is dead by time, at read (`holds`). What it
adds is the cleanup: expired rows say so, and their pending PaymentIntents are cancelled at Stripe, best effort, one
transaction per payment (a cancel that finds the intent already paid goes down the late-payment path of
`reactions`). Running it twice, or on two hosts at once, is harmless: each hold is expired by one run
(`app.core.jobs`), and a second run finds nothing to expire and nothing pending.
"""

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.core.clock import now_utc
from app.core.jobs import in_batches
from app.core.locking import write_transactions
from app.stalls.services import holds, paying

stalls_cli = AppGroup("stalls", help="Stall bookings.")


def expire_and_clean_up(batch_size: int | None = None) -> tuple[int, int, int]:
    """Expire the stale holds (a transaction per batch: several runners share them, each hold expired once), then
    cancel the pending payments of bookings no longer held.
    Returns (holds expired, payments cancelled, payments that could not be cancelled now)."""
    size = batch_size or int(current_app.config.get("JOB_BATCH_SIZE", 20))
    moment = now_utc()
    with write_transactions():
        expired = in_batches(lambda: len(holds.expire_holds(moment, limit=size)))
        cancelled, failed = paying.cancel_stale_payments()
    return expired, cancelled, failed


@stalls_cli.command("expire-holds")
def expire_holds_command() -> None:
    """Mark expired holds and cancel their pending card payments (safe to run as often as you like)."""
    expired, cancelled, failed = expire_and_clean_up()
    click.echo(f"holds expired: {expired}; pending payments cancelled: {cancelled}; could not cancel: {failed}")


def register_stalls_cli(app: Flask) -> None:
    app.cli.add_command(stalls_cli)
