"""`flask mail send`: deliver the outbox."""

import click
from flask import Flask
from flask.cli import AppGroup

from app.core.locking import write_transactions
from app.core.mail import send_pending

mail_cli = AppGroup("mail", help="The mail outbox.")


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


def register_core_cli(app: Flask) -> None:
    app.cli.add_command(mail_cli)
