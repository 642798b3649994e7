"""The waiting list: when an accepted applicant withdraws, the best waitlisted applicant of the call gets the place.

A call with `auto_promote_waitlist` promotes at once (the portal acts, actor None); otherwise the free place is shown
to staff on the desk and the ranking, with a button that offers it (staff confirm). Either way the promoted applicant
receives the "accepted" mail, through `workflow.transition`.

How many places are free is derived, not stored: with a fixed number of places it is `places - accepted`; without,
it is the accepted applicants who withdrew minus the applications accepted since the first of those withdrawals,
each application counted once (never from how many events it has).
"""

from dataclasses import dataclass

from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit import services as audit
from app.core.errors import Conflict, InvalidState
from app.core.events import application_status_changed
from app.core.locking import relock
from app.core.permissions import require_staff
from app.extensions import db
from app.festival.models import Application, ApplicationEvent, Call
from app.festival.models.application import ApplicationStatus as S
from app.festival.services.workflow import transition

OFFERED = audit.register_action("festival.application.place_offered", _l("Waiting-list place offered"))

# Best first: highest mean score, then the earliest submission; unscored applications last.
WAITING_ORDER = (Application.score_mean.is_(None), Application.score_mean.desc(), Application.submitted_at.asc(),
                 Application.id.asc())


@dataclass
class FreePlace:
    """A call with a free place and the waitlisted application it should be offered to."""

    call: Call
    free: int
    candidate: Application


def best_waitlisted(call: Call) -> Application | None:
    return db.session.scalar(
        select(Application).where(Application.call_id == call.id, Application.status == S.WAITLISTED)
        .order_by(*WAITING_ORDER).limit(1)
    )


def accepted_count(call: Call) -> int:
    return db.session.scalar(
        select(func.count(Application.id)).where(Application.call_id == call.id, Application.status == S.ACCEPTED)
    ) or 0


def free_places(call: Call) -> int:
    """How many places of the call are free for the waiting list, counted from the applications' state.

    Each application counts once however many events it has: an accepted application that is now withdrawn freed one
    place; an application accepted after the first such withdrawal took one (whatever it is now).
    """
    if call.places is not None:
        return max(call.places - accepted_count(call), 0)
    freed_ids = (
        select(ApplicationEvent.application_id)
        .join(Application, Application.id == ApplicationEvent.application_id)
        .where(Application.call_id == call.id, Application.status == S.WITHDRAWN,
               ApplicationEvent.from_status == S.ACCEPTED, ApplicationEvent.to_status == S.WITHDRAWN)
    )
    freed, first_freed_id = db.session.execute(
        select(func.count(func.distinct(ApplicationEvent.application_id)), func.min(ApplicationEvent.id))
        .where(ApplicationEvent.application_id.in_(freed_ids), ApplicationEvent.to_status == S.WITHDRAWN)
    ).one()
    if not freed:
        return 0
    refilled = db.session.scalar(
        select(func.count(func.distinct(ApplicationEvent.application_id)))
        .join(Application, Application.id == ApplicationEvent.application_id)
        .where(Application.call_id == call.id, ApplicationEvent.to_status == S.ACCEPTED,
               ApplicationEvent.id > first_freed_id)
    ) or 0
    return max(freed - refilled, 0)


def free_place(call: Call) -> FreePlace | None:
    """The call's free place and who it goes to, or None when no place is free or nobody waits."""
    free = free_places(call)
    candidate = best_waitlisted(call) if free else None
    return FreePlace(call, free, candidate) if candidate is not None else None


def open_offers(edition_id: int | None = None, call_id: int | None = None) -> list[FreePlace]:
    """Free places staff should offer, for the calls that have a waiting list (a few queries per such call)."""
    query = select(Call).where(
        Call.id.in_(select(Application.call_id).where(Application.status == S.WAITLISTED))
    ).order_by(Call.edition_id, Call.position, Call.id)
    if edition_id is not None:
        query = query.where(Call.edition_id == edition_id)
    if call_id is not None:
        query = query.where(Call.id == call_id)
    offers = (free_place(call) for call in db.session.scalars(query))
    return [offer for offer in offers if offer is not None]


def _lock(call: Call) -> None:
    """Serialise place offers per call, so one place is never given twice."""
    relock(call)


def _locked_candidate(call: Call) -> Application | None:
    """The best waitlisted application, locked and still waitlisted (another request may have moved it meanwhile)."""
    for _ in range(5):
        offer = free_place(call)
        if offer is None:
            return None
        candidate = relock(offer.candidate)
        if candidate.status == S.WAITLISTED:
            return candidate
    return None


def _offer_message(applicant: User) -> str:
    with force_locale(applicant.locale):
        return gettext("A place has become free, and it is yours.")


def place_freed(withdrawn: Application) -> Application | None:
    """An accepted applicant withdrew. Promote at once if the call says so."""
    call = withdrawn.call
    if not call.auto_promote_waitlist:
        return None  # staff see the free place on the desk and confirm the offer
    _lock(call)
    candidate = _locked_candidate(call)
    if candidate is None:
        return None
    transition(candidate, S.ACCEPTED, None, _offer_message(candidate.applicant), locked=True)
    return candidate


def _on_status_changed(application: Application, previous: S, current: S, **extra: object) -> None:
    if previous == S.ACCEPTED and current == S.WITHDRAWN:  # a place is free: the waiting list moves up
        place_freed(application)


application_status_changed.connect(_on_status_changed)


def offer_place(actor: User, call: Call, application: Application, message: str = "") -> Application:
    """Staff confirm: the free place of `call` goes to `application`, which must be first on the waiting list."""
    require_staff(actor, _l("Only staff can offer a place."))
    if application.call_id != call.id or application.status != S.WAITLISTED:
        raise InvalidState(_l("This application is not on the waiting list of this call."))
    _lock(call)
    application = relock(application)
    if application.status != S.WAITLISTED:
        raise InvalidState(_l("This application is not on the waiting list of this call."))
    offer = free_place(call)
    if offer is None:
        raise Conflict(_l("No place is free in this call any more."))
    if offer.candidate.id != application.id:
        raise Conflict(_l("%(reference)s is no longer first on the waiting list; %(other)s is.",
                          reference=application.reference, other=offer.candidate.reference))
    before = audit.snapshot(application, "status")
    transition(application, S.ACCEPTED, actor, message.strip() or _offer_message(application.applicant), locked=True)
    audit.record(actor, OFFERED, application, before=before)
    return application
