"""The two steps every route repeats, written once.

`load` finds what the URL names and checks the actor may act on it (404, then 403). `attempt` and `act` run the one
service call of a request: on a DomainError they roll back and show the message (on the form, or flashed for a
button without fields); otherwise they commit once and, for `attempt`, redirect (Post/Redirect/Get).

    form = CallForm()
    if form.validate_on_submit():
        done = attempt(form, lambda: service.create_call(current_user, edition, **values),
                       success=_("The call has been created."), then=lambda call: url_for("…", call_id=call.id))
        if done:
            return done
    return render_template("…", form=form)
"""

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, flash, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.core.db import get_or_404
from app.core.errors import AlreadyDone, DomainError, show_on_form
from app.core.locking import lock_or_404
from app.extensions import db

M = TypeVar("M")
R = TypeVar("R")
Message = str | Callable[[Any], str] | None


def load(model: type[M], ident: Any, may: Callable[[Any, M], bool] | None = None, *, locked: bool = False,
         denied: int = 403) -> M:
    """The row `ident` of `model` (404 if missing; locked for this transaction with `locked=True`), if the signed-in
    user may act on it (`may(user, row)`; else `denied`: 403, or 404 where even the row's existence is private)."""
    row = lock_or_404(model, ident) if locked else get_or_404(model, ident)
    if may is not None and not may(current_user, row):
        abort(denied)
    return row


def _message(success: Message, result: Any) -> str | None:
    return success(result) if callable(success) else success


def attempt(form: FlaskForm, action: Callable[[], R], *, then: str | Callable[[R], str],
            success: Message = None, after: Callable[[R], Any] | None = None) -> Response | None:
    """Run the service call `action`. On a DomainError: roll back, put the message(s) on the form and return None, so
    the route shows the form again. Otherwise: commit, run `after` (session bookkeeping such as logging in), flash
    `success` and redirect to `then` (a URL, or a function of what the service returned)."""
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        for problem in getattr(error, "problems", None) or [error]:
            show_on_form(form, problem)
        return None
    db.session.commit()
    if after is not None:
        after(result)
    message = _message(success, result)
    if message:
        flash(message, "success")
    return redirect(then(result) if callable(then) else then)


def act(action: Callable[[], R], success: Message = None) -> bool:
    """Run the service call of a button without fields: on a DomainError roll back and flash it (a repeated click
    as information, anything else as an error); otherwise commit and flash `success`. True when it went through."""
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "info" if isinstance(error, AlreadyDone) else "error")
        return False
    db.session.commit()
    message = _message(success, result)
    if message:
        flash(message, "success")
    return True


_MARKER = 918273645  # an id no route builds otherwise


def url_for_each(endpoint: str, name: str) -> Callable[[int], str]:
    """`url_for(endpoint, **{name: id})` for the many ids of one page: the URL is built once with a marker id and the
    marker swapped per row (Werkzeug builds each URL from scratch, a millisecond on a 50-row list)."""
    prefix, _, suffix = url_for(endpoint, **{name: _MARKER}).partition(str(_MARKER))
    return lambda value: f"{prefix}{int(value)}{suffix}"
