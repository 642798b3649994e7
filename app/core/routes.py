"""Plumbing pages: the health check and, in development, the mail outbox for staff."""

from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy import func, select, text

from app.core.converters import requested_page
from app.core.db import get_or_404
from app.core.forms import without_controls
from app.core.mail import OutboxMessage
from app.core.permissions import public, staff_required
from app.extensions import db, limiter

bp = Blueprint("core", __name__, template_folder="templates")

OUTBOX_PAGE_SIZE = 50


@bp.get("/healthz")
@limiter.exempt
@public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy"
        db.session.rollback()
        current_app.logger.exception("health check: database did not answer")
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200


def _outbox_enabled() -> None:
    if not current_app.config["MAIL_OUTBOX_VIEW"]:
        abort(404)


@bp.get("/staff/outbox")
@staff_required
def outbox():
    _outbox_enabled()
    page = requested_page()
    to = without_controls(request.args.get("to", "")).strip()  # a NUL would fail in PostgreSQL
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if to:
        query = query.where(func.lower(OutboxMessage.to_address).contains(to.lower()))
    pagination = db.paginate(query, page=page, per_page=OUTBOX_PAGE_SIZE, error_out=False)
    return render_template("core/outbox.html", pagination=pagination, to=to)


@bp.get("/staff/outbox/<int:message_id>")
@staff_required
def outbox_message(message_id: int):
    _outbox_enabled()
    message = get_or_404(OutboxMessage, message_id)
    return render_template("core/outbox_message.html", message=message)
