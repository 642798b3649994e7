"""The curriculum: sessions of a cohort (workshop, training, mentoring clinic, demo day), stored in UTC.

Staff enter times in a zone (Denpasar by default, Darwin for a session led from there); the route turns them into
aware datetimes, this module checks them: the end after the start, and no overlap with another session of the same
cohort, decided under the cohort's row lock (two staff adding sessions at once cannot both slip in).
"""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit import services as audit
from app.cohorts.models import Cohort, CohortSession, SessionKind, SessionLanguage
from app.core.errors import DomainError
from app.core.i18n import TimeZone
from app.core.locking import relock
from app.core.permissions import require_staff
from app.extensions import db

NOT_STAFF = _l("Only staff may change the curriculum.")
LONGEST = timedelta(hours=24)
FIELDS = ("kind", "title_ind", "title_en", "facilitator", "facilitator_in_darwin", "starts_at", "ends_at", "zone",
          "place", "online_url", "language")


SESSION_ADDED = audit.register_action("cohorts.session.added", _l("Session added"))
SESSION_UPDATED = audit.register_action("cohorts.session.updated", _l("Session changed"))
LOGGED = tuple(name for name in FIELDS if name != "facilitator")  # a person's name stays out of the log


def sessions_of(cohort_id: int) -> list[CohortSession]:
    return list(db.session.scalars(select(CohortSession).where(CohortSession.cohort_id == cohort_id)
                                   .order_by(CohortSession.starts_at, CohortSession.id)))


def _overlapping(cohort_id: int, starts_at: datetime, ends_at: datetime,
                 other_than: int | None) -> CohortSession | None:
    query = select(CohortSession).where(CohortSession.cohort_id == cohort_id, CohortSession.starts_at < ends_at,
                                        CohortSession.ends_at > starts_at).order_by(CohortSession.starts_at)
    if other_than is not None:
        query = query.where(CohortSession.id != other_than)
    return db.session.scalars(query.limit(1)).first()


def _check(cohort: Cohort, values: dict, session_id: int | None) -> None:
    starts_at, ends_at = values["starts_at"], values["ends_at"]
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("session times must be aware")
    if ends_at <= starts_at:
        raise DomainError(_l("The session must end after it starts."), field="ends_at")
    if ends_at - starts_at > LONGEST:
        raise DomainError(_l("A session lasts at most 24 hours."), field="ends_at")
    if not (values["place"] or values["online_url"]):
        raise DomainError(_l("Give a place or an online link (or both)."), field="place")
    clash = _overlapping(cohort.id, starts_at, ends_at, session_id)
    if clash is not None:
        raise DomainError(_l("This overlaps the session “%(title)s” of this cohort.", title=clash.title_ind),
                          field="starts_at")


def _normalised(values: dict) -> dict:
    return {**values, "kind": SessionKind(values["kind"]), "zone": TimeZone(values["zone"]),
            "language": SessionLanguage(values["language"]), "facilitator_in_darwin": bool(
                values["facilitator_in_darwin"])}


def add_session(actor, cohort: Cohort, **values) -> CohortSession:
    require_staff(actor, NOT_STAFF)
    values = _normalised(values)
    cohort = relock(cohort)
    _check(cohort, values, None)
    session = CohortSession(cohort_id=cohort.id, **{name: values[name] for name in FIELDS})
    db.session.add(session)
    db.session.flush()
    audit.record(actor, SESSION_ADDED, session, after=audit.snapshot(session, *LOGGED))
    return session


def update_session(actor, session: CohortSession, **values) -> CohortSession:
    require_staff(actor, NOT_STAFF)
    values = _normalised(values)
    cohort = relock(session.cohort)
    session = relock(session)
    _check(cohort, values, session.id)
    before = audit.snapshot(session, *LOGGED)
    for name in FIELDS:
        setattr(session, name, values[name])
    db.session.flush()
    audit.record(actor, SESSION_UPDATED, session, before=before)
    return session
