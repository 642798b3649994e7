"""The dashboard pages, on the staff blueprint: /staff/dashboards (the latest edition) and
/staff/dashboards/<edition_id>; the edition picker is a plain GET form (works without JavaScript)."""

from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.core.clock import now_utc
from app.core.i18n import current_locale
from app.core.navigation import register_nav_item
from app.core.permissions import Role, staff_required
from app.core.routing import load, url_for_each
from app.festival.models import Edition
from app.staff.dashboards import page, queries
from app.staff.routes import bp

register_nav_item([Role.STAFF], "staff.dashboards", _l("Dashboards"), order=35)


def _render(edition: Edition | None, editions: list):
    now = now_utc()
    board = page.build(current_user, edition, now, current_locale()) if edition is not None else None
    return render_template("staff/dashboards/index.html", board=board, editions=editions, edition=edition, now=now,
                           url_for_each=url_for_each)


@bp.get("/dashboards")
@staff_required
def dashboards():
    chosen = request.args.get("edition", type=int)
    if chosen:  # the picker's answer: the edition's own address, which can be bookmarked and shared
        return redirect(url_for("staff.dashboards_edition", edition_id=chosen))
    editions = queries.editions()
    edition = load(Edition, editions[0][0]) if editions else None
    return _render(edition, editions)


@bp.get("/dashboards/<int:edition_id>")
@staff_required
def dashboards_edition(edition_id: int):
    edition = load(Edition, edition_id)
    return _render(edition, queries.editions())
