"""Who reviews what: staff assign reviewers by hand or distribute a call evenly; a conflict frees the slot.

A reviewer's *load* is the number of their assignments on applications of the same call that are not conflicts
(still to do or done). Distribution gives every slot to the eligible reviewer with the lowest load, ties broken by
the lower user id, so a run is deterministic and re-running it only tops up what is missing.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select

from app.accounts.models import User
from app.audit import services as audit
from app.core.clock import now_utc
from app.core.errors import Conflict, InvalidState, NotAllowed
from app.core.locking import lock, lock_all, relock
from app.core.mail import queue_mail
from app.core.permissions import Role, require_staff
from app.extensions import db
from app.festival.models import Application, Call, ReviewAssignment
from app.festival.models.application import ApplicationStatus
from app.festival.models.review import AssignmentStatus
from app.festival.services import workflow

REVIEWABLE = (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW)
_CHUNK = 500  # ids per IN (...) list
ASSIGNED = audit.register_action("festival.application.reviewer_assigned", _l("Reviewer assigned"))
UNASSIGNED = audit.register_action("festival.application.reviewer_removed", _l("Reviewer removed"))
DISTRIBUTED = audit.register_action("festival.call.reviewers_distributed", _l("Reviewers distributed"))


@dataclass(frozen=True)
class DistributionResult:
    assigned: int  # assignments made by this run
    unfilled: int  # applications that still have fewer reviewers than the call asks for
    applications: int  # applications considered (submitted or under review)


@dataclass(frozen=True)
class ReviewerLoad:
    reviewer: User
    pending: int
    submitted: int

    @property
    def total(self) -> int:
        return self.pending + self.submitted


def active_reviewers() -> list[User]:
    """Everyone who may be given applications to review: active accounts with the reviewer role, by id."""
    return list(db.session.scalars(
        select(User).where(User.holding(Role.REVIEWER), User.active.is_(True)).order_by(User.id)
    ))


def _lock_call(call_id: int) -> None:
    """Serialise changes to a call's assignments."""
    lock(Call, call_id)


def _load_counts(call_id: int) -> dict[int, dict[AssignmentStatus, int]]:
    """reviewer id → status → count, over the call's applications, in one query."""
    rows = db.session.execute(
        select(ReviewAssignment.reviewer_id, ReviewAssignment.status, func.count())
        .join(Application, Application.id == ReviewAssignment.application_id)
        .where(Application.call_id == call_id)
        .group_by(ReviewAssignment.reviewer_id, ReviewAssignment.status)
    )
    counts: dict[int, dict[AssignmentStatus, int]] = defaultdict(dict)
    for reviewer_id, status, count in rows:
        counts[reviewer_id][AssignmentStatus(status)] = count
    return counts


def current_loads(call_id: int) -> dict[int, int]:
    """reviewer id → load (assignments to do or done, conflicts excluded) in the call."""
    return {
        reviewer_id: by_status.get(AssignmentStatus.ASSIGNED, 0) + by_status.get(AssignmentStatus.SUBMITTED, 0)
        for reviewer_id, by_status in _load_counts(call_id).items()
    }


def reviewer_loads(call: Call) -> list[ReviewerLoad]:
    """Every active reviewer with their work in this call, for the staff distribution page."""
    counts = _load_counts(call.id)
    return [
        ReviewerLoad(reviewer, counts.get(reviewer.id, {}).get(AssignmentStatus.ASSIGNED, 0),
                     counts.get(reviewer.id, {}).get(AssignmentStatus.SUBMITTED, 0))
        for reviewer in active_reviewers()
    ]


def _active_counts():
    return (
        select(ReviewAssignment.application_id, func.count().label("n"))
        .where(ReviewAssignment.status != AssignmentStatus.CONFLICT)
        .group_by(ReviewAssignment.application_id)
        .subquery()
    )


def applications_lacking_reviewers(call: Call) -> int:
    """How many submitted or under-review applications of the call have fewer reviewers than it asks for."""
    active = _active_counts()
    return db.session.scalar(
        select(func.count())
        .select_from(Application)
        .outerjoin(active, active.c.application_id == Application.id)
        .where(Application.call_id == call.id, Application.status.in_(REVIEWABLE),
               func.coalesce(active.c.n, 0) < call.reviewers_per_application)
    ) or 0


def reviewable_count(call: Call) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Application)
        .where(Application.call_id == call.id, Application.status.in_(REVIEWABLE))
    ) or 0


def start_review(application: Application, actor: User | None, flush: bool = True, locked: bool = False) -> None:
    """A submitted application moves to under review when it gets its first reviewer (`locked`: its row is already
    locked in this transaction)."""
    if not locked:
        relock(application)
    if application.status == ApplicationStatus.SUBMITTED:
        by_staff = actor is not None and actor.has_role(Role.STAFF)
        workflow.transition(application, ApplicationStatus.UNDER_REVIEW, actor if by_staff else None, flush=flush,
                            locked=True)


def assign_reviewer(application: Application, reviewer: User, actor: User) -> ReviewAssignment:
    """Staff add one reviewer to an application by hand."""
    require_staff(actor, _l("Only staff can assign reviewers."))
    _lock_call(application.call_id)
    if application.status not in REVIEWABLE:
        raise InvalidState(_l("Only submitted applications, or applications under review, can get reviewers."),
                           field="reviewer")
    if not reviewer.has_role(Role.REVIEWER) or not reviewer.active:
        raise NotAllowed(_l("This person is not an active reviewer."), field="reviewer")
    if reviewer.id == application.applicant_id:
        raise NotAllowed(_l("Applicants cannot review their own application."), field="reviewer")
    existing = db.session.scalar(select(ReviewAssignment).where(
        ReviewAssignment.application_id == application.id, ReviewAssignment.reviewer_id == reviewer.id))
    if existing is not None and existing.status == AssignmentStatus.CONFLICT:
        raise Conflict(_l("%(name)s declared a conflict of interest on this application.", name=reviewer.name),
                       field="reviewer")
    if existing is not None:
        raise Conflict(_l("%(name)s is already assigned to this application.", name=reviewer.name),
                       field="reviewer")
    assignment = ReviewAssignment(application=application, reviewer=reviewer, assigned_by_id=actor.id,
                                  assigned_at=now_utc())
    db.session.add(assignment)
    before = audit.snapshot(application, "status")
    start_review(application, actor)
    db.session.flush()
    audit.record(actor, ASSIGNED, application, before={**before, "reviewer_id": None},
                 after={**audit.snapshot(application, "status"), "reviewer_id": reviewer.id})
    notify_reviewers({reviewer.id: 1}, application.call)
    return assignment


def notify_reviewers(new_counts: dict[int, int], call: Call) -> None:
    """One mail per reviewer, in their language, saying how many applications were just assigned to them."""
    for reviewer in db.session.scalars(select(User).where(User.id.in_(list(new_counts)))):
        queue_mail(reviewer.email, "festival/mail/review_assigned", reviewer.locale, reviewer=reviewer,
                   count=new_counts[reviewer.id], call=call, edition=call.edition)


def remove_assignment(assignment: ReviewAssignment, actor: User) -> None:
    """Staff take an application back from a reviewer who has not submitted a review.

    Submitted reviews stay (they count in the scores), and so do conflicts (they keep the reviewer away).
    """
    require_staff(actor, _l("Only staff can assign reviewers."))
    if assignment.status == AssignmentStatus.SUBMITTED:
        raise InvalidState(_l("This reviewer has already submitted a review; it cannot be removed."))
    if assignment.status == AssignmentStatus.CONFLICT:
        raise InvalidState(_l("A declared conflict stays on record so that the reviewer is not assigned again."))
    audit.record(actor, UNASSIGNED, assignment.application, before={"reviewer_id": assignment.reviewer_id},
                 after={"reviewer_id": None})
    db.session.delete(assignment)
    db.session.flush()


def _pick(loads: dict[int, int], candidates: list[int], excluded: set[int]) -> int | None:
    """The candidate with the lowest load, the lower id on a tie; None if all are excluded."""
    best: tuple[int, int] | None = None
    for reviewer_id in candidates:
        if reviewer_id in excluded:
            continue
        key = (loads.get(reviewer_id, 0), reviewer_id)
        if best is None or key < best:
            best = key
    return None if best is None else best[1]


def replace_reviewer(application: Application) -> ReviewAssignment | None:
    """After a conflict: give the slot to the least-loaded eligible reviewer, if any (assigned by the portal)."""
    if application.status not in REVIEWABLE:
        return None
    _lock_call(application.call_id)
    taken = set(db.session.scalars(
        select(ReviewAssignment.reviewer_id).where(ReviewAssignment.application_id == application.id)))
    taken.add(application.applicant_id)
    chosen = _pick(current_loads(application.call_id), [r.id for r in active_reviewers()], taken)
    if chosen is None:
        return None
    assignment = ReviewAssignment(application=application, reviewer_id=chosen, assigned_by_id=None,
                                  assigned_at=now_utc())
    db.session.add(assignment)
    start_review(application, None)
    db.session.flush()
    notify_reviewers({chosen: 1}, application.call)
    return assignment


def distribute(call: Call, actor: User) -> DistributionResult:
    """Top up every submitted or under-review application of `call` to `call.reviewers_per_application` reviewers.

    Three queries read the state (reviewers, applications with their assignments, loads); the new assignments are
    written in one bulk insert, so thousands of applications take seconds, not minutes.
    """
    require_staff(actor, _l("Only staff can assign reviewers."))
    _lock_call(call.id)
    wanted = call.reviewers_per_application
    reviewer_ids = [reviewer.id for reviewer in active_reviewers()]
    applications = db.session.execute(
        select(Application.id, Application.applicant_id, Application.status)
        .where(Application.call_id == call.id, Application.status.in_(REVIEWABLE))
        .order_by(Application.id)
    ).all()
    taken: dict[int, set[int]] = defaultdict(set)  # application → reviewers who must not get it (again)
    active: dict[int, int] = defaultdict(int)  # application → reviewers doing or done
    for application_id, reviewer_id, status in db.session.execute(
        select(ReviewAssignment.application_id, ReviewAssignment.reviewer_id, ReviewAssignment.status)
        .join(Application, Application.id == ReviewAssignment.application_id)
        .where(Application.call_id == call.id)
    ):
        taken[application_id].add(reviewer_id)
        if status != AssignmentStatus.CONFLICT:
            active[application_id] += 1
    loads = current_loads(call.id)

    now = now_utc()
    rows: list[dict] = []
    starting: list[int] = []  # submitted applications that get their first reviewer now
    unfilled = 0
    for application_id, applicant_id, status in applications:
        excluded = taken[application_id] | {applicant_id}
        added = 0
        while active[application_id] + added < wanted:
            chosen = _pick(loads, reviewer_ids, excluded)
            if chosen is None:
                break
            excluded.add(chosen)
            loads[chosen] = loads.get(chosen, 0) + 1
            rows.append({"application_id": application_id, "reviewer_id": chosen, "assigned_by_id": actor.id,
                         "status": AssignmentStatus.ASSIGNED, "assigned_at": now})
            added += 1
        if active[application_id] + added < wanted:
            unfilled += 1
        if added and status == ApplicationStatus.SUBMITTED:
            starting.append(application_id)

    if rows:
        db.session.execute(insert(ReviewAssignment), rows)
        notify_reviewers(Counter(row["reviewer_id"] for row in rows), call)
    for start in range(0, len(starting), _CHUNK):
        chunk = starting[start:start + _CHUNK]
        for application in lock_all(Application, chunk):
            start_review(application, actor, flush=False, locked=True)  # one flush per chunk, not per application
        db.session.flush()
    # One entry for the run, on the call: every assignment row already carries who made it and when, so thousands
    # of per-application entries would repeat them; the entry lists the applications the run gave reviewers to.
    audit.record(actor, DISTRIBUTED, call, after={
        "assigned": len(rows), "unfilled": unfilled,
        "application_ids": sorted({row["application_id"] for row in rows})})
    return DistributionResult(assigned=len(rows), unfilled=unfilled, applications=len(applications))


def assignments_of(application: Application) -> list[ReviewAssignment]:
    """Every assignment of an application (conflicts too), oldest first, for the staff panel."""
    return list(db.session.scalars(
        select(ReviewAssignment).where(ReviewAssignment.application_id == application.id)
        .order_by(ReviewAssignment.id)
    ))
