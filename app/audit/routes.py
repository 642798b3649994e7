"""The audit log's one page: search by person, action, object and date. Read-only: there is no route that
changes or deletes an entry (a test walks the URL map to keep it so)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, inspect, select

from app.accounts.models import User
from app.accounts.services import find_user_by_email
from app.audit import services as audit
from app.audit.forms import AuditSearchForm
from app.audit.models import AuditEntry
from app.core.forms import choices
from app.core.navigation import register_nav_item
from app.core.permissions import Role, staff_required
from app.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/staff/audit", template_folder="templates")

register_nav_item([Role.STAFF], "audit.search", _l("Audit log"), order=58)


def history_url(row: object) -> str:
    """The log filtered to one row (each object's staff page links here)."""
    return url_for("audit.search", target_type=row.__tablename__, target_id=inspect(row).identity[0])


@bp.record_once
def _add_template_global(state) -> None:
    state.app.jinja_env.globals["history_url"] = history_url


def _local_midnight(day, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def _criteria(form: AuditSearchForm) -> tuple[audit.Search, bool]:
    """The search the valid fields ask for; False when the person named has no account (nothing can match)."""
    zone = ZoneInfo(str(get_timezone()))
    actor_id = None
    if form.person.data and not form.person.errors:
        actor = find_user_by_email(form.person.data)
        if actor is None:
            return audit.Search(), False
        actor_id = actor.id
    valid = {name: field.data for name, field in form._fields.items() if not field.errors}
    since, until = valid.get("since"), valid.get("until")
    return audit.Search(
        actor_id=actor_id,
        action=valid.get("action") or None,
        target_type=valid.get("target_type") or None,
        target_id=valid.get("target_id"),
        since=_local_midnight(since, zone) if since else None,
        until=_local_midnight(until + timedelta(days=1), zone) if until else None,
    ), True


def _set_choices(form: AuditSearchForm) -> None:
    form.action.choices = choices([("", _l("Any action"))] + sorted(
        ((name, str(label)) for name, label in audit.ACTIONS.items()), key=lambda pair: pair[1].lower()))
    kinds = db.session.scalars(select(distinct(AuditEntry.target_type)).order_by(AuditEntry.target_type))
    form.target_type.choices = choices([("", _l("Any kind"))] + [(kind, kind) for kind in kinds])


@bp.get("/")
@staff_required
def search():
    form = AuditSearchForm(formdata=request.args)
    _set_choices(form)
    form.validate()
    criteria, possible = _criteria(form)
    before_id = request.args.get("before", type=int)
    entries = audit.search(criteria, before_id=before_id) if possible else []
    more = len(entries) > audit.PAGE_SIZE
    entries = entries[:audit.PAGE_SIZE]
    next_args = {**request.args.to_dict(), "before": entries[-1].id} if more else None
    actors = {user.id: user for user in db.session.scalars(
        select(User).where(User.id.in_({e.actor_id for e in entries if e.actor_id})))}
    return render_template("audit/search.html", form=form, entries=entries, actors=actors,
                           next_url=url_for("audit.search", **next_args) if next_args else None,
                           action_label=audit.action_label, searched=bool(request.args))
