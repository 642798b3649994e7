"""Who may apply: aged 16–30 on the festival's first day (UU 40/2009), inside the window, once per call."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.core.errors import DomainError
from app.core.permissions import Role
from app.extensions import db
from app.festival.models import Application, Call, EditionStatus

MIN_AGE = 16
MAX_AGE = 30


class NotEligible(DomainError):
    pass


def age_on(born: date, day: date) -> int:
    """Completed years on `day` (someone born on 29 February turns a year older on 1 March in common years)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check_age(born: date | None, festival_day: date) -> None:
    if born is None:
        raise NotEligible(_l("Add your date of birth to your profile first."), field="date_of_birth")
    age = age_on(born, festival_day)
    if age < MIN_AGE or age > MAX_AGE:
        raise NotEligible(
            _l("Applicants must be %(min)d to %(max)d years old on the first festival day (%(day)s); you will be "
               "%(age)d.", min=MIN_AGE, max=MAX_AGE, day=festival_day.isoformat(), age=age),
            field="date_of_birth",
        )


def check_window(call: Call, moment: datetime) -> None:
    edition = call.edition
    if edition.status != EditionStatus.PUBLISHED:
        raise NotEligible(_l("This call is not open."))
    if moment < edition.applications_open_at:
        raise NotEligible(_l("Applications have not opened yet."))
    if moment >= edition.applications_close_at:
        raise NotEligible(_l("The deadline has passed; applications are closed."))


def existing_application(user: User, call: Call) -> Application | None:
    return db.session.scalar(
        select(Application).where(Application.call_id == call.id, Application.applicant_id == user.id)
    )


def check_can_start(user: User, call: Call, moment: datetime) -> None:
    """May `user` open a new draft for `call` now?"""
    if user.role != Role.APPLICANT:
        raise NotEligible(_l("Only applicant accounts can apply."))
    check_window(call, moment)
    check_age(user.date_of_birth, call.edition.starts_on)
    if existing_application(user, call) is not None:
        raise NotEligible(_l("You already have an application for this call."))


def check_can_submit(application: Application, moment: datetime) -> None:
    """The server's clock, not the browser, decides whether the deadline has passed."""
    check_window(application.call, moment)
    check_age(application.date_of_birth, application.call.edition.starts_on)
