"""What waits for whom on the staff desk, per call: applications no reviewer is assigned to (staff), reviews not yet
scored (reviewers), applications without a decision or a draft (staff), drafted decisions not yet sent (staff).

Three queries (four with the calls' names) whatever the number of calls: one count per kind, grouped by call.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import contains_eager

from app.accounts.models import User
from app.core.permissions import require_staff
from app.extensions import db
from app.festival.models import Application, Call, Edition
from app.festival.models.application import ApplicationStatus as S
from app.festival.models.review import AssignmentStatus, ReviewAssignment

OPEN = (S.SUBMITTED, S.UNDER_REVIEW)  # submitted and not yet decided


@dataclass
class CallWork:
    call: Call
    unassigned: int = 0  # staff: assign reviewers
    unscored: int = 0  # reviewers: assignments not yet scored
    reviewers: int = 0  # … held by this many reviewers
    undecided: int = 0  # staff: neither decided nor drafted
    drafts: int = 0  # staff: drafted, not yet sent

    @property
    def anything(self) -> bool:
        return bool(self.unassigned or self.unscored or self.undecided or self.drafts)


def _count(condition) -> object:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def waiting_by_call(actor: User) -> list[CallWork]:
    """Every call with something waiting, newest edition first."""
    require_staff(actor, _l("Only staff can see the work of the desk."))
    assigned = exists().where(ReviewAssignment.application_id == Application.id,
                              ReviewAssignment.status.in_((AssignmentStatus.ASSIGNED, AssignmentStatus.SUBMITTED)))
    counts = db.session.execute(
        select(Application.call_id,
               _count(and_(Application.status.in_(OPEN), ~assigned)),
               _count(and_(Application.status.in_(OPEN), Application.draft_decision.is_(None))),
               _count(Application.draft_decision.is_not(None)))
        .where(Application.status.in_((*OPEN, S.WAITLISTED)))
        .group_by(Application.call_id)
    ).all()
    pending = db.session.execute(
        select(Application.call_id, func.count(ReviewAssignment.id),
               func.count(func.distinct(ReviewAssignment.reviewer_id)))
        .join(Application, Application.id == ReviewAssignment.application_id)
        .where(ReviewAssignment.status == AssignmentStatus.ASSIGNED, Application.status.in_(OPEN))
        .group_by(Application.call_id)
    ).all()
    work: dict[int, dict[str, int]] = {}
    for call_id, unassigned, undecided, drafts in counts:
        work.setdefault(call_id, {}).update(unassigned=int(unassigned), undecided=int(undecided), drafts=int(drafts))
    for call_id, unscored, reviewers in pending:
        work.setdefault(call_id, {}).update(unscored=int(unscored), reviewers=int(reviewers))
    if not work:
        return []
    calls = db.session.scalars(
        select(Call).join(Call.edition).options(contains_eager(Call.edition)).where(Call.id.in_(work))
        .order_by(Edition.starts_on.desc(), Call.position, Call.id)
    ).all()
    found = [CallWork(call, **work[call.id]) for call in calls]
    return [row for row in found if row.anything]
