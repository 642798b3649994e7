"""`flask cohorts remind`: queue the reminders of sessions and milestones due soon (run it from cron, hourly)."""

from dataclasses import astuple

import click
from flask import Flask
from flask.cli import AppGroup

from app.cohorts.services.reminders import send_reminders
from app.core.locking import write_transactions
from app.core.reminders import register_reminder_job
from app.extensions import db

cohorts_cli = AppGroup("cohorts", help="Incubator cohorts.")
register_reminder_job("cohorts", lambda: sum(astuple(send_reminders())))  # for `flask reminders send`


@cohorts_cli.command("remind")
def remind_command() -> None:
    """Queue reminders (each at most once) of sessions in the next 24 hours and required milestones due in the next
    3 days; `flask mail send` delivers them."""
    with write_transactions():
        sent = send_reminders()
        db.session.commit()
    click.echo(f"queued {sent.sessions} session reminder(s), {sent.milestones} milestone reminder(s)")


def register_cohorts_cli(app: Flask) -> None:
    app.cli.add_command(cohorts_cli)
