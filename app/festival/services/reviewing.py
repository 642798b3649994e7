"""What a reviewer does: see their assignments, score an application on the rubric, or declare a conflict."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.core.clock import now_utc
from app.core.errors import DomainError, InvalidState, NotAllowed
from app.core.locking import relock
from app.core.permissions import Role
from app.extensions import db
from app.festival.models import Application, ReviewAssignment, ReviewScore, RubricCriterion
from app.festival.models.application import ApplicationStatus
from app.festival.models.review import AssignmentStatus
from app.festival.services import assignment as assigning
from app.festival.services.access import can_view_application
from app.festival.services.scoring import assignment_score, recompute_scores

SCORE_MIN, SCORE_MAX = 1, 5


@dataclass
class ReviewerWork:
    """A reviewer's assignments, grouped for their list (conflicts are left out: they are hidden)."""

    to_do: list[ReviewAssignment] = field(default_factory=list)
    done: list[ReviewAssignment] = field(default_factory=list)
    closed: list[ReviewAssignment] = field(default_factory=list)  # withdrawn or decided before it was reviewed

    @property
    def total(self) -> int:
        return len(self.to_do) + len(self.done)


def open_for_review(application: Application) -> bool:
    """Scores can be given or changed until the application is decided or withdrawn."""
    return application.status in assigning.REVIEWABLE


def visible_assignment(user: User, assignment: ReviewAssignment | None) -> ReviewAssignment | None:
    """The assignment if `user` is its reviewer and may see it now; None means 404 (conflicts are hidden)."""
    if assignment is None or not user.has_role(Role.REVIEWER) or assignment.reviewer_id != user.id:
        return None
    if assignment.status == AssignmentStatus.CONFLICT:
        return None
    if not can_view_application(user, assignment.application):
        return None
    return assignment


def work_of(reviewer: User) -> ReviewerWork:
    assignments = db.session.scalars(
        select(ReviewAssignment)
        .join(Application, Application.id == ReviewAssignment.application_id)
        .where(ReviewAssignment.reviewer_id == reviewer.id,
               ReviewAssignment.status != AssignmentStatus.CONFLICT,
               Application.status != ApplicationStatus.DRAFT)
        .options(selectinload(ReviewAssignment.application).selectinload(Application.call))
        .order_by(Application.submitted_at, ReviewAssignment.id)
    )
    work = ReviewerWork()
    for assignment in assignments:
        if assignment.status == AssignmentStatus.SUBMITTED:
            work.done.append(assignment)
        elif open_for_review(assignment.application):
            work.to_do.append(assignment)
        else:
            work.closed.append(assignment)
    return work


def _check_reviewer(assignment: ReviewAssignment, actor: User) -> None:
    if visible_assignment(actor, assignment) is None:
        raise NotAllowed(_l("This application is not assigned to you."))


def _lock(assignment: ReviewAssignment) -> tuple[Application, ReviewAssignment]:
    """Lock the application (its scores are recomputed from every review) and then the assignment, and re-read
    both: two submissions of one review at once must end as two saves in turn, not two sets of scores."""
    application = relock(assignment.application)
    assignment = relock(assignment)
    db.session.expire(assignment, ["scores"])
    return application, assignment


def submit_review(assignment: ReviewAssignment, actor: User, scores: dict[int, tuple[int, str]],
                  comment: str = "") -> ReviewAssignment:
    """Store the reviewer's rubric scores (criterion id → (1–5, comment)) and refresh the application's scores.

    A reviewer may submit again to change their scores until the application is decided.
    """
    application, assignment = _lock(assignment)
    _check_reviewer(assignment, actor)
    if not open_for_review(application):
        raise InvalidState(_l("This application has been decided or withdrawn; its reviews can no longer change."))
    criteria: list[RubricCriterion] = list(application.call.criteria)
    if not criteria:
        raise InvalidState(_l("This call has no rubric yet; ask the programme team."))
    for criterion in criteria:
        value = scores.get(criterion.id, (None, ""))[0]
        if value is None or not SCORE_MIN <= value <= SCORE_MAX:
            raise DomainError(_l("Give a score from 1 to 5."), field=f"score_{criterion.id}")

    existing = {score.criterion_id: score for score in assignment.scores}
    wanted = {criterion.id for criterion in criteria}
    for criterion_id, score in existing.items():
        if criterion_id not in wanted:  # the rubric changed since the last save
            assignment.scores.remove(score)
    for criterion in criteria:
        value, note = scores[criterion.id]
        score = existing.get(criterion.id)
        if score is None:
            assignment.scores.append(ReviewScore(criterion=criterion, value=value, comment=note.strip()))
        else:
            score.value, score.comment = value, note.strip()
    assignment.comment = comment.strip()
    assignment.weighted_score = assignment_score(assignment)
    assignment.status = AssignmentStatus.SUBMITTED
    assignment.submitted_at = now_utc()
    assigning.start_review(application, None)  # normally done when it was assigned
    db.session.flush()
    recompute_scores(application)
    db.session.flush()
    return assignment


def declare_conflict(assignment: ReviewAssignment, actor: User, reason: str) -> ReviewAssignment | None:
    """The reviewer steps aside: the assignment is hidden from them, any scores they gave stop counting, and the
    slot goes to the least-loaded eligible reviewer (if there is one). Returns the replacement assignment."""
    application, assignment = _lock(assignment)
    _check_reviewer(assignment, actor)
    reason = reason.strip()
    if not reason:
        raise DomainError(_l("Say briefly why, for the programme team."), field="reason")
    if application.status not in assigning.REVIEWABLE:
        raise InvalidState(_l("This application has been decided or withdrawn; nothing to step aside from."))
    was_submitted = assignment.status == AssignmentStatus.SUBMITTED
    assignment.status = AssignmentStatus.CONFLICT
    assignment.conflict_reason = reason[:300]
    assignment.scores.clear()
    assignment.weighted_score = None
    assignment.submitted_at = None
    db.session.flush()
    if was_submitted:
        recompute_scores(application)
    return assigning.replace_reviewer(application)
