""""E-mail me a sign-in link": a one-time link, valid 15 minutes, stored as a hash and revoked on use."""

import hashlib
import secrets
import time
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import SignInLink, User
from app.accounts.services import find_user_by_email
from app.core.clock import now_utc
from app.core.errors import InvalidToken
from app.core.locking import lock
from app.core.mail import external_url, queue_mail
from app.core.security import safe_next_url
from app.extensions import db

LIFETIME = timedelta(minutes=15)
USED_OR_EXPIRED = _l("This sign-in link has already been used or has expired. Ask for a new one below.")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_link(email: str, next_url: str | None = None) -> None:
    """Mail a sign-in link if the address has an active account; the caller answers the same either way.

    The token is made and hashed on both paths, so the two answers take the same work up to the mail itself."""
    token = secrets.token_urlsafe(32)
    digest = _digest(token)
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    now = now_utc()
    db.session.add(SignInLink(user_id=user.id, token_sha256=digest, created_at=now, expires_at=now + LIFETIME))
    extra = {"next": next_url} if safe_next_url(next_url) else {}
    queue_mail(user.email, "accounts/mail/sign_in_link", user.locale, user=user,
               link=external_url("accounts.sign_in_with_link", token=token, **extra))


def use_link(token: str) -> User:
    """The user the link signs in; the link is spent. Its row is locked and re-read, so that a second opening, even
    at the same moment, finds it used. Opening it also proves the mailbox is theirs: the address is confirmed."""
    link_id = db.session.scalar(select(SignInLink.id).where(SignInLink.token_sha256 == _digest(token)))
    link = lock(SignInLink, link_id) if link_id is not None else None
    if link is None or not link.is_open or not link.user.active:
        raise InvalidToken(USED_OR_EXPIRED)
    pause = current_app.config.get("TEST_SLEEP_AFTER_CHECK_S")
    if pause:  # tests widen the gap between the check and the write, to show what the lock prevents
        time.sleep(float(pause))
    now = now_utc()
    link.used_at = now
    user = link.user
    user.email_confirmed_at = user.email_confirmed_at or now
    user.last_login_at = now
    return user
