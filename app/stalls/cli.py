"""`flask stalls expire-holds`: end the holds whose time ran out, and cancel the card payments they leave behind.

For cron (every few minutes). Claims never wait for it: an expired hold is dead by time, at read (`holds`). What it
adds is the cleanup: expired rows say so, and their pending PaymentIntents are cancelled at Stripe, best effort, one
transaction per payment (a cancel that finds the intent already paid goes down the late-payment path of
`reactions`). Running it twice is harmless: the second run finds nothing to expire and nothing pending.
"""

import click
from flask import Flask
from flask.cli import AppGroup

from app.core.locking import write_transactions
from app.extensions import db
from app.stalls.services import holds, paying

stalls_cli = AppGroup("stalls", help="Stall bookings.")


def expire_and_clean_up() -> tuple[int, int, int]:
    """Expire the stale holds (one transaction), then cancel the pending payments of bookings no longer held.
    Returns (holds expired, payments cancelled, payments that could not be cancelled now)."""
    with write_transactions():
        expired = holds.expire_holds()
        db.session.commit()
        cancelled, failed = paying.cancel_stale_payments()
    return len(expired), cancelled, failed


@stalls_cli.command("expire-holds")
def expire_holds_command() -> None:
    """Mark expired holds and cancel their pending card payments (safe to run as often as you like)."""
    expired, cancelled, failed = expire_and_clean_up()
    click.echo(f"holds expired: {expired}; pending payments cancelled: {cancelled}; could not cancel: {failed}")


def register_stalls_cli(app: Flask) -> None:
    app.cli.add_command(stalls_cli)
