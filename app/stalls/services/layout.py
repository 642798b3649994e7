"""Staff lay out the festival ground of an edition: zones, stalls, blocking, copying a layout, the booking rules.

Every function takes the acting user (staff only), changes rows and flushes; the route commits. A rule that says no
raises a DomainError naming the form field it belongs to. The CSV import and export live in `layout_csv`.

What a live booking protects: a stall held or booked keeps its fee-making fields (price, power and surcharge) and
cannot be blocked; both are decided on the stall row locked (`relock`), the row a hold locks before it inserts.
"""

import re
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.audit import services as audit
from app.core.clock import now_utc
from app.core.errors import AlreadyDone, Conflict, DomainError
from app.core.locking import lock, relock
from app.core.permissions import require_staff
from app.extensions import db
from app.festival.models import Edition
from app.stalls.models import Booking, BookingStatus, Stall, StallSettings, Zone

ZONE_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,11}")
STALL_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,11}")
MAX_RUPIAH = 99_999_999_999  # price and surcharge each: their sum stays within the 12 digits Stripe accepts
MAX_WATTS = 100_000
MAX_CM = 5_000
MAX_GRID = 500
MAX_SPAN = 20

ZONE_FIELDS = ("code", "name_ind", "name_en", "colour", "position")
STALL_FIELDS = ("zone_id", "code", "width_cm", "depth_cm", "price", "power_watts", "power_surcharge", "corner",
                "grid_x", "grid_y", "grid_w", "grid_h")
FEE_FIELDS = ("price", "power_watts", "power_surcharge")

NOT_STAFF = _l("Only staff can change the festival ground.")
ZONE_CREATED = audit.register_action("stalls.zone.created", _l("Zone created"))
ZONE_UPDATED = audit.register_action("stalls.zone.updated", _l("Zone changed"))
STALL_CREATED = audit.register_action("stalls.stall.created", _l("Stall created"))
STALL_UPDATED = audit.register_action("stalls.stall.updated", _l("Stall changed"))
STALL_BLOCKED = audit.register_action("stalls.stall.blocked", _l("Stall blocked"))
STALL_UNBLOCKED = audit.register_action("stalls.stall.unblocked", _l("Stall unblocked"))
LAYOUT_COPIED = audit.register_action("stalls.layout.copied", _l("Stall layout copied"))
SETTINGS_SAVED = audit.register_action("stalls.settings.saved", _l("Booking rules saved"))


def live_price_message(code: str) -> str:
    return _l("Stall %(code)s is held or booked: its price, power and surcharge cannot change until that booking "
              "ends.", code=code)


# Reading ---------------------------------------------------------------------------------------------------------

def zones_of(edition_id: int) -> list[Zone]:
    return list(db.session.scalars(select(Zone).where(Zone.edition_id == edition_id)
                                   .order_by(Zone.position, Zone.code)))


def stall_count(edition_id: int) -> int:
    return db.session.scalar(select(func.count(Stall.id)).where(Stall.edition_id == edition_id)) or 0


def stall_counts() -> dict[int, int]:
    """{edition id: number of stalls} for every edition with stalls."""
    return dict(db.session.execute(select(Stall.edition_id, func.count(Stall.id)).group_by(Stall.edition_id)).all())


def live_booked_ids(stall_ids: list[int], moment: datetime) -> set[int]:
    """Which of these stalls have a live booking at `moment` (a held one only while unexpired), in one query."""
    if not stall_ids:
        return set()
    rows = db.session.scalars(select(Booking.stall_id).where(
        Booking.stall_id.in_(stall_ids),
        (Booking.status == BookingStatus.CONFIRMED)
        | ((Booking.status == BookingStatus.HELD) & (Booking.expires_at > moment))))
    return set(rows)


# Checks shared with the CSV import ------------------------------------------------------------------------------

def overlapping(edition_id: int, box: tuple[int, int, int, int], except_id: int | None = None) -> Stall | None:
    """A stall of the edition whose grid cells meet `box` (x, y, w, h), other than `except_id`."""
    x, y, w, h = box
    query = select(Stall).where(Stall.edition_id == edition_id, Stall.grid_x < x + w, Stall.grid_x + Stall.grid_w > x,
                                Stall.grid_y < y + h, Stall.grid_y + Stall.grid_h > y)
    if except_id is not None:
        query = query.where(Stall.id != except_id)
    return db.session.scalars(query.limit(1)).first()


def _zone_in(edition_id: int, zone_id: int | None) -> Zone:
    zone = db.session.get(Zone, zone_id) if zone_id else None
    if zone is None or zone.edition_id != edition_id:
        raise DomainError(_l("Choose a zone of this edition."), field="zone_id")
    return zone


def _check_stall(edition_id: int, values: dict, stall: Stall | None) -> None:
    _zone_in(edition_id, values["zone_id"])
    code = values["code"]
    if not STALL_CODE.fullmatch(code):
        raise DomainError(_l("Use capital letters, digits and hyphens, such as A-01 (at most 12)."), field="code")
    same = db.session.scalar(select(Stall.id).where(Stall.edition_id == edition_id, Stall.code == code))
    if same is not None and (stall is None or same != stall.id):
        raise Conflict(_l("This edition already has a stall %(code)s.", code=code), field="code")
    box = (values["grid_x"], values["grid_y"], values["grid_w"], values["grid_h"])
    other = overlapping(edition_id, box, stall.id if stall else None)
    if other is not None:
        raise Conflict(_l("This place on the grid overlaps stall %(code)s.", code=other.code), field="grid_x")


# Zones -----------------------------------------------------------------------------------------------------------

def _check_zone(edition_id: int, values: dict, zone: Zone | None) -> None:
    if not ZONE_CODE.fullmatch(values["code"]):
        raise DomainError(_l("Use lower-case letters, digits, - and _, such as culinary (at most 12)."), field="code")
    same = db.session.scalar(select(Zone.id).where(Zone.edition_id == edition_id, Zone.code == values["code"]))
    if same is not None and (zone is None or same != zone.id):
        raise Conflict(_l("This edition already has a zone %(code)s.", code=values["code"]), field="code")


def create_zone(actor, edition: Edition, **values) -> Zone:
    require_staff(actor, NOT_STAFF)
    _check_zone(edition.id, values, None)
    zone = Zone(edition_id=edition.id, **{name: values[name] for name in ZONE_FIELDS})
    db.session.add(zone)
    db.session.flush()
    audit.record(actor, ZONE_CREATED, zone)
    return zone


def update_zone(actor, zone: Zone, **values) -> Zone:
    require_staff(actor, NOT_STAFF)
    _check_zone(zone.edition_id, values, zone)
    with audit.change(actor, ZONE_UPDATED, zone, *ZONE_FIELDS):
        for name in ZONE_FIELDS:
            setattr(zone, name, values[name])
    db.session.flush()
    return zone


# Stalls ----------------------------------------------------------------------------------------------------------

def create_stall(actor, edition: Edition, **values) -> Stall:
    require_staff(actor, NOT_STAFF)
    _check_stall(edition.id, values, None)
    stall = Stall(edition_id=edition.id, **{name: values[name] for name in STALL_FIELDS})
    db.session.add(stall)
    db.session.flush()
    audit.record(actor, STALL_CREATED, stall)
    return stall


def update_stall(actor, stall: Stall, **values) -> Stall:
    """Change a stall; its fee-making fields only while no booking is live (decided on the locked row)."""
    require_staff(actor, NOT_STAFF)
    stall = relock(stall)
    _check_stall(stall.edition_id, values, stall)
    fee_changes = any(getattr(stall, name) != values[name] for name in FEE_FIELDS)
    if fee_changes and live_booked_ids([stall.id], now_utc()):
        raise Conflict(live_price_message(stall.code), field="price")
    with audit.change(actor, STALL_UPDATED, stall, *STALL_FIELDS):
        for name in STALL_FIELDS:
            setattr(stall, name, values[name])
    db.session.flush()
    return stall


def block_stall(actor, stall: Stall, note: str) -> Stall:
    """Keep a stall out of sale (a tree, a stage, a sponsor): refused while someone holds or booked it."""
    require_staff(actor, NOT_STAFF)
    stall = relock(stall)
    if stall.blocked:
        raise AlreadyDone(_l("Stall %(code)s is already blocked.", code=stall.code))
    if live_booked_ids([stall.id], now_utc()):
        raise Conflict(_l("Stall %(code)s is held or booked: move or cancel that booking before blocking it.",
                          code=stall.code), field="note")
    with audit.change(actor, STALL_BLOCKED, stall, "blocked", "blocked_note"):
        stall.blocked, stall.blocked_note = True, note
    db.session.flush()
    return stall


def unblock_stall(actor, stall: Stall) -> Stall:
    require_staff(actor, NOT_STAFF)
    stall = relock(stall)
    if not stall.blocked:
        raise AlreadyDone(_l("Stall %(code)s is already open for booking.", code=stall.code))
    with audit.change(actor, STALL_UNBLOCKED, stall, "blocked", "blocked_note"):
        stall.blocked, stall.blocked_note = False, ""
    db.session.flush()
    return stall


# Copying a layout ------------------------------------------------------------------------------------------------

def earlier_editions(edition: Edition) -> list[Edition]:
    """Editions with stalls that could be copied into `edition` (the most recent first)."""
    with_stalls = select(Stall.edition_id).distinct()
    return list(db.session.scalars(select(Edition).where(Edition.id != edition.id, Edition.id.in_(with_stalls))
                                   .order_by(Edition.starts_on.desc(), Edition.id.desc())))


def copy_layout(actor, source_id: int, target: Edition) -> int:
    """Copy the zones and stalls (never bookings) of edition `source_id` into `target`, which has no stalls yet.
    Zones already in `target` with the same code are reused. Returns the number of stalls copied."""
    require_staff(actor, NOT_STAFF)
    target = lock(Edition, target.id)  # two copies at once: the second waits, then finds the stalls
    if source_id == target.id:
        raise DomainError(_l("Choose another edition to copy from."), field="source")
    if stall_count(target.id):
        raise Conflict(_l("This edition already has stalls: the layout can only be copied into an empty ground."),
                       field="source")
    stalls = list(db.session.scalars(select(Stall).where(Stall.edition_id == source_id).order_by(Stall.code)))
    if not stalls:
        raise DomainError(_l("That edition has no stalls to copy."), field="source")
    zones = {zone.code: zone for zone in zones_of(target.id)}
    for source_zone in zones_of(source_id):
        if source_zone.code not in zones:
            zone = Zone(edition_id=target.id, code=source_zone.code, name_ind=source_zone.name_ind,
                        name_en=source_zone.name_en, colour=source_zone.colour, position=source_zone.position)
            db.session.add(zone)
            zones[zone.code] = zone
    db.session.flush()
    by_id = {zone.id: zone for zone in zones_of(source_id)}
    for stall in stalls:
        copy = Stall(edition_id=target.id, zone_id=zones[by_id[stall.zone_id].code].id, blocked=stall.blocked,
                     blocked_note=stall.blocked_note, **{name: getattr(stall, name) for name in STALL_FIELDS
                                                         if name != "zone_id"})
        db.session.add(copy)
    db.session.flush()
    # One entry for the whole copy, on the edition: the stalls are new rows with no earlier state to keep.
    audit.record(actor, LAYOUT_COPIED, target, after={"source_edition_id": source_id, "stalls": len(stalls)})
    return len(stalls)


# Booking rules ---------------------------------------------------------------------------------------------------

SETTINGS_FIELDS = ("booking_opens_at", "booking_closes_at", "hold_minutes", "hold_cap_minutes", "full_refund_days",
                   "partial_refund_days", "partial_refund_percent")


def save_settings(actor, edition: Edition, **values) -> StallSettings:
    """Save the edition's booking rules (the row is created on the first save). Times are stored in UTC."""
    require_staff(actor, NOT_STAFF)
    values = {**values, **{name: values[name].astimezone(UTC) if values[name] else None
                           for name in ("booking_opens_at", "booking_closes_at")}}
    opens, closes = values["booking_opens_at"], values["booking_closes_at"]
    if opens is not None and closes is not None and closes <= opens:
        raise DomainError(_l("The booking window must close after it opens."), field="booking_closes_at")
    if values["partial_refund_days"] > values["full_refund_days"]:
        raise DomainError(_l("The partial refund must end on or after the full refund ends (fewer days before "
                             "the festival)."), field="partial_refund_days")
    lock(Edition, edition.id)  # two first saves at once: one creates the row, the other updates it
    rules = db.session.scalar(select(StallSettings).where(StallSettings.edition_id == edition.id))
    before = audit.snapshot(rules, *SETTINGS_FIELDS) if rules is not None else dict.fromkeys(SETTINGS_FIELDS)
    if rules is None:
        rules = StallSettings(edition_id=edition.id)
        db.session.add(rules)
    for name in SETTINGS_FIELDS:
        setattr(rules, name, values[name])
    db.session.flush()
    audit.record(actor, SETTINGS_SAVED, edition, before=before, after=audit.snapshot(rules, *SETTINGS_FIELDS))
    return rules
