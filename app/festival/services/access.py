"""Who may see an application and its files. Anyone else gets a 404, so existence is not revealed."""

from sqlalchemy import select

from app.accounts.models import User
from app.core.permissions import Role
from app.extensions import db
from app.festival.models import Application
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


def is_private_draft(user: User, application: Application) -> bool:
    """Drafts stay private to their applicant: nobody else, staff included, reads a draft's answers (NIK and all)
    or its files until it is submitted. The one rule for every page that shows an application."""
    return application.is_draft and user.id != application.applicant_id


def is_owner_or_staff(user: User, application: Application) -> bool:
    """Who sees an application whole (name, NIK, contacts): its applicant and staff."""
    return user.id == application.applicant_id or user.has_role(Role.STAFF)


def can_view_application(user: User, application: Application) -> bool:
    """The application's files: its applicant, staff, and reviewers assigned to it."""
    if not user.is_authenticated or is_private_draft(user, application):
        return False
    if is_owner_or_staff(user, application):
        return True
    return user.has_role(Role.REVIEWER) and active_assignment(user, application) is not None


def can_follow_application(user: User, application: Application) -> bool:
    """The status page and printable summary: the applicant's and staff's. Reviewers read through /review,
    which respects blind review."""
    if not user.is_authenticated or is_private_draft(user, application):
        return False
    return is_owner_or_staff(user, application)


def can_edit_application(user: User, application: Application) -> bool:
    return user.is_authenticated and user.id == application.applicant_id and application.is_draft


def hides_identity(user: User, application: Application) -> bool:
    """Blind review: whoever reads a blind call's application without being its applicant or staff (its reviewers)
    sees no name, NIK or contacts."""
    return application.call.blind_review and not is_owner_or_staff(user, application)
