"""The staff overview of an edition's ground: every stall with its state and, for held and booked stalls, who holds
it (name, business, application reference, deadline or confirmation time, waived fee), filtered by zone and state.

One query for the stalls, their zones, their live bookings and the holders' applications; the map and the table of
the page are drawn from it (app/stalls/services/map.py).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from app.extensions import db
from app.festival.models import Application
from app.stalls.models import Booking, Stall, Zone
from app.stalls.services.map import StallState, live_booking_join, state_of


@dataclass(frozen=True)
class Holder:
    booking_id: int
    application_id: int
    name: str
    business: str
    reference: str
    expires_at: datetime | None  # a hold's deadline
    confirmed_at: datetime | None
    fee_waived: bool


@dataclass
class Overview:
    stalls: list[Stall]
    states: dict[int, StallState]
    holders: dict[int, Holder]  # stall id → who holds or booked it (live bookings only)
    shown: set[int]  # the stalls the filters keep
    counts: Counter  # stalls per state, before filtering

    @property
    def shown_stalls(self) -> list[Stall]:
        return [stall for stall in self.stalls if stall.id in self.shown]


def overview(edition_id: int, moment: datetime, *, zone_id: int | None = None,
             state: StallState | None = None) -> Overview:
    rows = db.session.execute(
        select(Stall, Booking.id, Booking.status, Booking.expires_at, Booking.confirmed_at, Booking.fee_waived,
               Application.id, Application.full_name, Application.business_name, Application.reference)
        .join(Stall.zone).options(contains_eager(Stall.zone))
        .outerjoin(Booking, live_booking_join())
        .outerjoin(Application, Application.id == Booking.application_id)
        .where(Stall.edition_id == edition_id).order_by(Zone.position, Stall.code))
    stalls, states, holders = [], {}, {}
    for (stall, booking_id, status, expires_at, confirmed_at, waived, application_id, name, business,
         reference) in rows:
        stalls.append(stall)
        states[stall.id] = current = state_of(stall.blocked, status, expires_at, moment)
        if booking_id is not None and current in (StallState.HELD, StallState.BOOKED):
            holders[stall.id] = Holder(booking_id, application_id, name or "", business or "", reference or "",
                                       expires_at if current == StallState.HELD else None, confirmed_at, waived)
    shown = {stall.id for stall in stalls
             if (zone_id is None or stall.zone_id == zone_id) and (state is None or states[stall.id] == state)}
    return Overview(stalls, states, holders, shown, Counter(states.values()))
