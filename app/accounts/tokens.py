"""Signed, expiring links for e-mail confirmation, password reset and invitations."""

import hashlib
import hmac
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from app.core.clock import now_utc
from app.core.errors import InvalidToken


class _ClockSigner(TimestampSigner):
    """Reads the time from `core.clock`, so that expiry follows a frozen clock in tests."""

    def get_timestamp(self) -> int:
        return int(now_utc().timestamp())


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"dyouth.{purpose}", signer=_ClockSigner)


def make_token(purpose: str, payload: dict[str, Any]) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int) -> dict[str, Any]:
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise InvalidToken(_l("This link has expired. Ask for a new one below.")) from error
    except BadSignature as error:
        raise InvalidToken(_l("This link is not valid. It may have been copied incompletely.")) from error
    if not isinstance(data, dict):
        raise InvalidToken(_l("This link is not valid. It may have been copied incompletely."))
    return data


def fingerprint(purpose: str, *parts: object) -> str:
    """A keyed digest of `parts` for a token's payload (which anyone can read: it is only signed): it changes when they
    change and tells nothing about them without the secret key."""
    message = "\x1f".join(str(part) for part in (f"dyouth.{purpose}", *parts)).encode()
    return hmac.new(current_app.config["SECRET_KEY"].encode(), message, hashlib.sha256).hexdigest()[:32]
