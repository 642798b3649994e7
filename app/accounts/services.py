"""Account rules. Functions take the acting user where there is one, flush, and never commit."""

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.models import Invitation, User, UserRole
from app.accounts.tokens import fingerprint, make_token, read_token
from app.audit import services as audit
from app.core.clock import now_utc
from app.core.errors import AlreadyDone, Conflict, DomainError, InvalidState, InvalidToken, NotAllowed
from app.core.locking import lock, relock
from app.core.mail import external_url, queue_mail
from app.core.permissions import Role, require_staff
from app.core.security import safe_next_url
from app.extensions import db

INVITABLE_ROLES = (Role.MENTOR, Role.REVIEWER, Role.STAFF)


@dataclass(frozen=True)
class BirthDateRule:
    """A rule a domain adds to registration, so that accounts names no domain (the festival: who may apply).
    `explain(today)` is the sentence shown under the date of birth; `check(born, today)` raises a DomainError."""

    explain: Callable[[date], str | None]
    check: Callable[[date, date], None]


birth_date_rules: dict[str, BirthDateRule] = {}


INVITED = audit.register_action("accounts.invitation.sent", _l("Invitation sent"))
INVITATION_REVOKED = audit.register_action("accounts.invitation.revoked", _l("Invitation withdrawn"))
ROLE_REVOKED = audit.register_action("accounts.user.role_revoked", _l("Role taken away"))


def add_birth_date_rule(key: str, rule: BirthDateRule) -> None:
    birth_date_rules[key] = rule  # the same key again replaces it


def birth_date_notes(today: date) -> list[str]:
    return [note for rule in birth_date_rules.values() if (note := rule.explain(today))]


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))




def _password_fingerprint(user: User) -> str:
    # Changes whenever the password changes, so a reset link works once; a keyed digest, because the token's payload
    # is readable by whoever sees the link.
    return fingerprint("reset", user.id, user.password_hash)


def end_sessions(actor: User) -> None:
    """Raise the user's session version: every session and remember-me cookie issued before stops working.

    One UPDATE that adds 1 to the stored value, so two at once (a logout on the phone, a new password on the laptop)
    both count and neither undoes the other.
    """
    db.session.execute(
        update(User).where(User.id == actor.id).values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(actor, ["session_version"])


def send_confirmation(user: User, next_url: str | None = None) -> None:
    """Mail the confirmation link; `next_url` (a path on this site, checked again when the link is opened) is where
    the link takes the person once it has signed them in."""
    token = make_token("confirm", {"uid": user.id, "email": user.email})
    extra = {"next": next_url} if safe_next_url(next_url) else {}
    queue_mail(user.email, "accounts/mail/confirm", user.locale, user=user,
               link=external_url("accounts.confirm", token=token, **extra))


def resend_confirmation(actor: User) -> None:
    if actor.is_confirmed:
        raise AlreadyDone(_l("Your e-mail address is already confirmed."))
    send_confirmation(actor)


def register(
    *, name: str, email: str, password: str, phone_e164: str, date_of_birth: date, locale: str,
    next_url: str | None = None,
) -> User | None:
    """Create an applicant and send the confirmation link.

    If the address already has an account, nothing is created and its owner gets a note instead: the page the visitor
    sees is the same either way, so registration does not reveal who is registered.
    """
    today = now_utc().date()
    if date_of_birth > today or date_of_birth.year < 1900:
        raise DomainError(_l("Enter your real date of birth."), field="date_of_birth")
    for rule in birth_date_rules.values():
        rule.check(date_of_birth, today)
    email = normalise_email(email)
    # Hashed on both paths: skipping it for a taken address made that answer ten times faster, which told who is
    # registered as plainly as a message would.
    password_hash = hash_password(password)
    existing = find_user_by_email(email)
    if existing is not None:
        queue_mail(existing.email, "accounts/mail/already_registered", existing.locale, user=existing,
                   login=external_url("accounts.login"), reset=external_url("accounts.forgot_password"))
        return None
    user = User(
        name=name.strip(), email=email, password_hash=password_hash, roles={Role.APPLICANT},
        phone_e164=phone_e164, date_of_birth=date_of_birth, locale=locale,
    )
    db.session.add(user)
    db.session.flush()
    send_confirmation(user, next_url)
    return user


def confirm_email(token: str) -> tuple[User, bool]:
    """Confirm the address the link was sent to; returns the user and whether this opening confirmed it.

    Only that first opening may sign in (the route decides): the link stays valid for days, and a copy of it found
    later in a mailbox or a proxy log must not be a password. The row is locked, so two openings at once confirm once.
    """
    data = read_token("confirm", token, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    user = lock(User, data.get("uid"))
    if user is None or user.email != data.get("email"):
        raise InvalidToken(_l("This link is not valid. It may have been copied incompletely."))
    if user.email_confirmed_at is not None:
        return user, False
    user.email_confirmed_at = now_utc()
    user.last_login_at = now_utc()
    return user, user.active


# A hash to check against when the e-mail is unknown, so both paths cost one hash check. Made once per method:
# making it on every call (as `setdefault(method, generate_password_hash(...))` did, which evaluates its argument
# each time) cost a second hash, and made unknown addresses twice as slow as known ones.
_DUMMY_HASH: dict[str, str] = {}


def _dummy_hash(method: str) -> str:
    if method not in _DUMMY_HASH:
        _DUMMY_HASH[method] = generate_password_hash("not-a-password", method=method)
    return _DUMMY_HASH[method]


def authenticate(email: str, password: str) -> User:
    """Return the user whose credentials these are; one message for every failure."""
    user = find_user_by_email(email)
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if user is None:
        check_password_hash(_dummy_hash(method), password)
        raise NotAllowed(_l("E-mail or password is wrong."), field="password")
    if not check_password_hash(user.password_hash, password) or not user.active:
        raise NotAllowed(_l("E-mail or password is wrong."), field="password")
    # An unconfirmed address may log in and start a draft; confirming is needed to submit (festival.drafts.submit).
    user.last_login_at = now_utc()
    return user


def request_password_reset(email: str) -> None:
    """Queue a reset link if the address has an account; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    token = make_token("reset", {"uid": user.id, "fp": _password_fingerprint(user)})
    queue_mail(user.email, "accounts/mail/reset", user.locale, user=user,
               link=external_url("accounts.reset_password", token=token))


def user_for_reset_token(token: str, locked: bool = False) -> User:
    """The user a reset link is for, while the link is unused; `locked=True` holds their row, so that two
    submissions of one link at once cannot both pass the check."""
    data = read_token("reset", token, current_app.config["RESET_TOKEN_MAX_AGE"])
    user = (lock if locked else db.session.get)(User, data.get("uid"))
    if user is None or not hmac.compare_digest(str(data.get("fp", "")), _password_fingerprint(user)):
        raise InvalidToken(_l("This link has already been used. Ask for a new one below."))
    return user


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token, locked=True)
    user.password_hash = hash_password(new_password)
    # Following the link proves the mailbox is theirs.
    user.email_confirmed_at = user.email_confirmed_at or now_utc()
    end_sessions(user)  # whoever knew the old password is logged out everywhere
    queue_mail(user.email, "accounts/mail/password_changed", user.locale, user=user)
    return user


def change_password(actor: User, current_password: str, new_password: str) -> None:
    if not check_password_hash(actor.password_hash, current_password):
        raise NotAllowed(_l("Your current password is not correct."), field="current_password")
    actor.password_hash = hash_password(new_password)
    end_sessions(actor)  # every other device logs in again, with the new password (the route keeps this one)
    queue_mail(actor.email, "accounts/mail/password_changed", actor.locale, user=actor)


def update_profile(actor: User, *, name: str, phone_e164: str | None, locale: str, timezone: str) -> None:
    if locale not in current_app.config["LANGUAGES"]:
        raise DomainError(_l("Choose one of the offered languages."), field="locale")
    if timezone not in current_app.config["TIMEZONES"]:
        raise DomainError(_l("Choose one of the offered time zones."), field="timezone")
    actor.name = name.strip()
    actor.phone_e164 = phone_e164 or None
    actor.locale = locale
    actor.timezone = timezone


def set_language(actor: User | None, locale: str) -> None:
    if locale not in current_app.config["LANGUAGES"]:
        raise DomainError(_l("Choose one of the offered languages."), field="language")
    if actor is not None:
        actor.locale = locale


def invite(actor: User, *, email: str, name: str, role: Role, locale: str) -> Invitation:
    """Invite someone to a role: a new person sets a password; someone with an account accepts while logged in and
    holds the role besides the ones they have (a Darwin mentor who also reviews)."""
    require_staff(actor, _l("Only staff can invite people."))
    if role not in INVITABLE_ROLES:
        raise DomainError(_l("Choose one of the offered roles."), field="role")
    email = normalise_email(email)
    existing = find_user_by_email(email)
    if existing is not None and existing.has_role(role):
        raise Conflict(_l("Someone with this e-mail already has an account with this role."), field="email")
    for open_invitation in db.session.scalars(select(Invitation).where(Invitation.email == email)):
        if open_invitation.is_open:
            with audit.change(actor, INVITATION_REVOKED, open_invitation, "revoked_at"):
                open_invitation.revoked_at = now_utc()  # a new invitation replaces the old link
    invitation = Invitation(
        email=email, name=name.strip(), role=role, locale=locale, invited_by=actor,
        expires_at=now_utc() + timedelta(seconds=current_app.config["INVITATION_MAX_AGE"]),
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(actor, INVITED, invitation, after=audit.snapshot(invitation, "role", "locale", "expires_at"))
    token = make_token("invite", {"iid": invitation.id, "email": email})
    queue_mail(email, "accounts/mail/invitation", locale, invitation=invitation, inviter=actor,
               link=external_url("accounts.accept_invitation", token=token))
    return invitation


def invitation_for_token(token: str) -> Invitation:
    data = read_token("invite", token, current_app.config["INVITATION_MAX_AGE"])
    invitation = db.session.get(Invitation, data.get("iid"))
    if invitation is None or invitation.email != data.get("email"):
        raise InvalidToken(_l("This link is not valid. It may have been copied incompletely."))
    if not invitation.is_open:
        raise InvalidToken(
            _l("This invitation has already been used or withdrawn. Ask the programme team for a new one.")
        )
    return invitation


def _open_invitation_locked(token: str) -> Invitation:
    invitation = relock(invitation_for_token(token))  # ten clicks at once: one acceptance, nine "already used"
    if not invitation.is_open:
        raise InvalidToken(
            _l("This invitation has already been used or withdrawn. Ask the programme team for a new one.")
        )
    return invitation


def accept_invitation(token: str, *, name: str, password: str, locale: str, timezone: str) -> User:
    """A new person accepts: the account is made with the invited role."""
    invitation = _open_invitation_locked(token)
    if find_user_by_email(invitation.email) is not None:
        raise Conflict(_l("Someone with this e-mail already has an account. Log in to accept the invitation."))
    user = User(
        name=name.strip(), email=invitation.email, password_hash=hash_password(password), roles={invitation.role},
        locale=locale, timezone=timezone, email_confirmed_at=now_utc(),
    )
    db.session.add(user)
    db.session.flush()
    invitation.accepted_at = now_utc()
    invitation.user_id = user.id
    return user


def accept_invitation_as(actor: User, token: str) -> Invitation:
    """The invited person, logged in to their account, accepts: the account also holds the invited role."""
    invitation = _open_invitation_locked(token)
    if actor.email != invitation.email:
        raise NotAllowed(_l("This invitation is for another e-mail address."))
    grant_role(actor, invitation.role)
    invitation.accepted_at = now_utc()
    invitation.user_id = actor.id
    return invitation


def grant_role(user: User, role: Role) -> None:
    """`user` holds `role` as well (nothing changes if they hold it already)."""
    relock(user)  # two grants at once add one row: the second re-reads the first's
    user.roles.add(role)
    db.session.flush()


def revoke_role(actor: User, user: User, role: Role) -> None:
    require_staff(actor, _l("Only staff can change roles."))
    if user.id == actor.id and role == Role.STAFF:
        raise InvalidState(_l("You cannot take away your own staff role."))
    relock(user)
    before = {"roles": sorted(user.roles)}
    user.roles.discard(role)
    db.session.flush()
    audit.record(actor, ROLE_REVOKED, user, before=before, after={"roles": sorted(user.roles)})


def revoke_invitation(actor: User, invitation: Invitation) -> None:
    require_staff(actor, _l("Only staff can withdraw invitations."))
    if invitation.accepted_at is not None:
        raise InvalidState(_l("This invitation has already been accepted."))
    with audit.change(actor, INVITATION_REVOKED, invitation, "revoked_at"):
        invitation.revoked_at = invitation.revoked_at or now_utc()


def create_staff(*, email: str, name: str, password: str) -> User:
    """The first staff account, made from the command line."""
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise Conflict(_l("Someone with this e-mail already has an account."), field="email")
    if len(password) < current_app.config["PASSWORD_MIN_LENGTH"]:
        raise DomainError(_l("Use at least 10 characters."), field="password")
    user = User(email=email, name=name.strip(), password_hash=hash_password(password), roles={Role.STAFF},
                locale="id", email_confirmed_at=now_utc())
    db.session.add(user)
    db.session.flush()
    return user


def count_users_by_role() -> dict[Role, int]:
    """Accounts holding each role (someone who mentors and reviews counts in both)."""
    rows = db.session.execute(select(UserRole.role, func.count()).group_by(UserRole.role))
    return {role: count for role, count in rows}
