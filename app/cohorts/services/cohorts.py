"""Staff set up cohorts: name, partner organisation, dates, capacity, mode, description, optionally an edition."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.audit import services as audit
from app.cohorts.models import Cohort, CohortMode, CohortParticipant, ParticipantStatus
from app.core.errors import DomainError
from app.core.locking import relock
from app.core.permissions import require_staff
from app.extensions import db
from app.festival.models import Edition

NOT_STAFF = _l("Only staff may set up cohorts.")


COHORT_CREATED = audit.register_action("cohorts.cohort.created", _l("Cohort created"))
COHORT_UPDATED = audit.register_action("cohorts.cohort.updated", _l("Cohort changed"))


def list_cohorts() -> list[Cohort]:
    return list(db.session.scalars(select(Cohort).order_by(Cohort.starts_on.desc(), Cohort.id.desc())))


def admitted_count(cohort_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(CohortParticipant).where(
        CohortParticipant.cohort_id == cohort_id, CohortParticipant.status == ParticipantStatus.ADMITTED)) or 0


def counts() -> dict[int, tuple[int, int]]:
    """Per cohort: (admitted, flagged) participants, for the list."""
    rows = db.session.execute(
        select(CohortParticipant.cohort_id, func.count(),
               func.count(CohortParticipant.flagged_at))
        .where(CohortParticipant.status == ParticipantStatus.ADMITTED).group_by(CohortParticipant.cohort_id))
    return {cohort_id: (admitted, flagged) for cohort_id, admitted, flagged in rows}


def _check(edition_id: int | None, starts_on: date, ends_on: date, capacity: int,
           min_attendance_percent: int) -> None:
    if edition_id is not None and db.session.get(Edition, edition_id) is None:
        raise DomainError(_l("Choose an edition from the list."), field="edition_id")
    if ends_on < starts_on:
        raise DomainError(_l("The last day cannot be before the first day."), field="ends_on")
    if capacity < 1:
        raise DomainError(_l("Enter a whole number of at least 1."), field="capacity")
    if not 0 <= min_attendance_percent <= 100:
        raise DomainError(_l("Enter a whole number from %(min)d to %(max)d.", min=0, max=100),
                          field="min_attendance_percent")


def create_cohort(actor, *, name_ind: str, name_en: str, partner: str, starts_on: date, ends_on: date,
                  capacity: int, mode: CohortMode, description: str, edition_id: int | None,
                  min_attendance_percent: int = 75) -> Cohort:
    require_staff(actor, NOT_STAFF)
    _check(edition_id, starts_on, ends_on, capacity, min_attendance_percent)
    cohort = Cohort(name_ind=name_ind, name_en=name_en, partner=partner, starts_on=starts_on, ends_on=ends_on,
                    capacity=capacity, mode=CohortMode(mode), description=description, edition_id=edition_id,
                    min_attendance_percent=min_attendance_percent)
    db.session.add(cohort)
    db.session.flush()
    audit.record(actor, COHORT_CREATED, cohort)
    return cohort


def update_cohort(actor, cohort: Cohort, *, name_ind: str, name_en: str, partner: str, starts_on: date,
                  ends_on: date, capacity: int, mode: CohortMode, description: str,
                  edition_id: int | None, min_attendance_percent: int | None = None) -> Cohort:
    """Save the cohort; the capacity never goes below the people admitted (decided under the cohort's lock, so an
    admission running at the same time is counted)."""
    require_staff(actor, NOT_STAFF)
    if min_attendance_percent is None:
        min_attendance_percent = cohort.min_attendance_percent
    _check(edition_id, starts_on, ends_on, capacity, min_attendance_percent)
    cohort = relock(cohort)
    admitted = admitted_count(cohort.id)
    if capacity < admitted:
        raise DomainError(_l("%(count)d people are already admitted: the capacity cannot be lower.", count=admitted),
                          field="capacity")
    before = audit.snapshot(cohort)
    for name, value in dict(name_ind=name_ind, name_en=name_en, partner=partner, starts_on=starts_on,
                            ends_on=ends_on, capacity=capacity, mode=CohortMode(mode), description=description,
                            edition_id=edition_id, min_attendance_percent=min_attendance_percent).items():
        setattr(cohort, name, value)
    db.session.flush()
    audit.record(actor, COHORT_UPDATED, cohort, before=before)
    return cohort
