"""Who may apply: aged 16–30 on the festival's first day (UU 40/2009), inside the window, once per call; and what a
NIK must look like (one rule, used by the step's form and by the service that saves and submits the draft)."""

import re
from datetime import date, datetime

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.core.errors import DomainError
from app.core.permissions import Role
from app.extensions import db
from app.festival.models import Application, Call, Edition, EditionStatus

MIN_AGE = 16
MAX_AGE = 30
# ASCII digits only: `\d` also matches full-width (１２３) and other scripts' digits, which `int()` then reads.
NIK_RE = re.compile(r"[0-9]{16}")


class NotEligible(DomainError):
    pass


def age_on(born: date, day: date) -> int:
    """Completed years on `day` (someone born on 29 February turns a year older on 1 March in common years)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_allows(born: date, festival_day: date) -> bool:
    return MIN_AGE <= age_on(born, festival_day) <= MAX_AGE


def check_age(born: date | None, festival_day: date) -> None:
    if born is None:
        raise NotEligible(_l("Add your date of birth to your profile first."), field="date_of_birth")
    if not age_allows(born, festival_day):
        raise NotEligible(
            _l("Applicants must be %(min)d to %(max)d years old on the first festival day (%(day)s); you will be "
               "%(age)d.", min=MIN_AGE, max=MAX_AGE, day=format_date(festival_day, "long"),
               age=age_on(born, festival_day)),
            field="date_of_birth",
        )


def next_edition(today: date) -> Edition | None:
    """The published edition whose festival comes next (the one a new account would apply to)."""
    return db.session.scalar(
        select(Edition).where(Edition.status == EditionStatus.PUBLISHED, Edition.starts_on >= today)
        .order_by(Edition.starts_on, Edition.id).limit(1)
    )


def who_may_apply(today: date) -> str:
    """The age rule in a sentence, in the page's language and date format, for the registration form."""
    edition = next_edition(today)
    if edition is None:
        return _l("To apply to the festival you must be %(min)d to %(max)d years old on its first day.",
                  min=MIN_AGE, max=MAX_AGE)
    return _l("To apply to %(edition)s you must be %(min)d to %(max)d years old on its first day, %(day)s.",
              edition=edition.name, min=MIN_AGE, max=MAX_AGE, day=format_date(edition.starts_on, "long"))


def check_registration_age(born: date, today: date) -> None:
    """Refuse an account to someone too young for the next festival, saying why and when they may come back."""
    edition = next_edition(today)
    day = edition.starts_on if edition is not None else today
    if age_on(born, day) < MIN_AGE:
        raise NotEligible(
            _l("Sorry, you are too young to apply: applicants must be at least %(min)d years old on the first "
               "festival day (%(day)s). You are welcome to register for a later festival.",
               min=MIN_AGE, day=format_date(day, "long")),
            field="date_of_birth",
        )


def nik_problem(nik: str, born: date | None) -> str | None:
    """Why `nik` cannot be an Indonesian NIK for someone born on `born`, or None.

    A NIK has 16 digits: the province (11–94), regency and district codes, then the date of birth as DDMMYY with 40
    added to the day for women, then a serial number.
    """
    if not NIK_RE.fullmatch(nik):
        return _l("A NIK has exactly 16 digits.")
    if not 11 <= int(nik[:2]) <= 94:
        return _l("The first two digits of a NIK are a province code (11 to 94); please check them.")
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > 40:  # a woman's NIK
        day -= 40
    if born is not None:
        if (day, month, year) != (born.day, born.month, born.year % 100):
            return _l("Digits 7 to 12 of your NIK do not match your date of birth; please check both.")
    elif not (1 <= day <= 31 and 1 <= month <= 12):
        return _l("Digits 7 to 12 of a NIK are a date of birth (DDMMYY); please check them.")
    return None


def check_nik(nik: str | None, born: date | None) -> None:
    """Refuse a NIK that breaks `nik_problem`'s rule; no NIK (it is optional) passes."""
    if nik is None:
        return
    problem = nik_problem(nik, born)
    if problem is not None:
        raise NotEligible(problem, field="nik")


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
    if not user.has_role(Role.APPLICANT):
        raise NotEligible(_l("Only applicant accounts can apply."))
    check_window(call, moment)
    check_age(user.date_of_birth, call.edition.starts_on)
    if existing_application(user, call) is not None:
        raise NotEligible(_l("You already have an application for this call."))


def check_can_submit(application: Application, moment: datetime) -> None:
    """The server's clock, not the browser, decides whether the deadline has passed."""
    check_window(application.call, moment)
    check_age(application.date_of_birth, application.call.edition.starts_on)
    check_nik(application.nik, application.date_of_birth)
