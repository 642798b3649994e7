"""Festival editions: the published one applicants see, and the rules staff meet when they set one up.

Deadlines are entered and shown in Denpasar time (WITA, UTC+8, no daylight saving) and stored in UTC.
"""

import re
import unicodedata
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from app.accounts.models import User
from app.audit import services as audit
from app.core import permissions
from app.core.errors import Conflict, DomainError
from app.extensions import db
from app.festival.models import Application, Call, Edition, EditionStatus
from app.festival.models.application import ApplicationStatus

DENPASAR = ZoneInfo("Asia/Makassar")
CREATED = audit.register_action("festival.edition.created", _l("Festival edition created"))
UPDATED = audit.register_action("festival.edition.updated", _l("Festival edition changed"))
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE_RE = re.compile(r"^[A-Z0-9]{2,10}$")
SLUG_MAX = 60

# An application counts as submitted once it has been sent, even if it was withdrawn afterwards.
IS_SUBMITTED = or_(
    Application.submitted_at.is_not(None),
    Application.status.not_in([ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN]),
)


class Invalid(DomainError):
    """Several problems at once, each on its own field; `problems` lists them (the first is also the message)."""

    def __init__(self, problems: list[DomainError]):
        super().__init__(problems[0].message, problems[0].field)
        self.problems = problems


def next_published_edition(today: date) -> Edition | None:
    """The published edition that has not ended yet and starts soonest."""
    query = (
        select(Edition)
        .where(Edition.status == EditionStatus.PUBLISHED, Edition.ends_on >= today)
        .order_by(Edition.starts_on)
        .limit(1)
    )
    return db.session.scalar(query)


def festival_start(edition_starts_on: date) -> datetime:
    """The first festival day's midnight in Denpasar, in UTC."""
    return datetime.combine(edition_starts_on, time(0), tzinfo=DENPASAR).astimezone(UTC)


def slugify(text: str) -> str:
    """`D'Youth Festival 2027` → `dyouth-festival-2027` (ASCII, lower case, words joined by hyphens)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = re.sub(r"['’`]", "", ascii_text.lower())
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:SLUG_MAX].strip("-")


def require_staff(actor: User) -> None:
    permissions.require_staff(actor, _l("Only staff can set up festival editions and calls."))


def has_references(edition: Edition) -> bool:
    """Has any application of this edition been given a reference number (which carries the edition's code)?"""
    query = (
        select(Application.id).join(Call, Application.call_id == Call.id)
        .where(Call.edition_id == edition.id, Application.reference.is_not(None)).limit(1)
    )
    return edition.id is not None and db.session.scalar(query) is not None


def edition_counts() -> dict[int, tuple[int, int]]:
    """Edition id → (number of calls, number of submitted applications)."""
    calls = dict(db.session.execute(select(Call.edition_id, func.count(Call.id)).group_by(Call.edition_id)).all())
    submitted = dict(db.session.execute(
        select(Call.edition_id, func.count(Application.id)).join(Application, Application.call_id == Call.id)
        .where(IS_SUBMITTED).group_by(Call.edition_id)
    ).all())
    return {edition_id: (count, submitted.get(edition_id, 0)) for edition_id, count in calls.items()}


def list_editions() -> list[Edition]:
    return list(db.session.scalars(select(Edition).order_by(Edition.starts_on.desc(), Edition.id.desc())))


def _taken(column, value: str, edition: Edition | None) -> bool:
    query = select(Edition.id).where(column == value)
    if edition is not None and edition.id is not None:
        query = query.where(Edition.id != edition.id)
    return db.session.scalar(query.limit(1)) is not None


def _check_edition(edition: Edition | None, *, name: str, slug: str, code: str, starts_on: date, ends_on: date,
                   opens_at: datetime, closes_at: datetime) -> list[DomainError]:
    problems: list[DomainError] = []
    if not slug:
        problems.append(DomainError(_l("Enter a web address made of letters and digits, such as dyf-2027."),
                                    field="slug"))
    elif not SLUG_RE.match(slug) or len(slug) > SLUG_MAX:
        problems.append(DomainError(
            _l("Use only lower-case letters, digits and single hyphens, such as dyf-2027 (at most %(max)d "
               "characters).", max=SLUG_MAX), field="slug"))
    elif _taken(Edition.slug, slug, edition):
        problems.append(Conflict(_l("Another edition already uses this web address."), field="slug"))
    if not CODE_RE.match(code):
        problems.append(DomainError(_l("Use 2 to 10 capital letters or digits, such as DYF27."), field="code"))
    elif _taken(Edition.code, code, edition):
        problems.append(Conflict(_l("Another edition already uses this code."), field="code"))
    elif edition is not None and code != edition.code and has_references(edition):
        problems.append(Conflict(
            _l("The code cannot change any more: applications already carry reference numbers starting with "
               "%(code)s.", code=edition.code), field="code"))
    if ends_on < starts_on:
        problems.append(DomainError(_l("The festival cannot end before it starts."), field="ends_on"))
    if closes_at <= opens_at:
        problems.append(DomainError(_l("Applications must close after they open."),
                                    field="applications_close_at"))
    elif closes_at >= festival_start(starts_on):
        problems.append(DomainError(_l("Applications must close before the festival starts."),
                                    field="applications_close_at"))
    if not name:
        problems.append(DomainError(_l("This field is required."), field="name"))
    return problems


def _save_edition(actor: User, edition: Edition | None, *, name: str, slug: str, code: str, starts_on: date,
                  ends_on: date, venue: str, description: str, opens_at: datetime, closes_at: datetime,
                  status: EditionStatus) -> Edition:
    require_staff(actor)
    if opens_at.tzinfo is None or closes_at.tzinfo is None:
        raise ValueError("the application window needs aware datetimes")
    name, code = name.strip(), code.strip().upper()
    slug = slug.strip().lower() or slugify(name)
    opens_at, closes_at = opens_at.astimezone(UTC), closes_at.astimezone(UTC)
    problems = _check_edition(edition, name=name, slug=slug, code=code, starts_on=starts_on, ends_on=ends_on,
                              opens_at=opens_at, closes_at=closes_at)
    if problems:
        raise Invalid(problems)  # checked before anything changes: nothing is stored half-way
    before = audit.snapshot(edition) if edition is not None else None
    if edition is None:
        edition = Edition()
        db.session.add(edition)
    edition.name, edition.slug, edition.code = name, slug, code
    edition.starts_on, edition.ends_on = starts_on, ends_on
    edition.venue, edition.description = venue.strip(), description.strip()
    edition.applications_open_at, edition.applications_close_at = opens_at, closes_at
    edition.status = EditionStatus(status)
    db.session.flush()
    audit.record(actor, UPDATED if before is not None else CREATED, edition, before=before)
    return edition


def create_edition(actor: User, **fields) -> Edition:
    """A new edition; the window is given as aware datetimes (any zone), stored in UTC."""
    return _save_edition(actor, None, **fields)


def update_edition(actor: User, edition: Edition, **fields) -> Edition:
    return _save_edition(actor, edition, **fields)
