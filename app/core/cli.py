"""`flask mail send`: deliver the outbox; `flask reminders send`: queue every domain's reminders (each at most once)."""

import click
from flask import Flask
from flask.cli import AppGroup

from app.core.locking import write_transactions
from app.core.mail import send_pending
from app.core.reminders import run_reminder_jobs

mail_cli = AppGroup("mail", help="The mail outbox.")
reminders_cli = AppGroup("reminders", help="Reminders by e-mail.")


@mail_cli.command("send")
@click.option("--limit", default=100, show_default=True, help="Most messages to send in this run.")
def send_command(limit: int) -> None:
    """Deliver pending messages by SMTP (needs MAIL_SERVER); failures are retried later."""
    try:
        with write_transactions():
            sent, failed = send_pending(limit=limit)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"sent {sent}, failed {failed}")


@reminders_cli.command("send")
def send_reminders_command() -> None:
    """Run every registered reminder job (run it from cron, hourly); each reminder is queued at most once, so a second
    run queues nothing new. `flask mail send` delivers them."""
    for name, queued in run_reminder_jobs():
        click.echo(f"{name}: queued {queued}")


def register_core_cli(app: Flask) -> None:
    app.cli.add_command(mail_cli)
    app.cli.add_command(reminders_cli)
