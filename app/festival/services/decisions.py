"""Staff decisions on applications (accept, waitlist, reject), one by one or in bulk.

Every decision goes through `workflow.transition`, which refuses a move the table does not allow, records the event
(who, when, from, to, message) and queues the mail in the applicant's language.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.core.errors import InvalidState
from app.core.locking import lock_all
from app.core.permissions import require_staff
from app.festival.models import Application, ApplicationEvent, Call
from app.festival.models.application import ApplicationStatus as S
from app.festival.services.workflow import DECISIONS, By, can_move, transition


def _require_decision(decision: S) -> None:
    if decision not in DECISIONS:
        raise InvalidState(_l("Choose accept, waiting list or reject."), field="decision")


def decision_choices(application: Application) -> list[S]:
    """The decisions the transition table allows staff to take on this application now."""
    return [target for target in DECISIONS if can_move(application.status, target, By.STAFF)]


def decide(actor: User, application: Application, decision: S, message: str = "") -> ApplicationEvent:
    """Accept, waitlist or reject one application, with an optional personal message to the applicant."""
    require_staff(actor, _l("Only staff can decide on applications."))
    _require_decision(decision)
    return transition(application, decision, actor, message)


@dataclass
class BulkOutcome:
    decided: list[Application] = field(default_factory=list)
    skipped: list[Application] = field(default_factory=list)  # each keeps the status that made the move illegal


def decide_many(actor: User, application_ids: Iterable[int], decision: S, message: str = "") -> BulkOutcome:
    """The same decision for several applications. Where the table forbids the move, the application is skipped
    untouched and reported; the others are decided, each one completely (status, event, mail)."""
    require_staff(actor, _l("Only staff can decide on applications."))
    _require_decision(decision)
    applications = lock_all(  # in id order: two bulk decisions at once wait for each other, never deadlock
        Application, application_ids,
        selectinload(Application.applicant), selectinload(Application.call).selectinload(Call.edition),
    )
    outcome = BulkOutcome()
    for application in applications:
        if application.status == S.DRAFT:  # drafts are private: not found
            continue
        if can_move(application.status, decision, By.STAFF):
            transition(application, decision, actor, message, locked=True)
            outcome.decided.append(application)
        else:
            outcome.skipped.append(application)
    return outcome
