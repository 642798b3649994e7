"""Roles, and route decorators that read like sentences.

Every endpoint needs a logged-in user unless it is marked `@public`: `require_login_by_default` runs before each
request, so a route someone forgets to protect is closed, not open.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.core.vocab import Vocabulary, declare_labels

F = TypeVar("F", bound=Callable[..., Any])


class Role(Vocabulary):
    APPLICANT = "applicant"
    STAFF = "staff"
    MENTOR = "mentor"
    REVIEWER = "reviewer"
    # Staff who may see NIK and phone numbers in exports and reveal a NIK on a page (each reveal is logged).
    DATA_OFFICER = "data_officer"


declare_labels(Role, {
    Role.APPLICANT: _l("applicant"),
    Role.STAFF: _l("staff"),
    Role.MENTOR: _l("mentor"),
    Role.REVIEWER: _l("reviewer"),
    Role.DATA_OFFICER: _l("personal data officer"),
})


def public(view: F) -> F:
    """Anyone may open this endpoint, logged in or not."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def anonymous_only(view: F) -> F:
    """Login, registration and the like: public, but a logged-in user is sent home."""
    from flask import redirect, url_for

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user.is_authenticated:
            return redirect(url_for("accounts.home"))
        return view(*args, **kwargs)

    wrapped.is_public = True  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


def role_required(*roles: Role) -> Callable[[F], F]:
    """Only users holding any of `roles` may open this endpoint (others get 403)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                from app.extensions import login_manager

                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


staff_required = role_required(Role.STAFF)


def require_staff(actor: Any, message: str) -> None:
    """Services' own check (routes check too): only staff may do this; `message` says what."""
    from app.core.errors import NotAllowed

    holds = getattr(actor, "has_role", None)  # None and anonymous visitors hold no role
    if holds is None or not holds(Role.STAFF):
        raise NotAllowed(message)


def sees_personal_data(actor: Any) -> bool:
    """Staff allowed to see NIK and phone numbers where others see them masked (UU 27/2022: only who needs them)."""
    holds = getattr(actor, "has_role", None)
    return holds is not None and holds(Role.STAFF) and holds(Role.DATA_OFFICER)


def is_public_endpoint(app: Flask, endpoint: str | None) -> bool:
    if endpoint is None or endpoint == "static":
        return True
    view = app.view_functions.get(endpoint)
    return bool(getattr(view, "is_public", False))


def require_login_by_default(app: Flask) -> None:
    from app.extensions import login_manager

    @app.before_request
    def _closed_unless_public() -> Any:
        if request.endpoint is None:  # 404 / 405: let the error handlers answer
            return None
        if is_public_endpoint(app, request.endpoint):
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_active:
            abort(403)
        return None
