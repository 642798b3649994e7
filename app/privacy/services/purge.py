"""Retention: the applications of an edition are kept in full for PRIVACY_RETENTION_MONTHS (default 24) after the
edition's last day, then anonymised as an erasure would (`erasure.anonymise_application`): drafts are deleted,
submitted applications lose their personal fields and files, their status, scores and decisions stay.

`plan` only reads (the dry run prints it); `apply` does it for one edition in the caller's transaction and records
the run in the audit log. Accounts are not touched: people may still use the portal for later editions.
"""

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.audit import services as audit
from app.audit.services import Target
from app.core.clock import now_utc
from app.core.errors import InvalidState
from app.core.locking import lock
from app.extensions import db
from app.festival.models import Application, ApplicationFile, Call, Edition
from app.festival.models.application import ApplicationStatus
from app.privacy.models import AnonymisedApplication, AnonymisedBecause
from app.privacy.services.erasure import anonymise_application, application_values
from app.privacy.services.redaction import clean_values, redact_everywhere

DEFAULT_RETENTION_MONTHS = 24
SWEEP_BATCH = 50  # applications whose values one masking pass looks for
APPLIED = audit.register_action("privacy.purge.applied", _l("Applications anonymised after the retention period"))


@dataclass
class Plan:
    """What a purge of one edition does (or would do)."""

    edition_id: int
    edition_code: str
    ends_on: date
    due: bool  # past its retention period
    to_anonymise: list[int] = field(default_factory=list)  # submitted applications not yet anonymised
    drafts: list[int] = field(default_factory=list)
    files: int = 0


def retention_months() -> int:
    return int(current_app.config.get("PRIVACY_RETENTION_MONTHS", DEFAULT_RETENTION_MONTHS))


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):  # 31 August + 6 months → 28 (or 29) February
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def retention_ends(edition: Edition) -> date:
    """The first day the edition's applications are no longer kept in full."""
    return add_months(edition.ends_on, retention_months())


def retention_ends_on(done: Plan) -> date:
    return add_months(done.ends_on, retention_months())


def plan(edition: Edition, today: date | None = None) -> Plan:
    today = today or now_utc().date()
    anonymised = select(AnonymisedApplication.application_id)
    of_edition = select(Application.id, Application.status).join(Call, Call.id == Application.call_id).where(
        Call.edition_id == edition.id, Application.id.not_in(anonymised)).order_by(Application.id)
    result = Plan(edition.id, edition.code, edition.ends_on, due=retention_ends(edition) <= today)
    for application_id, status in db.session.execute(of_edition):
        (result.drafts if status == ApplicationStatus.DRAFT else result.to_anonymise).append(application_id)
    ids = result.to_anonymise + result.drafts
    result.files = db.session.scalar(select(func.count()).select_from(ApplicationFile).where(
        ApplicationFile.application_id.in_(ids))) if ids else 0
    return result


def plans(edition_code: str | None = None, today: date | None = None) -> list[Plan]:
    """The plan of one edition (by code), or of every edition, oldest first."""
    query = select(Edition).order_by(Edition.ends_on, Edition.id)
    if edition_code:
        query = query.where(Edition.code == edition_code)
    return [plan(edition, today) for edition in db.session.scalars(query)]


def apply(actor, edition_id: int, today: date | None = None) -> tuple[Plan, list[str]]:
    """Anonymise the edition's applications if its retention period is over (else InvalidState). Returns the plan
    carried out and the storage keys to remove after the commit."""
    edition = lock(Edition, edition_id)  # two purges of one edition take turns; the second finds nothing to do
    if edition is None:
        raise InvalidState(_l("This edition does not exist."))
    done = plan(edition, today)
    if not done.due:
        raise InvalidState(_l("This edition's applications are still within the retention period."))
    files: list[str] = []
    values: list[list] = []
    for application in db.session.scalars(select(Application).where(
            Application.id.in_(done.drafts + done.to_anonymise)).order_by(Application.id)):
        values.append(application_values(application, identity=False))
        if application.status == ApplicationStatus.DRAFT:
            files.extend(file.storage_key for file in application.files)
            db.session.delete(application)
        else:
            files.extend(anonymise_application(application, AnonymisedBecause.RETENTION))
    db.session.flush()
    # Copies of their values elsewhere (a mail naming a business, a meeting's topic): masked, some applications'
    # values at a time so that each query stays small.
    for start in range(0, len(values), SWEEP_BATCH):
        redact_everywhere(clean_values(value for batch in values[start:start + SWEEP_BATCH] for value in batch))
    if done.drafts or done.to_anonymise:
        audit.record(actor, APPLIED, Target("festival_edition", edition.id, edition.code),
                     after={"anonymised": len(done.to_anonymise), "drafts_deleted": len(done.drafts),
                            "files_removed": len(files), "retention_months": retention_months()})
    db.session.flush()
    return done, files
