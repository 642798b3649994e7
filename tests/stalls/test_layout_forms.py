"""Staff lay out the ground by form: zones, stalls (metres, whole rupiah), blocking, copying a layout, the rules."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.stalls.models import Stall, StallSettings, Zone
from tests.core.test_html import assert_valid
from tests.factories import EditionFactory
from tests.helpers import field_error, submit, text
from tests.stalls.factories import BookingFactory, StallFactory, ZoneFactory
from tests.stalls.layout_support import staff  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("staff")


def stall_values(zone, **changes) -> dict:
    values = {"zone_id": zone.id, "code": "a-01", "width_cm": "2,5", "depth_cm": "3", "price": "500.000",
              "power_watts": "900", "power_surcharge": "150000", "corner": "y", "grid_x": "0", "grid_y": "0",
              "grid_w": "2", "grid_h": "2"}
    values.update(changes)
    return {name: value for name, value in values.items() if value is not None}


def test_a_zone_is_created_and_its_code_is_unique_in_the_edition(client):
    edition = EditionFactory()
    url = f"/staff/editions/{edition.id}/zones/new"
    assert_valid(text(client.get(url)), url)
    response = submit(client, url, {"code": "Culinary", "name_ind": "Kuliner", "name_en": "Food",
                                    "colour": "#aa3300", "position": "1"})
    assert response.status_code == 302
    zone = db.session.scalar(select(Zone))
    assert (zone.code, zone.name_ind, zone.name_en, zone.colour, zone.edition_id) == (
        "culinary", "Kuliner", "Food", "#aa3300", edition.id)
    again = submit(client, url, {"code": "culinary", "name_ind": "Lagi", "colour": "#aa3300", "position": "2"})
    html = text(again)
    assert again.status_code == 200 and "already has a zone culinary" in field_error(html, "code")
    assert_valid(html, url)
    edit = f"/staff/zones/{zone.id}/edit"
    assert submit(client, edit, {"code": "culinary", "name_ind": "Kuliner Bali", "name_en": "", "colour": "#112233",
                                 "position": "0"}).status_code == 302
    db.session.refresh(zone)
    assert zone.name_ind == "Kuliner Bali" and zone.name_en == ""


def test_a_stall_is_created_in_centimetres_and_whole_rupiah(client):
    zone = ZoneFactory()
    url = f"/staff/editions/{zone.edition_id}/stalls/new"
    assert_valid(text(client.get(url)), url)
    response = submit(client, url, stall_values(zone))
    assert response.status_code == 302, field_error(text(response), "price")
    stall = db.session.scalar(select(Stall))
    assert (stall.code, stall.width_cm, stall.depth_cm, stall.price, stall.power_surcharge, stall.power_watts,
            stall.corner, stall.fee) == ("A-01", 250, 300, 500_000, 150_000, 900, True, 650_000)
    page = text(client.get(f"/staff/stalls/{stall.id}/edit"))
    assert 'value="2.5"' in page and 'value="500.000"' in page
    assert_valid(page, "edit stall")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("price", "500.000,50", "without decimals"),
    ("price", "500000.5", "without decimals"),
    ("price", "lima ratus", "amount in rupiah"),
    ("price", "", "required"),
    ("width_cm", "2.555", "at most two decimals"),
    ("width_cm", "0", "between 0.1 and 50"),
    ("grid_w", "0", "from 1 to 20"),
])
def test_a_bad_value_is_shown_on_its_field_and_nothing_is_stored(client, field, value, message):
    zone = ZoneFactory()
    url = f"/staff/editions/{zone.edition_id}/stalls/new"
    response = submit(client, url, stall_values(zone, **{field: value}))
    html = text(response)
    assert response.status_code == 200 and message in (field_error(html, field) or ""), field_error(html, field)
    assert db.session.scalar(select(func.count(Stall.id))) == 0
    assert_valid(html, url)


def test_a_duplicate_code_or_an_overlap_is_refused_on_its_field(client):
    zone = ZoneFactory()
    StallFactory(zone=zone, code="A-01", grid_x=0, grid_y=0, grid_w=2, grid_h=2)
    url = f"/staff/editions/{zone.edition_id}/stalls/new"
    html = text(submit(client, url, stall_values(zone, grid_x="4")))
    assert "already has a stall A-01" in field_error(html, "code")
    html = text(submit(client, url, stall_values(zone, code="A-02", grid_x="1", grid_y="1")))
    assert "overlaps stall A-01" in field_error(html, "grid_x")
    other = ZoneFactory()  # another edition's zone
    html = text(submit(client, url, stall_values(zone, code="A-03", grid_x="4", zone_id=str(other.id))))
    assert field_error(html, "zone_id")
    assert submit(client, url, stall_values(zone, code="A-04", grid_x="2")).status_code == 302
    assert db.session.scalar(select(func.count(Stall.id))) == 2


def test_a_held_stall_keeps_its_price_but_other_fields_change(client):
    stall = StallFactory(code="B-01", price=400_000)
    BookingFactory(stall=stall)
    url = f"/staff/stalls/{stall.id}/edit"
    html = text(submit(client, url, stall_values(stall.zone, code="B-01", price="450000", grid_x=str(stall.grid_x),
                                                 grid_y=str(stall.grid_y), power_watts="0", power_surcharge="0")))
    assert "held or booked" in field_error(html, "price")
    response = submit(client, url, stall_values(stall.zone, code="B-01", price="400.000", corner=None,
                                                grid_x=str(stall.grid_x), grid_y=str(stall.grid_y),
                                                power_watts="0", power_surcharge="0", width_cm="4"))
    assert response.status_code == 302
    db.session.refresh(stall)
    assert (stall.price, stall.width_cm) == (400_000, 400)


def test_blocking_is_refused_while_a_booking_is_live_and_an_expired_hold_does_not_count(client):
    held, expired, free = StallFactory(), StallFactory(), StallFactory()
    BookingFactory(stall=held)
    BookingFactory(stall=expired, expired_hold=True)
    response = submit(client, f"/staff/stalls/{held.id}/block", {"note": "tree"}, page=f"/staff/stalls/{held.id}/edit")
    html = text(response)
    assert response.status_code == 200 and "held or booked" in field_error(html, "note")
    assert_valid(html, "block refused")
    for stall in (expired, free):
        response = submit(client, f"/staff/stalls/{stall.id}/block", {"note": "stage"},
                          page=f"/staff/stalls/{stall.id}/edit")
        assert response.status_code == 302
    db.session.expire_all()
    assert [s.blocked for s in (held, expired, free)] == [False, True, True]
    assert free.blocked_note == "stage"
    page = text(client.get(f"/staff/stalls/{free.id}/edit"))
    assert "Open it for booking again" in page
    assert_valid(page, "blocked stall")
    unblock = submit(client, f"/staff/stalls/{free.id}/unblock", {}, page=f"/staff/stalls/{free.id}/edit")
    assert unblock.status_code == 302
    db.session.refresh(free)
    assert (free.blocked, free.blocked_note) == (False, "")


def test_the_layout_of_an_earlier_edition_is_copied_without_bookings(client):
    old_zone = ZoneFactory(code="crafts", colour="#123456")
    a = StallFactory(zone=old_zone, code="C-01", price=300_000, corner=True)
    StallFactory(zone=old_zone, code="C-02", blocked=True, blocked_note="tree")
    BookingFactory(stall=a, confirmed=True)
    target = EditionFactory()
    url = f"/staff/editions/{target.id}/stalls/copy"
    assert_valid(text(client.get(url)), url)
    assert submit(client, url, {"source": str(old_zone.edition_id)}).status_code == 302
    copied = list(db.session.scalars(select(Stall).where(Stall.edition_id == target.id).order_by(Stall.code)))
    assert [(s.code, s.price, s.corner, s.blocked, s.zone.code, s.zone.colour) for s in copied] == [
        ("C-01", 300_000, True, False, "crafts", "#123456"), ("C-02", 500_000, False, True, "crafts", "#123456")]
    again = submit(client, url, {"source": str(old_zone.edition_id)})
    assert "already has stalls" in text(again)
    assert db.session.scalar(select(func.count(Stall.id)).where(Stall.edition_id == target.id)) == 2


def test_the_booking_rules_are_saved_in_utc_from_denpasar_time(client):
    edition = EditionFactory()
    url = f"/staff/editions/{edition.id}/stalls/settings"
    html = text(client.get(url))
    assert_valid(html, url)
    assert db.session.scalar(select(StallSettings)) is None
    values = {"booking_opens_at": "2027-07-01T08:00", "booking_closes_at": "2027-07-10T20:00", "hold_minutes": "20",
              "hold_cap_minutes": "10", "full_refund_days": "21", "partial_refund_days": "7",
              "partial_refund_percent": "40"}
    assert submit(client, url, values).status_code == 302
    rules = db.session.scalar(select(StallSettings))
    assert rules.booking_opens_at == datetime(2027, 7, 1, 0, 0, tzinfo=UTC)
    assert rules.booking_closes_at == datetime(2027, 7, 10, 12, 0, tzinfo=UTC)
    assert (rules.hold_minutes, rules.hold_cap_minutes, rules.full_refund_days, rules.partial_refund_percent) == (
        20, 10, 21, 40)
    assert 'value="2027-07-01T08:00"' in text(client.get(url))  # shown back in Denpasar time
    bad = text(submit(client, url, {**values, "booking_closes_at": "2027-06-30T08:00", "partial_refund_days": "30"}))
    assert field_error(bad, "booking_closes_at")
    assert db.session.scalar(select(func.count(StallSettings.id))) == 1
    db.session.refresh(rules)
    assert rules.booking_closes_at == datetime(2027, 7, 10, 12, 0, tzinfo=UTC)


def test_layout_pages_are_valid_and_the_nav_leads_there(client):
    stall = StallFactory()
    BookingFactory(stall=stall, confirmed=True)
    edition_id = stall.edition_id
    home = text(client.get("/home"))
    assert 'href="/staff/stalls"' in home
    for url in ("/staff/stalls", f"/staff/editions/{edition_id}/stalls/layout",
                f"/staff/editions/{edition_id}/stalls/import", f"/staff/stalls/{stall.id}/edit",
                f"/staff/zones/{stall.zone_id}/edit"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_valid(text(response), url)
