"""Milestones of a cohort (business model canvas, first sale, pitch deck): staff create, edit and delete them.

A milestone is deleted only while nobody has reported on it. The milestone's row lock orders a deletion against a
first report (`reports.submit` locks the milestone too): either the report finds the milestone gone, or the deletion
finds the report; the report's foreign key (RESTRICT) is the backstop.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.audit import services as audit
from app.cohorts.models import Cohort, Milestone, ProgressReport
from app.core.errors import Conflict, DomainError
from app.core.locking import relock
from app.core.permissions import require_staff
from app.extensions import db

NOT_STAFF = _l("Only staff may change milestones.")
FIELDS = ("title_ind", "title_en", "description", "due_on", "required")


MILESTONE_CREATED = audit.register_action("cohorts.milestone.created", _l("Milestone created"))
MILESTONE_UPDATED = audit.register_action("cohorts.milestone.updated", _l("Milestone changed"))
MILESTONE_DELETED = audit.register_action("cohorts.milestone.deleted", _l("Milestone deleted"))


def milestones_of(cohort_id: int) -> list[Milestone]:
    return list(db.session.scalars(select(Milestone).where(Milestone.cohort_id == cohort_id)
                                   .order_by(Milestone.due_on, Milestone.id)))


def report_counts(cohort_id: int) -> dict[int, int]:
    """How many reports each milestone of the cohort has (milestones without any are left out)."""
    rows = db.session.execute(
        select(ProgressReport.milestone_id, func.count()).join(Milestone, Milestone.id == ProgressReport.milestone_id)
        .where(Milestone.cohort_id == cohort_id).group_by(ProgressReport.milestone_id))
    return dict(rows.all())  # type: ignore[arg-type]


def _check(cohort: Cohort, values: dict) -> dict:
    due_on: date = values["due_on"]
    if not cohort.starts_on <= due_on <= cohort.ends_on:
        raise DomainError(_l("The due date must fall within the cohort (%(first)s to %(last)s).",
                             first=cohort.starts_on.isoformat(), last=cohort.ends_on.isoformat()), field="due_on")
    return {**{name: values[name] for name in FIELDS}, "required": bool(values["required"])}


def create_milestone(actor, cohort: Cohort, **values) -> Milestone:
    require_staff(actor, NOT_STAFF)
    milestone = Milestone(cohort_id=cohort.id, **_check(cohort, values))
    db.session.add(milestone)
    db.session.flush()
    audit.record(actor, MILESTONE_CREATED, milestone)
    return milestone


def update_milestone(actor, milestone: Milestone, **values) -> Milestone:
    require_staff(actor, NOT_STAFF)
    milestone = relock(milestone)
    checked = _check(milestone.cohort, values)
    with audit.change(actor, MILESTONE_UPDATED, milestone, *checked):
        for name, value in checked.items():
            setattr(milestone, name, value)
    db.session.flush()
    return milestone


def delete_milestone(actor, milestone: Milestone) -> int:
    """Delete a milestone nobody has reported on; return its cohort's id."""
    require_staff(actor, NOT_STAFF)
    milestone = relock(milestone)
    reported = db.session.scalar(select(func.count()).select_from(ProgressReport)
                                 .where(ProgressReport.milestone_id == milestone.id)) or 0
    if reported:
        raise Conflict(_l("This milestone has %(count)d report(s): it can no longer be deleted. Edit it instead.",
                          count=reported))
    cohort_id = milestone.cohort_id
    audit.record(actor, MILESTONE_DELETED, milestone, before=audit.snapshot(milestone), deleted=True)
    db.session.delete(milestone)
    db.session.flush()
    return cohort_id


def with_report_counts(cohort: Cohort) -> list[tuple[Milestone, int]]:
    """The cohort's milestones, each with how many reports it has (a milestone with reports is not deleted)."""
    counts = report_counts(cohort.id)
    return [(milestone, counts.get(milestone.id, 0)) for milestone in milestones_of(cohort.id)]
