"""The application state machine: one explicit table of allowed transitions, and the one function that moves.

Every move is recorded (who, when, from, to, message) and, where the applicant should hear of it, queues a mail in
the applicant's language in the same transaction.
"""

import enum

from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.core.clock import now_utc
from app.core.errors import AlreadyDone, InvalidState, NotAllowed
from app.core.events import application_status_changed
from app.core.locking import relock
from app.core.mail import queue_mail
from app.core.permissions import Role
from app.extensions import db
from app.festival.models import Application, ApplicationEvent, Edition
from app.festival.models.application import ApplicationStatus as S


class By(enum.StrEnum):
    """Who may make a move: the applicant who owns the application, staff, or the portal itself."""

    APPLICANT = "applicant"
    STAFF = "staff"
    SYSTEM = "system"


TRANSITIONS: dict[tuple[S, S], frozenset[By]] = {
    (S.DRAFT, S.SUBMITTED): frozenset({By.APPLICANT}),
    (S.DRAFT, S.WITHDRAWN): frozenset({By.APPLICANT}),
    (S.SUBMITTED, S.UNDER_REVIEW): frozenset({By.STAFF, By.SYSTEM}),
    (S.SUBMITTED, S.WITHDRAWN): frozenset({By.APPLICANT}),
    (S.SUBMITTED, S.ACCEPTED): frozenset({By.STAFF}),
    (S.SUBMITTED, S.WAITLISTED): frozenset({By.STAFF}),
    (S.SUBMITTED, S.REJECTED): frozenset({By.STAFF}),
    (S.UNDER_REVIEW, S.ACCEPTED): frozenset({By.STAFF}),
    (S.UNDER_REVIEW, S.WAITLISTED): frozenset({By.STAFF}),
    (S.UNDER_REVIEW, S.REJECTED): frozenset({By.STAFF}),
    (S.UNDER_REVIEW, S.WITHDRAWN): frozenset({By.APPLICANT}),
    (S.WAITLISTED, S.ACCEPTED): frozenset({By.STAFF, By.SYSTEM}),
    (S.WAITLISTED, S.REJECTED): frozenset({By.STAFF}),
    (S.WAITLISTED, S.WITHDRAWN): frozenset({By.APPLICANT}),
    (S.ACCEPTED, S.WITHDRAWN): frozenset({By.APPLICANT}),
    # A released decision revised by staff, with a reason (decisions.revise).
    (S.ACCEPTED, S.WAITLISTED): frozenset({By.STAFF}),
    (S.ACCEPTED, S.REJECTED): frozenset({By.STAFF}),
    (S.REJECTED, S.ACCEPTED): frozenset({By.STAFF}),
    (S.REJECTED, S.WAITLISTED): frozenset({By.STAFF}),
}

DECISIONS = (S.ACCEPTED, S.WAITLISTED, S.REJECTED)

# Which moves the applicant hears about, and with which mail.
NOTIFY = {
    S.SUBMITTED: "festival/mail/submitted",
    S.ACCEPTED: "festival/mail/accepted",
    S.WAITLISTED: "festival/mail/waitlisted",
    S.REJECTED: "festival/mail/rejected",
    S.WITHDRAWN: "festival/mail/withdrawn",
}

def can_move(current: S, target: S, by: By) -> bool:
    return by in TRANSITIONS.get((current, target), frozenset())


def _by(actor: User | None, application: Application) -> By:
    if actor is None:
        return By.SYSTEM
    if actor.has_role(Role.STAFF):
        return By.STAFF
    if actor.id == application.applicant_id:
        return By.APPLICANT
    raise NotAllowed(_l("You cannot change this application."))


def transition(
    application: Application, target: S, actor: User | None, message: str = "", flush: bool = True,
    locked: bool = False, mail: str | None = None,
) -> ApplicationEvent:
    """Move `application` to `target` if the table allows it for this actor (None = the portal itself).

    The application's row is locked and its status re-read first (`locked=True`: the caller already did, in this
    transaction), so two requests cannot both make the same move. `flush=False` lets a caller moving thousands at once
    (reviewer distribution) flush once at the end. `mail` replaces the usual letter (a revised decision).
    """
    if not locked:
        relock(application)
    by = _by(actor, application)
    current = application.status
    if current == target:
        raise AlreadyDone(_l("This application is already %(status)s.", status=current.label))
    if not can_move(current, target, by):
        raise InvalidState(
            _l("An application that is %(current)s cannot become %(target)s.",
               current=current.label, target=target.label)
        )
    now = now_utc()
    application.status = target
    if target == S.SUBMITTED:
        application.submitted_at = now
        application.reference = application.reference or next_reference(application.call.edition)
    if target in DECISIONS:
        application.decided_at = now
    event = ApplicationEvent(application=application, actor=actor, from_status=current, to_status=target,
                             message=message.strip(), created_at=now)
    db.session.add(event)
    template = mail or NOTIFY.get(target)
    if template and not (current == S.DRAFT and target == S.WITHDRAWN):  # a dropped draft needs no letter
        applicant = application.applicant
        queue_mail(applicant.email, template, applicant.locale, application=application, event=event,
                   applicant=applicant, call=application.call, edition=application.call.edition)
    if flush:
        db.session.flush()
    application_status_changed.send(application, previous=current, current=target, actor=actor, event=event)
    return event


def next_reference(edition: Edition) -> str:
    """The next reference number of an edition (DYF27-00123), counted under a row lock so none is given twice."""
    locked = relock(edition)
    locked.last_reference += 1
    db.session.flush()
    return f"{locked.code}-{locked.last_reference:05d}"
