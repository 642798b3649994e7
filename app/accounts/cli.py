"""`flask create-staff`: the first staff account."""

import click
from flask import Flask

from app.accounts import services
from app.core.errors import DomainError
from app.extensions import db


@click.command("create-staff")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
def create_staff_command(email: str, name: str, password: str) -> None:
    """Create a staff account (confirmed, able to log in at once)."""
    try:
        user = services.create_staff(email=email, name=name, password=password)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"staff account {user.email} created")


def register_accounts_cli(app: Flask) -> None:
    app.cli.add_command(create_staff_command)
