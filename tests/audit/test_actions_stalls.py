"""Stall and payment staff actions leave one audit entry each: the ground (zones, stalls, blocking, copy, import,
booking rules), and bookings (assigned, moved, fee waived, marked paid, cancelled with a refund)."""

from datetime import UTC, datetime

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.festival.models import Edition
from app.payments.models import Payment
from app.stalls.models import Booking, Stall, Zone
from tests.audit.action_checks import entries, entry_count, posted, the_entry
from tests.factories import EditionFactory
from tests.stalls.desk_world import accepted, book, ground, paid_by_transfer
from tests.stalls.factories import StallFactory, ZoneFactory
from tests.stalls.layout_support import upload

SIX_DAYS_BEFORE = datetime(2027, 8, 8, 4, 0, tzinfo=UTC)  # the factories' festival starts on 14 August 2027
HEADER = "zone,code,width_m,depth_m,price,power_watts,power_surcharge,corner,x,y,w,h\n"


def stall_values(zone, **changes) -> dict:
    return {"zone_id": zone.id, "code": "a-01", "width_cm": "2,5", "depth_cm": "3", "price": "500.000",
            "power_watts": "900", "power_surcharge": "150000", "corner": "y", "grid_x": "0", "grid_y": "0",
            "grid_w": "2", "grid_h": "2", **changes}


# The ground ------------------------------------------------------------------------------------------------------

def test_zones_are_created_and_changed(client, staff):
    edition = EditionFactory()
    posted(client, f"/staff/editions/{edition.id}/zones/new",
           {"code": "culinary", "name_ind": "Kuliner", "name_en": "Food", "colour": "#aa3300", "position": "1"})
    zone = db.session.scalar(select(Zone))
    the_entry("stalls.zone.created", staff, zone, label="culinary", after={"code": "culinary", "colour": "#aa3300"})
    posted(client, f"/staff/zones/{zone.id}/edit",
           {"code": "culinary", "name_ind": "Kuliner", "name_en": "Food", "colour": "#112233", "position": "1"})
    the_entry("stalls.zone.updated", staff, zone, before={"colour": "#aa3300"}, after={"colour": "#112233"})


def test_stalls_are_created_changed_blocked_and_unblocked(client, staff):
    zone = ZoneFactory()
    posted(client, f"/staff/editions/{zone.edition_id}/stalls/new", stall_values(zone))
    stall = db.session.scalar(select(Stall))
    the_entry("stalls.stall.created", staff, stall, label="A-01", after={"code": "A-01", "price": 500_000})
    posted(client, f"/staff/stalls/{stall.id}/edit", stall_values(zone, price="450.000"))
    entry = the_entry("stalls.stall.updated", staff, stall, before={"price": 500_000}, after={"price": 450_000})
    assert set(entry.after) == {"price"}
    edit = f"/staff/stalls/{stall.id}/edit"
    posted(client, f"/staff/stalls/{stall.id}/block", {"note": "stage"}, page=edit)
    the_entry("stalls.stall.blocked", staff, stall, before={"blocked": False, "blocked_note": ""},
              after={"blocked": True, "blocked_note": "stage"})
    posted(client, f"/staff/stalls/{stall.id}/unblock", {}, page=edit)
    the_entry("stalls.stall.unblocked", staff, stall, before={"blocked": True}, after={"blocked": False})


def test_copying_a_layout_is_one_entry_on_the_edition(client, staff):
    old_zone = ZoneFactory(code="crafts")
    StallFactory(zone=old_zone, code="C-01")
    StallFactory(zone=old_zone, code="C-02")
    target = EditionFactory()
    posted(client, f"/staff/editions/{target.id}/stalls/copy", {"source": str(old_zone.edition_id)})
    the_entry("stalls.layout.copied", staff, target, after={"source_edition_id": old_zone.edition_id, "stalls": 2})
    assert entry_count() == 1


def test_importing_stalls_is_one_entry_naming_the_stalls(client, staff):
    food = ZoneFactory(code="food")
    StallFactory(zone=food, code="Z-09", price=9, grid_x=30, grid_y=30, grid_w=2, grid_h=2)
    url = f"/staff/editions/{food.edition_id}/stalls/import"
    response = upload(client, url, HEADER + "food,A-01,3,3,500000,900,150000,yes,0,0,2,2\n"
                                            "food,Z-09,3,3,10,0,0,no,30,30,2,2\n")
    assert response.status_code == 302
    edition = db.session.get(Edition, food.edition_id)
    the_entry("stalls.layout.imported", staff, edition, after={"created": ["A-01"], "updated": ["Z-09"]})


def test_saving_the_booking_rules(client, staff):
    edition = EditionFactory()
    values = {"booking_opens_at": "2027-07-01T08:00", "booking_closes_at": "2027-07-10T20:00", "hold_minutes": "20",
              "hold_cap_minutes": "10", "full_refund_days": "21", "partial_refund_days": "7",
              "partial_refund_percent": "40"}
    posted(client, f"/staff/editions/{edition.id}/stalls/settings", values)
    the_entry("stalls.settings.saved", staff, edition, before={"hold_minutes": None},
              after={"hold_minutes": 20, "booking_opens_at": "2027-07-01T00:00:00+00:00"})


# Bookings --------------------------------------------------------------------------------------------------------

def test_giving_a_stall_to_an_application(client, staff):
    edition, (stall,) = ground(1)
    application = accepted(edition)
    posted(client, f"/staff/stalls/applications/{application.id}/assign", {"stall_id": str(stall.id)})
    booking = db.session.scalar(select(Booking))
    the_entry("stalls.booking.assigned", staff, booking, label=f"{stall.code} #{booking.id}",
              after={"application_id": application.id, "stall_id": stall.id, "status": "held"})


def test_moving_a_booking(client, staff):
    edition, (a, b) = ground(2)
    booking = book(a)
    page = f"/staff/stalls/bookings/{booking.id}"
    posted(client, f"{page}/move", {"stall_id": str(b.id)}, page=page)
    entry = the_entry("stalls.booking.moved", staff, booking, before={"stall_id": a.id}, after={"stall_id": b.id})
    assert set(entry.after) == {"stall_id"}  # status, fee and deadline stay
    assert entry_count() == 1


def test_waiving_the_fee(client, staff):
    edition, (stall,) = ground(1)
    booking = book(stall)
    page = f"/staff/stalls/bookings/{booking.id}"
    posted(client, f"{page}/waive", {}, page=page)
    the_entry("stalls.booking.fee_waived", staff, booking, before={"status": "held", "fee_waived": False},
              after={"status": "confirmed", "fee_waived": True})


def test_marking_paid_records_the_booking_and_the_payment(client, staff):
    edition, (stall,) = ground(1)
    booking = book(stall)
    page = f"/staff/stalls/bookings/{booking.id}"
    posted(client, f"{page}/mark-paid", {"reference": "BCA-778812"}, page=page)
    payment = db.session.scalar(select(Payment))
    the_entry("stalls.booking.marked_paid", staff, booking, before={"status": "held", "payment_id": None},
              after={"status": "confirmed", "payment_id": payment.id})
    entry = the_entry("payments.payment.transfer_recorded", staff, payment,
                      after={"status": "succeeded", "amount": booking.fee, "transfer_reference": "BCA-778812"})
    assert entry.before is None
    assert entry_count() == 2  # two objects changed: the booking and the new payment


def test_a_staff_cancellation_records_the_cancellation_and_the_refund(client, staff, frozen_clock):
    frozen_clock(SIX_DAYS_BEFORE)
    edition, (stall,) = ground(1)
    booking = book(stall, confirmed=True)
    payment = paid_by_transfer(booking)
    page = f"/staff/stalls/bookings/{booking.id}"
    posted(client, f"{page}/cancel", {"percent": "30"}, page=page)
    the_entry("stalls.booking.cancelled", staff, booking, before={"status": "confirmed"},
              after={"status": "released", "refund_percent": 30, "refunded": 150_000})
    the_entry("payments.payment.refunded", staff, payment,
              before={"status": "succeeded", "amount_refunded": 0},
              after={"status": "partially_refunded", "amount_refunded": 150_000, "refund_amount": 150_000,
                     "refund_reason": "cancelled_by_staff", "refund_status": "succeeded"})
    assert entry_count() == 2


def test_the_applicants_own_cancellation_is_not_a_staff_action(client, login, frozen_clock):
    frozen_clock(SIX_DAYS_BEFORE)
    edition, (stall,) = ground(1)
    booking = book(stall, confirmed=True)
    paid_by_transfer(booking)
    login(db.session.get(User, booking.holder_id))
    posted(client, f"/stalls/bookings/{booking.id}/cancel", {})
    assert entries() == []
