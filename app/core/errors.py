"""Domain errors raised by services, and the translated error pages routes fall back to."""

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A business rule said no. `field` names the form field the message belongs to, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)  # kept lazy: translated when shown, in the viewer's language
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    pass


class Conflict(DomainError):
    pass


class InvalidState(DomainError):
    pass


class InvalidToken(DomainError):
    pass


class AlreadyDone(InvalidState):
    """A repeated request (a double-click, a second tab) asked for a change that has already been made: nothing
    changes, and the route tells the person so instead of failing."""


def show_on_form(form: FlaskForm, error: DomainError) -> None:
    """Attach a domain error to the named field, or to the form as a whole."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


ERROR_TEXT = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to open this page.")),
    404: (_l("Page not found"), _l("We could not find this page. It may have moved, or the link is wrong.")),
    405: (_l("Not allowed"), _l("This page cannot be used this way.")),
    413: (_l("File too large"), _l("What you sent is larger than we accept. Please send a smaller file.")),
    503: (_l("Busy"), _l("The portal is busy. Please try again in a moment.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Please wait a few minutes and try again.")),
    500: (_l("Something went wrong"), _l("An error occurred on our side. It has been logged; please try again later.")),
}


def render_error(code: int, message: str | None = None):
    title, text = ERROR_TEXT.get(code, ERROR_TEXT[500])
    return render_template("core/error.html", code=code, title=title, text=message or text), code


def register_error_handlers(app: Flask) -> None:
    from app.extensions import db

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code not in ERROR_TEXT:
            return error
        body, code = render_error(error.code)
        # Keep what the exception says in its headers (Retry-After of a 429, Allow of a 405).
        headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
        return body, code, headers

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        text = _l("Your form expired or was sent from another page. Please reload the page and try again.")
        return render_error(400, str(text))

    @app.errorhandler(500)
    def server_error(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error on %s", request.path)
        return render_error(500)
