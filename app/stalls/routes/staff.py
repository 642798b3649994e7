"""Stalls pages (staff): the editions' grounds, the overview of one ground (map, table, who holds what, filters),
its layout page and the booking rules. Zones, stalls, blocking, CSV and copying are in `layout_pages`.

Every page is staff-only; forms go through `attempt` (one service call, one commit, Post/Redirect/Get).
"""

from babel.numbers import format_decimal
from flask import current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.core.clock import now_utc
from app.core.i18n import current_locale
from app.core.permissions import staff_required
from app.core.routing import attempt, load, url_for_each
from app.festival.models import Edition
from app.festival.services.editions import list_editions
from app.stalls.forms.layout import OverviewFilterForm, SettingsForm
from app.stalls.routes import bp
from app.stalls.services import layout
from app.stalls.services.holds import settings_of
from app.stalls.services.map import StallState, ground, render_map
from app.stalls.services.overview import overview


@bp.app_template_filter("metres")
def metres(cm: int) -> str:
    """Centimetres shown as metres in the page's language (3, 2,5)."""
    return format_decimal(cm / 100, format="#,##0.##", locale=get_locale())


@bp.app_template_filter("watts")
def watts(value: int) -> str:
    return f"{format_decimal(value, locale=get_locale())} W"


@bp.get("/staff/stalls")
@staff_required
def staff_editions():
    return render_template("stalls/staff/editions.html", editions=list_editions(), counts=layout.stall_counts())


@bp.get("/staff/editions/<int:edition_id>/stalls")
@staff_required
def staff_overview(edition_id: int):
    """The ground as staff see it: the map and the table, who holds each stall, filtered by zone and state."""
    edition = load(Edition, edition_id)
    zones = layout.zones_of(edition.id)
    form = OverviewFilterForm(formdata=request.args)
    form.set_zones(zones, current_locale())
    form.validate()
    zone_id, state = form.filters()
    moment = now_utc()
    seen = overview(edition.id, moment, zone_id=zone_id, state=state)
    edit_link = url_for_each("stalls.edit_stall", "stall_id")
    href_for = lambda stall: edit_link(stall.id)  # noqa: E731
    filtered = zone_id is not None or state is not None
    return render_template(
        "stalls/staff/overview.html", edition=edition, form=form, seen=seen, href_for=href_for, moment=moment,
        svg=render_map(seen.stalls, seen.states, href_for, shown=seen.shown if filtered else None,
                       label=_("Map of the stalls of %(edition)s", edition=edition.name)),
        application_link=url_for_each("festival.desk_application", "application_id"),
        booking_link=url_for_each("stalls.desk_booking", "booking_id")
        if "stalls.desk_booking" in current_app.view_functions else None,
        states=list(StallState), filtered=filtered)


@bp.get("/staff/editions/<int:edition_id>/stalls/layout")
@staff_required
def staff_layout(edition_id: int):
    """Zones and stalls of the edition, with the ways to change them (forms, CSV, copy) and the booking rules."""
    edition = load(Edition, edition_id)
    stalls, states = ground(edition.id, now_utc())
    edit_link = url_for_each("stalls.edit_stall", "stall_id")
    return render_template("stalls/staff/layout.html", edition=edition, zones=layout.zones_of(edition.id),
                           stalls=stalls, states=states, href_for=lambda stall: edit_link(stall.id),
                           can_copy=not stalls and bool(layout.earlier_editions(edition)))


@bp.route("/staff/editions/<int:edition_id>/stalls/settings", methods=["GET", "POST"])
@staff_required
def staff_settings(edition_id: int):
    """The booking window (Denpasar time, stored in UTC), the hold and the cancellation policy."""
    edition = load(Edition, edition_id)
    rules = settings_of(edition.id)  # the defaults, unsaved, until staff save their own
    form = SettingsForm(obj=rules)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in layout.SETTINGS_FIELDS}
        done = attempt(form, lambda: layout.save_settings(current_user, edition, **values),
                       success=_("The booking rules have been saved."),
                       then=url_for("stalls.staff_layout", edition_id=edition.id))
        if done:
            return done
    return render_template("stalls/staff/settings.html", edition=edition, form=form, saved=rules.id is not None)


from app.stalls.routes import layout_pages  # noqa: E402, F401  (zones, stalls, blocking, CSV, copy)
