"""Who may see an application and its files. Anyone else gets a 404, so existence is not revealed."""

from sqlalchemy import select

from app.accounts.models import User
from app.core.permissions import Role
from app.extensions import db
from app.festival.models import Application
from app.festival.models.application import ApplicationStatus
from app.festival.models.review import AssignmentStatus, ReviewAssignment


def active_assignment(user: User, application: Application) -> ReviewAssignment | None:
    """The reviewer's assignment to this application, unless they declared a conflict."""
    return db.session.scalar(
        select(ReviewAssignment).where(
            ReviewAssignment.application_id == application.id,
            ReviewAssignment.reviewer_id == user.id,
            ReviewAssignment.status != AssignmentStatus.CONFLICT,
        )
    )


def can_view_application(user: User, application: Application) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == Role.STAFF:
        return True
    if user.id == application.applicant_id:
        return True
    if user.role == Role.REVIEWER and application.status != ApplicationStatus.DRAFT:
        return active_assignment(user, application) is not None
    return False


def can_follow_application(user: User, application: Application) -> bool:
    """The status page and printable summary: the applicant's and staff's. Reviewers read through /review,
    which respects blind review."""
    return user.is_authenticated and (user.role == Role.STAFF or user.id == application.applicant_id)


def can_edit_application(user: User, application: Application) -> bool:
    return user.is_authenticated and user.id == application.applicant_id and application.is_draft


def hides_identity(user: User, application: Application) -> bool:
    """Blind review: a reviewer of a blind call sees no name, NIK or contacts."""
    return user.role == Role.REVIEWER and application.call.blind_review
