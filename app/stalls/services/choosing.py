"""What the applicant sees while choosing: the edition's ground (zones, stalls, each stall's state at this moment,
the SVG map) and the page policy of the card form.

A stall's state is read by time: a hold whose `expires_at` has passed shows the stall free, whether or not
`flask stalls expire-holds` ran (the claim itself flips it, under its locks, in `holds.hold`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import url_for
from markupsafe import Markup

from app.festival.models import Application
from app.stalls.models import Stall, StallSettings
from app.stalls.services import holds
from app.stalls.services import map as ground_map
from app.stalls.services.map import StallState


@dataclass
class Ground:
    """An edition's stalls as one applicant sees them at `moment`, and the SVG map of them."""

    edition_id: int
    moment: datetime
    rules: StallSettings
    stalls: list[Stall]
    states: dict[int, StallState]
    own_stall_id: int | None
    href_for: Callable[[Stall], str]
    svg: Markup = field(default_factory=Markup)

    @property
    def window_open(self) -> bool:
        return self.rules.window_is_open(self.moment)

    @property
    def free_count(self) -> int:
        return sum(1 for state in self.states.values() if state == StallState.FREE)

    def state_of(self, stall_id: int) -> StallState | None:
        return self.states.get(stall_id)


def ground_of(application: Application, moment: datetime, *, with_map: bool = True) -> Ground:
    """The ground of the application's edition at `moment` (one query), the applicant's own live booking marked
    "yours", each stall on the map linking to its page in this application's booking."""
    edition_id = application.call.edition_id
    own = holds.live_booking_of(application.id, moment)
    own_stall_id = own.stall_id if own else None
    stalls, states = ground_map.ground(edition_id, moment)
    href_for = _stall_link(application.id)
    svg = ground_map.render_map(stalls, states, href_for, current=own_stall_id) if with_map and stalls else Markup()
    return Ground(edition_id=edition_id, moment=moment, rules=holds.settings_of(edition_id), stalls=stalls,
                  states=states, own_stall_id=own_stall_id, href_for=href_for, svg=svg)


def _stall_link(application_id: int) -> Callable[[Stall], str]:
    """Each stall's page URL, built once and completed per stall (300 stalls on a map)."""
    marker = 918273645
    prefix, _, suffix = url_for("stalls.stall", application_id=application_id, stall_id=marker).partition(
        str(marker))
    return lambda stall: f"{prefix}{int(stall.id)}{suffix}"


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def stripe_page_policy(config: Any) -> str:
    """The card page's Content-Security-Policy: the site's own, plus Stripe.js and the Stripe API (or localstripe,
    wherever STRIPE_JS_URL and STRIPE_API_BASE point)."""
    stripe_js = _origin(config.get("STRIPE_JS_URL") or "") or "https://js.stripe.com"
    api = _origin(config.get("STRIPE_API_BASE") or "") or "https://api.stripe.com"
    frames = " ".join(sorted({stripe_js, "https://js.stripe.com", "https://hooks.stripe.com"}))
    connect = " ".join(sorted({api, stripe_js}))
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' {stripe_js}",
        "style-src 'self'",
        "img-src 'self' data: https://*.stripe.com",
        "font-src 'self'",
        f"connect-src 'self' {connect}",
        f"frame-src {frames}",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])
