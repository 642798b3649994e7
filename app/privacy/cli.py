"""`flask privacy purge`: anonymise the applications of editions closed longer than the retention period.

A dry run by default: it prints what it would do and changes nothing; `--apply` does it, one transaction per
edition, and removes the files after each commit (for cron: `flask privacy purge --apply`).
"""

import click
from flask import Flask
from flask.cli import AppGroup

from app.core.errors import DomainError
from app.core.locking import write_transactions
from app.core.uploads import remove_stored
from app.extensions import db
from app.privacy.services import purge

privacy_cli = AppGroup("privacy", help="Personal data: retention.")


def _describe(plan: purge.Plan) -> str:
    ends = purge.retention_ends_on(plan)
    if not plan.due:
        return f"{plan.edition_code}: kept until {ends.isoformat()} (ended {plan.ends_on.isoformat()})"
    return (f"{plan.edition_code}: {len(plan.to_anonymise)} applications to anonymise, {len(plan.drafts)} drafts "
            f"to delete, {plan.files} files to remove (ended {plan.ends_on.isoformat()}, kept until "
            f"{ends.isoformat()})")


@privacy_cli.command("purge")
@click.option("--edition", "edition_code", default=None, help="Only this edition (its code, e.g. DYF27).")
@click.option("--apply", "apply_", is_flag=True, help="Do it (without: only print what would be done).")
def purge_command(edition_code: str | None, apply_: bool) -> None:
    """Anonymise applications of editions past the retention period (PRIVACY_RETENTION_MONTHS)."""
    plans = purge.plans(edition_code)
    db.session.rollback()
    if edition_code and not plans:
        raise click.ClickException(f"no edition with the code {edition_code}")
    click.echo(f"retention: {purge.retention_months()} months after an edition's last day"
               + ("" if apply_ else " (dry run: nothing is changed; add --apply)"))
    failed = 0
    for plan in plans:
        click.echo(_describe(plan))
        if not apply_ or not plan.due or not (plan.drafts or plan.to_anonymise):
            continue
        with write_transactions():
            try:
                done, files = purge.apply(None, plan.edition_id)
                db.session.commit()
            except DomainError as error:
                db.session.rollback()
                failed += 1
                click.echo(f"{plan.edition_code}: not done: {error.message}", err=True)
                continue
        for key in files:
            remove_stored(key)
        click.echo(f"{plan.edition_code}: anonymised {len(done.to_anonymise)}, deleted {len(done.drafts)} drafts, "
                   f"removed {len(files)} files")
    if failed:
        raise SystemExit(1)


def register_privacy_cli(app: Flask) -> None:
    app.cli.add_command(privacy_cli)
