"""The staff overview of an edition's stalls as a file: every stall the page's zone and state filters keep, with who
holds or booked it (stalls `overview`: the page's own query and filters). An edition has hundreds of stalls, not
thousands: the overview is read whole, as the page reads it, into plain lines before the audit entry is committed
(a commit expires loaded rows; reading them again would cost a query per stall)."""

from datetime import datetime
from operator import attrgetter
from typing import Any, NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core.permissions import sees_personal_data
from app.exports.services import check_may_export
from app.exports.tabular import Column, Export
from app.extensions import db
from app.festival.models import Application
from app.stalls.services.map import StallState
from app.stalls.services.overview import overview


class Line(NamedTuple):
    zone: str
    code: str
    width_m: float
    depth_m: float
    price: int
    power_watts: int
    power_surcharge: int
    corner: bool
    state: StallState
    reference: str | None = None
    name: str | None = None
    business: str | None = None
    held_until: datetime | None = None
    confirmed_at: datetime | None = None
    fee_waived: bool | None = None
    nik: str | None = None
    phone: str | None = None


COLUMNS = [
    Column(_l("Zone"), attrgetter("zone")),
    Column(_l("Stall"), attrgetter("code")),
    Column(_l("Width (m)"), attrgetter("width_m")),
    Column(_l("Depth (m)"), attrgetter("depth_m")),
    Column(_l("Price (IDR)"), attrgetter("price")),
    Column(_l("Power (W)"), attrgetter("power_watts")),
    Column(_l("Power surcharge (IDR)"), attrgetter("power_surcharge")),
    Column(_l("Corner"), attrgetter("corner")),
    Column(_l("State"), attrgetter("state")),
    Column(_l("Reference"), attrgetter("reference")),
    Column(_l("Name"), attrgetter("name")),
    Column(_l("Business"), attrgetter("business")),
    Column(_l("Held until"), attrgetter("held_until"), zoned=True),
    Column(_l("Confirmed"), attrgetter("confirmed_at"), zoned=True),
    Column(_l("Fee waived"), attrgetter("fee_waived")),
    Column(_l("NIK"), attrgetter("nik"), personal=True),
    Column(_l("Phone"), attrgetter("phone"), personal=True),
]


def export(actor: Any, edition_id: int, moment: datetime, locale: str, *, zone_id: int | None,
           state: StallState | None) -> Export:
    check_may_export(actor)
    seen = overview(edition_id, moment, zone_id=zone_id, state=state)
    holders = seen.holders
    contacts: dict[int, tuple[str | None, str | None]] = {}
    if sees_personal_data(actor) and holders:
        contacts = {row.id: (row.nik, row.phone_e164) for row in db.session.execute(
            select(Application.id, Application.nik, Application.phone_e164)
            .where(Application.id.in_({holder.application_id for holder in holders.values()})))}
    lines = []
    for stall in seen.shown_stalls:
        line = Line(stall.zone.name(locale), stall.code, stall.width_cm / 100, stall.depth_cm / 100, stall.price,
                    stall.power_watts, stall.power_surcharge, stall.corner, seen.states[stall.id])
        holder = holders.get(stall.id)
        if holder is not None:
            nik, phone = contacts.get(holder.application_id, (None, None))
            line = line._replace(reference=holder.reference, name=holder.name, business=holder.business,
                                 held_until=holder.expires_at, confirmed_at=holder.confirmed_at,
                                 fee_waived=holder.fee_waived, nik=nik, phone=phone)
        lines.append(line)
    return Export("stalls", COLUMNS, len(lines), lines,
                  filters={"edition_id": edition_id, "zone_id": zone_id, "state": state.value if state else None})
