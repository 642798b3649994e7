"""`flask mentoring …` commands, for cron."""

import click
from flask import Flask
from flask.cli import AppGroup

from app.core.locking import write_transactions
from app.core.reminders import register_reminder_job
from app.extensions import db
from app.mentoring.services.quiet import remind_quiet

mentoring_cli = AppGroup("mentoring", help="Mentor pairs and their meetings.")
register_reminder_job("mentoring.quiet", remind_quiet)  # for `flask reminders send`


@mentoring_cli.command("remind-quiet")
def remind_quiet_command() -> None:
    """Mail both sides of each pair with no meeting for 30 days (once per quiet spell)."""
    with write_transactions():
        queued = remind_quiet()
        db.session.commit()
    click.echo(f"queued {queued} reminders")


def register_mentoring_cli(app: Flask) -> None:
    app.cli.add_command(mentoring_cli)
