"""Inviting a person to a cohort by e-mail, and their accepting it.

Staff invite an address (in the language of the mail): a new random token is made and only its SHA-256 kept, valid for
14 days; inviting the same address again renews the invitation (a new token, so the old link stops working). The
invited person opens the link logged in with that address and accepts: they are admitted within the capacity, in the
same locked step as admissions from applications (`services.admitting`): the cohort's row lock, the admitted count
re-read, the participant inserted; the unique (cohort, user) index is the backstop. Accepting twice is AlreadyDone.
"""

import hashlib
import secrets
import time
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit import services as audit
from app.cohorts.models import Cohort, CohortInvitation, CohortParticipant, ParticipantStatus
from app.cohorts.services.cohorts import admitted_count
from app.core.clock import now_utc
from app.core.errors import AlreadyDone, Conflict, DomainError, InvalidState, InvalidToken, NotAllowed
from app.core.locking import relock
from app.core.mail import external_url, queue_mail
from app.core.permissions import require_staff
from app.extensions import db

VALID_FOR = timedelta(days=14)
NOT_STAFF = _l("Only staff may invite people to a cohort.")
UNKNOWN = _l("This invitation link is not valid. It may have been copied incompletely, or replaced by a newer one.")
EXPIRED = _l("This invitation has expired. Ask the D'Youth team for a new one.")
REVOKED = _l("This invitation has been withdrawn by the D'Youth team.")
INVITATION_SENT = audit.register_action("cohorts.invitation.sent", _l("Cohort invitation sent"))
INVITATION_REVOKED = audit.register_action("cohorts.invitation.revoked", _l("Cohort invitation withdrawn"))
LOGGED = ("cohort_id", "locale", "expires_at", "revoked_at")  # never the address nor the token's hash


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _normalise(email: str) -> str:
    return (email or "").strip().lower()


def pending(cohort: Cohort) -> list[CohortInvitation]:
    """Invitations neither accepted nor revoked (expired ones included: staff may renew them), newest first."""
    return list(db.session.scalars(
        select(CohortInvitation).where(CohortInvitation.cohort_id == cohort.id,
                                       CohortInvitation.accepted_at.is_(None), CohortInvitation.revoked_at.is_(None))
        .order_by(CohortInvitation.created_at.desc(), CohortInvitation.id.desc())))


def _admitted_address(cohort: Cohort, email: str) -> bool:
    from app.accounts.models import User

    return db.session.scalar(
        select(CohortParticipant.id).join(User, User.id == CohortParticipant.user_id)
        .where(CohortParticipant.cohort_id == cohort.id, CohortParticipant.status == ParticipantStatus.ADMITTED,
               User.email == email)) is not None


def invite(actor, cohort: Cohort, email: str, locale: str) -> CohortInvitation:
    """Create or renew the invitation of `email` to `cohort` and queue its mail."""
    require_staff(actor, NOT_STAFF)
    email = _normalise(email)
    if "@" not in email:
        raise DomainError(_l("Enter an e-mail address."), field="email")
    if locale not in ("id", "en"):
        raise DomainError(_l("Choose a language from the list."), field="locale")
    cohort = relock(cohort)  # one invitation per (cohort, address): two staff inviting at once renew it in turn
    if _admitted_address(cohort, email):
        raise AlreadyDone(_l("%(email)s is already admitted to this cohort.", email=email), field="email")
    invitation = db.session.scalar(select(CohortInvitation).where(
        CohortInvitation.cohort_id == cohort.id, CohortInvitation.email == email)
        .execution_options(populate_existing=True))
    if invitation is None:
        invitation = CohortInvitation(cohort_id=cohort.id, email=email)
        db.session.add(invitation)
    token = secrets.token_urlsafe(32)
    now = now_utc()
    invitation.token_sha256 = digest(token)
    invitation.locale = locale
    invitation.invited_by_id = getattr(actor, "id", None)
    invitation.created_at = now
    invitation.expires_at = now + VALID_FOR
    invitation.accepted_at = invitation.accepted_by_id = invitation.revoked_at = None
    db.session.flush()
    audit.record(actor, INVITATION_SENT, invitation, after=audit.snapshot(invitation, *LOGGED))
    queue_mail(email, "cohorts/mail/invitation", locale, cohort=cohort, inviter=actor, invitation=invitation,
               link=external_url("cohorts.invitation", token=token))
    return invitation


def revoke(actor, invitation: CohortInvitation) -> CohortInvitation:
    require_staff(actor, NOT_STAFF)
    relock(invitation.cohort)
    invitation = relock(invitation)
    if invitation.accepted_at is not None:
        raise InvalidState(_l("This invitation has already been accepted: take the person out of the cohort "
                              "instead."))
    if invitation.revoked_at is not None:
        raise AlreadyDone(_l("This invitation has already been withdrawn."))
    with audit.change(actor, INVITATION_REVOKED, invitation, "revoked_at"):
        invitation.revoked_at = now_utc()
    db.session.flush()
    return invitation


def find(token: str) -> CohortInvitation:
    """The invitation behind `token`: InvalidToken when there is none (or it was replaced)."""
    invitation = db.session.scalar(select(CohortInvitation).where(CohortInvitation.token_sha256 == digest(token))
                                   .execution_options(populate_existing=True))
    if invitation is None:
        raise InvalidToken(UNKNOWN)
    return invitation


def check(user, invitation: CohortInvitation) -> None:
    """Whether `user` may accept `invitation` now: revoked or expired → InvalidToken, another account → NotAllowed,
    accepted already → AlreadyDone (by them) or InvalidToken (by someone else)."""
    if invitation.revoked_at is not None:
        raise InvalidToken(REVOKED)
    if invitation.accepted_at is not None:
        if invitation.accepted_by_id == user.id:
            raise AlreadyDone(_l("You have already accepted this invitation: you are in the cohort."))
        raise InvalidToken(UNKNOWN)
    if invitation.expires_at <= now_utc():
        raise InvalidToken(EXPIRED)
    if _normalise(user.email) != invitation.email:
        raise NotAllowed(_l("This invitation was sent to another e-mail address. Log in with the account of that "
                            "address to accept it."))


def accept(actor, token: str) -> CohortParticipant:
    """Admit `actor` to the invitation's cohort, within its capacity (Conflict when full)."""
    invitation = find(token)
    cohort = relock(invitation.cohort)
    invitation = relock(invitation)
    check(actor, invitation)
    participant = db.session.scalar(select(CohortParticipant).where(
        CohortParticipant.cohort_id == cohort.id, CohortParticipant.user_id == actor.id)
        .execution_options(populate_existing=True))
    if participant is not None and participant.status == ParticipantStatus.ADMITTED:
        raise AlreadyDone(_l("You are already in this cohort."))
    left = cohort.capacity - admitted_count(cohort.id)
    pause = current_app.config.get("TEST_SLEEP_AFTER_CHECK_S")
    if pause:  # tests widen the gap between the check and the insert, to show what the lock prevents
        time.sleep(float(pause))
    if left < 1:
        raise Conflict(_l("The cohort is full. Please contact the D'Youth team."))
    now = now_utc()
    if participant is None:
        participant = CohortParticipant(cohort_id=cohort.id, user_id=actor.id)
        db.session.add(participant)
    participant.status = ParticipantStatus.ADMITTED
    participant.admitted_at = now
    participant.admitted_by_id = invitation.invited_by_id
    participant.flagged_at = None
    participant.flagged_note = ""
    invitation.accepted_at = now
    invitation.accepted_by_id = actor.id
    db.session.flush()
    return participant
