"""A parent's or guardian's consent for an applicant under 18 (UU 27/2022, art. 25): the applicant names them, we
mail them a link, and the application can be submitted once they have confirmed through it.

The link's token is stored as its SHA-256 only (as sign-in links are). New contact details replace the token and
clear an earlier confirmation: what was confirmed was confirmed by whoever read the earlier address.
"""

import hashlib
import secrets
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.core.clock import now_utc
from app.core.errors import AlreadyDone, Conflict, DomainError, InvalidToken, NotAllowed
from app.core.locking import lock, relock
from app.core.mail import external_url, queue_mail
from app.extensions import db
from app.festival.models import Application
from app.festival.services.eligibility import age_on
from app.privacy import consent_texts
from app.privacy.models.consent import GuardianConsent, GuardianRelationship

ADULT_AGE = 18
DENPASAR = ZoneInfo("Asia/Makassar")
# The same address is mailed at most this often (a "send again" click, not a way to flood someone's inbox).
RESEND_INTERVAL = timedelta(minutes=10)
INVALID_LINK = _l("This link is not valid any more: the applicant may have changed the details of their parent or "
                  "guardian, which sends a new link. Please use the newest e-mail.")
NOT_CONFIRMED = _l("Your parent or guardian has not confirmed their consent yet. Ask them to open the link we "
                   "e-mailed to them; you can send it again below.")
NOT_ASKED = _l("You are under 18: enter the details of a parent or guardian below. We will e-mail them a link to "
               "confirm their consent, and you can submit once they have.")


def today_in_denpasar() -> date:
    """The submission date: the day in Denpasar, whatever the server's zone."""
    return now_utc().astimezone(DENPASAR).date()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def needs_guardian(application: Application, today: date) -> bool:
    """Is the applicant under 18 on `today` (the submission date, in Denpasar)?"""
    born = application.date_of_birth
    return born is not None and age_on(born, today) < ADULT_AGE


def guardian_of(application: Application) -> GuardianConsent | None:
    return db.session.scalar(select(GuardianConsent).where(GuardianConsent.application_id == application.id))


def check_confirmed(application: Application, today: date) -> None:
    """Refuse a submission of an under-18 applicant whose guardian has not confirmed (the message says what to do)."""
    if not needs_guardian(application, today):
        return
    guardian = guardian_of(application)
    if guardian is None:
        raise DomainError(NOT_ASKED, field="guardian")
    if not guardian.is_confirmed:
        raise DomainError(NOT_CONFIRMED, field="guardian")


def request_consent(actor: User, application: Application, today: date, *, name: str, email: str,
                    phone_e164: str | None, relationship: GuardianRelationship) -> GuardianConsent:
    """Store the guardian's details and mail them the confirmation link (again, if the applicant asks)."""
    relock(application)  # decided on the state read under the lock: a submission may be racing this
    if actor.id != application.applicant_id or not application.is_draft:
        raise NotAllowed(_l("This application can no longer be changed."))
    if not needs_guardian(application, today):
        raise AlreadyDone(_l("You are 18 or older: no consent of a parent or guardian is needed."))
    email = email.strip().lower()
    if email == actor.email.lower():
        raise DomainError(_l("Enter the e-mail address of your parent or guardian, not your own."), field="email")
    details = {"name": name.strip(), "email": email, "phone_e164": phone_e164 or None, "relationship": relationship}
    now = now_utc()
    guardian = guardian_of(application)
    if guardian is not None:
        unchanged = all(getattr(guardian, key) == value for key, value in details.items())
        if unchanged and guardian.is_confirmed:
            raise AlreadyDone(_l("Your parent or guardian has already confirmed. You can submit your application."))
        if unchanged and guardian.sent_at > now - RESEND_INTERVAL:
            raise Conflict(_l("We e-mailed the link at %(time)s. Please wait a few minutes before sending it again.",
                              time=format_datetime(guardian.sent_at, "short")), field="email")
    else:
        guardian = GuardianConsent(application_id=application.id)
        db.session.add(guardian)
    token = secrets.token_urlsafe(32)
    for key, value in details.items():
        setattr(guardian, key, value)
    guardian.token_hash = _digest(token)
    guardian.sent_at = now
    guardian.confirmed_at = None
    guardian.text_version = consent_texts.CURRENT_VERSION
    db.session.flush()
    applicant = application.applicant
    queue_mail(guardian.email, "privacy/mail/guardian_consent", applicant.locale, guardian=guardian,
               applicant_name=application.full_name or applicant.name,
               call_name=application.call.name(applicant.locale),
               link=external_url("privacy.guardian", token=token))
    return guardian


def find(token: str) -> GuardianConsent:
    guardian = db.session.scalar(select(GuardianConsent).where(GuardianConsent.token_hash == _digest(token)))
    if guardian is None:
        raise InvalidToken(INVALID_LINK)
    return guardian


def confirm(token: str) -> tuple[GuardianConsent, bool]:
    """The guardian confirms through their link; returns the row and whether this click confirmed it (a second
    click, or two at once, changes nothing: the row is locked and re-read)."""
    guardian = lock(GuardianConsent, find(token).id)
    if guardian is None or guardian.token_hash != _digest(token):  # replaced between the two reads
        raise InvalidToken(INVALID_LINK)
    if guardian.is_confirmed:
        return guardian, False
    guardian.confirmed_at = now_utc()
    return guardian, True
