"""The festival ground of an edition drawn as SVG on the server, and the state of each stall at a moment.

The API (used by the staff overview and by the applicant's "choose your stall" page):

    from app.stalls.services import map as ground_map

    stalls, states = ground_map.ground(edition_id, moment)     # ONE query: stalls (zone loaded, by code) + states
    states = ground_map.stall_states(edition_id, moment)       # ONE query: {stall_id: StallState} only
    svg = ground_map.render_map(stalls, states, href_for,       # Markup: a focusable scroll region with the SVG
                                current=None, shown=None, id_prefix="map")   # and its legend

- `StallState` is a Vocabulary: FREE, HELD, BOOKED, BLOCKED (`state.label` is translated). A stall blocked by staff
  is BLOCKED whatever its bookings; a HELD booking whose `expires_at` has passed counts as FREE (expiry at read: the
  row may still say `held` until a claim or `flask stalls expire-holds` flips it).
- `href_for(stall) -> str` gives each stall's link (`routing.url_for_each` builds them fast); `current` is a stall id
  drawn as "yours" (thick outline, aria-current); `shown` (a set of ids, or None for all) keeps the others drawn
  faded without a link (the staff filters); `id_prefix` keeps the pattern ids unique if a page draws two maps.
- Each stall is an `<a href>` named "code state, zone, fee" (its visible text first), so it is reachable by Tab and
  tappable; state is shown by colour AND pattern AND a text mark under the code. The SVG keeps at least 24 px per
  grid cell (a 2×2 stall is 48 px): wider grounds scroll sideways inside a focusable, named region at 360 px.
- The accessible table of the same stalls is the `stall_table` macro of `stalls/_map.html`:
      {% import "stalls/_map.html" as ground with context %}
      {{ ground.stall_table(stalls, states, href_for, current=None, caption=_("…")) }}
  (import it `with context`: it formats money and texts in the page's language).

Rendering is string building (no template per stall, labels and fees formatted once per distinct value), so 300
stalls take a few milliseconds after the single query.
"""

import re
from collections.abc import Callable, Collection, Mapping
from datetime import datetime

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import and_, select
from sqlalchemy.orm import contains_eager

from app.core.i18n import money
from app.core.vocab import Vocabulary, declare_labels
from app.extensions import db
from app.stalls.models import LIVE, Booking, BookingStatus, Stall, Zone


class StallState(Vocabulary):
    FREE = "free"
    HELD = "held"
    BOOKED = "booked"
    BLOCKED = "blocked"


declare_labels(StallState, {
    StallState.FREE: _l("Free"),
    StallState.HELD: _l("Held"),
    StallState.BOOKED: _l("Booked"),
    StallState.BLOCKED: _l("Not for sale"),
})

CELL = 24  # viewBox units (CSS px at natural size) per grid cell: a 2×2 stall is a 48 px tap target
MARGIN = 6
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
DEFAULT_COLOUR = "#2f6f4e"


def state_of(blocked: bool, status: BookingStatus | str | None, expires_at: datetime | None,
             moment: datetime) -> StallState:
    """A stall's state from its blocked flag and its live booking row (status None: no such row)."""
    if blocked:
        return StallState.BLOCKED
    if status == BookingStatus.CONFIRMED:
        return StallState.BOOKED
    if status == BookingStatus.HELD and expires_at is not None and expires_at > moment:
        return StallState.HELD
    return StallState.FREE


def live_booking_join():
    # At most one row per stall: the partial unique index allows one held-or-confirmed booking per stall.
    return and_(Booking.stall_id == Stall.id, Booking.status.in_(LIVE))


def stall_states(edition_id: int, moment: datetime) -> dict[int, StallState]:
    """{stall id: state} for every stall of the edition at `moment`, in one query."""
    rows = db.session.execute(
        select(Stall.id, Stall.blocked, Booking.status, Booking.expires_at)
        .outerjoin(Booking, live_booking_join()).where(Stall.edition_id == edition_id))
    return {stall_id: state_of(blocked, status, expires_at, moment)
            for stall_id, blocked, status, expires_at in rows}


def ground(edition_id: int, moment: datetime) -> tuple[list[Stall], dict[int, StallState]]:
    """The edition's stalls (each with its zone loaded, ordered by code) and their states, in one query."""
    rows = db.session.execute(
        select(Stall, Booking.status, Booking.expires_at)
        .join(Stall.zone).options(contains_eager(Stall.zone))
        .outerjoin(Booking, live_booking_join())
        .where(Stall.edition_id == edition_id).order_by(Stall.code))
    stalls, states = [], {}
    for stall, status, expires_at in rows:
        stalls.append(stall)
        states[stall.id] = state_of(stall.blocked, status, expires_at, moment)
    return stalls, states


def zones_of(stalls: Collection[Stall]) -> list[Zone]:
    """The zones the stalls stand in, in their order on the legend."""
    found = {stall.zone.id: stall.zone for stall in stalls}
    return sorted(found.values(), key=lambda zone: (zone.position, zone.code))


def _colour(zone: Zone) -> str:
    return zone.colour if zone.colour and COLOUR.fullmatch(zone.colour) else DEFAULT_COLOUR


# What each state looks like: fill, pattern (or None), text colour, a short text mark under the code.
_LOOK = {
    StallState.FREE: ("#e8f5e9", None, "#123d1f"),
    StallState.HELD: ("#fff1c2", "held", "#3d2e00"),
    StallState.BOOKED: ("#1f3a5f", "booked", "#ffffff"),
    StallState.BLOCKED: ("#d9d9d9", "blocked", "#222222"),
}


def _defs(prefix: str) -> str:
    return (
        "<defs>"
        f'<pattern id="{prefix}-held" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="8" height="8" fill="#fff1c2"/>'
        '<rect width="3" height="8" fill="#f0c93a"/></pattern>'
        f'<pattern id="{prefix}-booked" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" fill="#1f3a5f"/><circle cx="3" cy="3" r="1" fill="#8fb3de"/></pattern>'
        f'<pattern id="{prefix}-blocked" width="10" height="10" patternUnits="userSpaceOnUse">'
        '<rect width="10" height="10" fill="#d9d9d9"/>'
        '<path d="M0 0L10 10M10 0L0 10" stroke="#7a7a7a" stroke-width="1.2"/></pattern>'
        "</defs>"
    )


def _fill(state: StallState, prefix: str) -> str:
    colour, pattern, _text = _LOOK[state]
    return f"url(#{prefix}-{pattern})" if pattern else colour


def _swatch(state: StallState, prefix: str) -> str:
    return (f'<svg class="stall-swatch" width="20" height="20" viewBox="0 0 20 20" aria-hidden="true" '
            f'focusable="false"><rect x="1" y="1" width="18" height="18" fill="{_fill(state, prefix)}" '
            'stroke="#333" stroke-width="1"/></svg>')


def render_map(stalls: Collection[Stall], states: Mapping[int, StallState], href_for: Callable[[Stall], str],
               current: int | None = None, shown: Collection[int] | None = None, id_prefix: str = "map",
               label: str | None = None) -> Markup:
    """The SVG map of `stalls` (from `ground`) coloured by `states`, in a focusable scroll region, with a legend of
    states and zones. See the module docstring for the arguments."""
    locale = str(get_locale())
    prefix = re.sub(r"[^A-Za-z0-9_-]", "", id_prefix) or "map"
    zones = zones_of(stalls)
    names = {zone.id: zone.name(locale) for zone in zones}
    labels = {state: str(state.label) for state in StallState}
    marks = {state: _state_mark(state) for state in StallState}
    fees: dict[int, str] = {}
    yours = _("your stall")
    width = max((s.grid_x + s.grid_w for s in stalls), default=1) * CELL + 2 * MARGIN
    height = max((s.grid_y + s.grid_h for s in stalls), default=1) * CELL + 2 * MARGIN
    parts = []
    for zone in zones:  # the zone's outline: the box around its stalls
        own = [s for s in stalls if s.zone_id == zone.id]
        x0, y0 = min(s.grid_x for s in own), min(s.grid_y for s in own)
        x1, y1 = max(s.grid_x + s.grid_w for s in own), max(s.grid_y + s.grid_h for s in own)
        parts.append(f'<rect class="zone-outline" x="{x0 * CELL + MARGIN - 4}" y="{y0 * CELL + MARGIN - 4}" '
                     f'width="{(x1 - x0) * CELL + 8}" height="{(y1 - y0) * CELL + 8}" fill="none" '
                     f'stroke="{_colour(zone)}" stroke-width="3" stroke-dasharray="8 4" rx="4"/>')
    for stall in stalls:
        state = states.get(stall.id, StallState.FREE)
        x, y = stall.grid_x * CELL + MARGIN, stall.grid_y * CELL + MARGIN
        w, h = stall.grid_w * CELL, stall.grid_h * CELL
        text_colour = _LOOK[state][2]
        if stall.fee not in fees:
            fees[stall.fee] = money(stall.fee)
        is_current = current is not None and stall.id == current
        # Starts with the text drawn on the stall (code and state word), as speech input users say what they see.
        name = f"{stall.code} {marks[state]}, {names[stall.zone_id]}, {fees[stall.fee]}"
        if is_current:
            name = f"{name}, {yours}"
        cx, cy = x + w / 2, y + h / 2
        star = '<tspan aria-hidden="true"> ★</tspan>'
        size = max(9, min(14, int(w / max(len(stall.code), 3) * 1.6)))
        body = (f'<rect x="{x + 1}" y="{y + 1}" width="{w - 2}" height="{h - 2}" rx="2" '
                f'fill="{_fill(state, prefix)}" stroke="{"#000" if is_current else "#555"}" '
                f'stroke-width="{4 if is_current else 1}"/>'
                # One text, two lines, a space between them: read as "A-01 free", as the accessible name begins.
                f'<text text-anchor="middle" fill="{text_colour}">'
                f'<tspan x="{cx:g}" y="{cy - 2:g}" font-size="{size}" font-weight="700" class="stall-code">'
                f'{escape(stall.code)}</tspan> <tspan x="{cx:g}" y="{cy + size - 1:g}" '
                f'font-size="{max(8, size - 3)}">{marks[state]}</tspan>{star if is_current else ""}'
                f'</text>')
        if shown is not None and stall.id not in shown:
            parts.append(f'<g class="stall stall-faded" opacity="0.3" aria-hidden="true">{body}</g>')
            continue
        title = escape(name)
        current_attr = ' aria-current="true"' if is_current else ""
        parts.append(f'<a class="stall stall-{state.value}" href="{escape(href_for(stall))}" aria-label="{title}"'
                     f"{current_attr}>{body}</a>")  # no <title>: its text would join the code and break the name
    region = escape(label or _("Map of the stalls"))
    svg = (f'<svg class="stall-map-svg" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}">{_defs(prefix)}{"".join(parts)}</svg>')
    return Markup(  # noqa: S704 (every text above is escaped; numbers and colours are checked)
        f'<div class="stall-map" role="region" tabindex="0" aria-label="{region}">{svg}</div>'
        f"{_legend(zones, names, labels, prefix)}")


def _state_mark(state: StallState) -> str:
    """The short word under each code: the state told in text as well as by colour and pattern."""
    return escape({StallState.FREE: _("free"), StallState.HELD: _("held"), StallState.BOOKED: _("booked"),
                   StallState.BLOCKED: _("closed")}[state])


def _legend(zones: list[Zone], names: Mapping[int, str], labels: Mapping[StallState, str], prefix: str) -> str:
    states = "".join(f"<li>{_swatch(state, prefix)} {escape(labels[state])}</li>" for state in StallState)
    zone_items = "".join(
        f'<li><svg class="stall-swatch" width="20" height="20" viewBox="0 0 20 20" aria-hidden="true" '
        f'focusable="false"><rect x="2" y="2" width="16" height="16" fill="none" stroke="{_colour(zone)}" '
        f'stroke-width="3" stroke-dasharray="4 2"/></svg> {escape(names[zone.id])}</li>' for zone in zones)
    title = escape(_("Legend"))
    return (f'<div class="stall-legend"><p class="stall-legend-title">{title}</p>'
            f'<ul class="stall-legend-states">{states}</ul>'
            f'<ul class="stall-legend-zones">{zone_items}</ul></div>')
