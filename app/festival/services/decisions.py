"""Staff decisions on applications: drafted (one by one or in bulk), released per call, revised with a reason.

A drafted decision only sits on the application (`draft_decision`, `draft_message`): the status stays, nobody is
mailed, and staff change or clear it freely. Releasing a call's drafts moves each application through
`workflow.transition`, which records the event, queues the mail in the applicant's language and sends the signals
other domains listen to. A released acceptance or rejection can be revised, with a reason the applicant is told.
"""

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.audit import services as audit
from app.core.clock import now_utc
from app.core.errors import AlreadyDone, InvalidState
from app.core.locking import lock_all, relock
from app.core.permissions import require_staff
from app.extensions import db
from app.festival.models import Application, ApplicationEvent, Call
from app.festival.models.application import ApplicationStatus as S
from app.festival.models.review import AssignmentStatus, ReviewAssignment
from app.festival.services.workflow import DECISIONS, NOTIFY, By, can_move, transition

# Where a draft may be written: not yet decided, or on the waiting list (which is not final).
UNDECIDED = (S.SUBMITTED, S.UNDER_REVIEW, S.WAITLISTED)
# What a revision may start from: a released, final decision.
REVISABLE = (S.ACCEPTED, S.REJECTED)
REVISED_MAIL = "festival/mail/revised"
STAFF_ONLY = _l("Only staff can decide on applications.")
DRAFTED = audit.register_action("festival.application.decision_drafted", _l("Decision drafted"))
DRAFT_CLEARED = audit.register_action("festival.application.draft_cleared", _l("Drafted decision cleared"))
RELEASED = audit.register_action("festival.application.decision_released", _l("Decision released"))
REVISED = audit.register_action("festival.application.decision_revised", _l("Decision revised"))
DRAFT_FIELDS = ("draft_decision",)  # not the message: free text to the applicant may name them


def _require_decision(decision: S) -> None:
    if decision not in DECISIONS:
        raise InvalidState(_l("Choose accept, waiting list or reject."), field="decision")


def decision_choices(application: Application) -> list[S]:
    """The decisions staff may draft on this application now."""
    if application.status not in UNDECIDED:
        return []
    return [target for target in DECISIONS if can_move(application.status, target, By.STAFF)]


def revision_choices(application: Application) -> list[S]:
    """The decisions a released acceptance or rejection may be revised to."""
    if application.status not in REVISABLE:
        return []
    return [target for target in DECISIONS if can_move(application.status, target, By.STAFF)]


def warnings(application: Application) -> list[str]:
    """Why deciding now may be early (never a refusal): reviews still out, or the call still open."""
    found = []
    pending = db.session.scalar(select(func.count()).select_from(ReviewAssignment).where(
        ReviewAssignment.application_id == application.id, ReviewAssignment.status == AssignmentStatus.ASSIGNED))
    if pending:
        found.append(_l("%(num)d assigned review(s) not yet submitted.", num=pending))
    if now_utc() < application.call.edition.applications_close_at:
        found.append(_l("The application deadline has not passed yet."))
    return [str(text) for text in found]


def _draft(actor: User, application: Application, decision: S, message: str) -> None:
    # One entry per application, bulk drafts included: each application's history shows its own draft.
    with audit.change(actor, DRAFTED, application, *DRAFT_FIELDS):
        application.draft_decision = decision
        application.draft_message = message.strip()
        application.draft_decided_by_id = actor.id
        application.draft_decided_at = now_utc()


def _draftable(application: Application, decision: S) -> bool:
    return application.status in UNDECIDED and can_move(application.status, decision, By.STAFF)


def decide(actor: User, application: Application, decision: S, message: str = "") -> list[str]:
    """Draft a decision (with an optional message for the mail); returns the warnings to show. Nothing is sent."""
    require_staff(actor, STAFF_ONLY)
    _require_decision(decision)
    application = relock(application)
    if not _draftable(application, decision):
        raise InvalidState(
            _l("An application that is %(current)s cannot become %(target)s.",
               current=application.status.label, target=decision.label), field="decision")
    _draft(actor, application, decision, message)
    db.session.flush()
    return warnings(application)


def clear_draft(actor: User, application: Application) -> None:
    require_staff(actor, STAFF_ONLY)
    application = relock(application)
    if application.draft_decision is None:
        raise AlreadyDone(_l("This application has no drafted decision."))
    audit.record(actor, DRAFT_CLEARED, application, before=audit.snapshot(application, *DRAFT_FIELDS),
                 after={"draft_decision": None})
    application.draft_decision = None
    application.draft_message = ""
    application.draft_decided_by_id = None
    application.draft_decided_at = None
    db.session.flush()


@dataclass
class BulkOutcome:
    decided: list[Application] = field(default_factory=list)
    skipped: list[Application] = field(default_factory=list)  # each keeps the status that made the draft illegal


def decide_many(actor: User, application_ids: Iterable[int], decision: S, message: str = "") -> BulkOutcome:
    """Draft the same decision on several applications; those it cannot apply to are skipped and reported."""
    require_staff(actor, STAFF_ONLY)
    _require_decision(decision)
    applications = lock_all(Application, application_ids)  # id order: two bulk drafts wait, never deadlock
    outcome = BulkOutcome()
    for application in applications:
        if application.status == S.DRAFT:  # drafts are private: not found
            continue
        if _draftable(application, decision):
            _draft(actor, application, decision, message)
            outcome.decided.append(application)
        else:
            outcome.skipped.append(application)
    db.session.flush()
    return outcome


def drafted(call: Call) -> list[Application]:
    """The call's applications with a drafted decision, by decision then reference (for the send page)."""
    return list(db.session.scalars(
        select(Application).where(Application.call_id == call.id, Application.draft_decision.is_not(None))
        .options(selectinload(Application.applicant)).order_by(Application.draft_decision, Application.reference)
    ))


def release(actor: User, call: Call) -> BulkOutcome:
    """Send the call's drafted decisions: each application moves to its drafted status, once.

    The call's row is locked first, so a second click waits and then finds nothing left to send; each application is
    locked too (a draft changed or an application withdrawn meanwhile is read as it is now)."""
    require_staff(actor, STAFF_ONLY)
    call = relock(call)
    ids = db.session.scalars(select(Application.id).where(
        Application.call_id == call.id, Application.draft_decision.is_not(None))).all()
    if not ids:
        raise AlreadyDone(_l("There are no drafted decisions to send for this call."))
    pause = current_app.config.get("TEST_SLEEP_AFTER_CHECK_S")
    if pause:  # tests widen the gap between the check and the moves, to show what the lock prevents
        time.sleep(float(pause))
    outcome = BulkOutcome()
    for application in lock_all(Application, ids, selectinload(Application.applicant)):
        target, message = application.draft_decision, application.draft_message
        if target is None:
            continue
        application.draft_decision, application.draft_message = None, ""
        application.draft_decided_by_id, application.draft_decided_at = None, None
        if _draftable(application, target):
            before = audit.snapshot(application, "status")
            transition(application, target, actor, message, locked=True)
            audit.record(actor, RELEASED, application, before=before)
            outcome.decided.append(application)
        else:  # withdrawn meanwhile: the draft is dropped
            outcome.skipped.append(application)
    db.session.flush()
    return outcome


def revise(actor: User, application: Application, decision: S, reason: str) -> None:
    """Change a released acceptance or rejection at once; the reason is recorded and mailed to the applicant."""
    require_staff(actor, STAFF_ONLY)
    _require_decision(decision)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidState(_l("Give the reason for the change; the applicant reads it."), field="reason")
    application = relock(application)
    if application.status not in REVISABLE:
        raise InvalidState(_l("Only a released acceptance or rejection can be revised."), field="decision")
    before = audit.snapshot(application, "status")
    transition(application, decision, actor, reason, locked=True, mail=REVISED_MAIL)
    audit.record(actor, REVISED, application, before=before)


@dataclass
class Preview:
    decision: S
    count: int
    locale: str
    subject: str
    body: str


def previews(call: Call, applications: list[Application]) -> list[Preview]:
    """One sample letter per drafted decision, as its first applicant will read it (their language)."""
    by_kind: dict[S, list[Application]] = {}
    for application in applications:
        by_kind.setdefault(application.draft_decision, []).append(application)
    found = []
    for decision in DECISIONS:
        group = by_kind.get(decision)
        if not group:
            continue
        sample = group[0]
        applicant = sample.applicant
        # An event that is never added to the session: only its message is read by the template.
        context = {"application": sample, "event": ApplicationEvent(message=sample.draft_message),
                   "applicant": applicant, "call": call, "edition": call.edition}
        with force_locale(applicant.locale):
            template = NOTIFY[decision]
            subject = render_template(f"{template}.subject.txt", **context).strip()
            body = render_template(f"{template}.txt", **context)
        found.append(Preview(decision, len(group), applicant.locale, subject, body))
    return found
