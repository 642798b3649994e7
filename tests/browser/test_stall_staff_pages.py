"""The staff's stall and payment pages on a phone: the ground's overview (map and table), the layout, the booking
rules, a booking's desk page with its forms, the import page and the payments ledger pass axe-core and do not scroll
sideways; the map's stalls and the tables' scroll boxes are reached by the keyboard."""

import pytest

from tests.browser.festival_fixtures import PHONE
from tests.factories import UserFactory
from tests.stalls.book_world import ground
from tests.stalls.factories import BookingFactory

pytestmark = pytest.mark.browser


def test_stall_staff_pages_on_a_phone(browsers):
    from playwright.sync_api import expect

    edition, stalls = ground(12)
    held = BookingFactory(stall=stalls[0])
    BookingFactory(stall=stalls[1], confirmed=True)
    UserFactory(staff=True, name="Komang Ayu", email="komang@example.com", locale="en")
    staff = browsers.open("staff", viewport=PHONE)
    page = staff.page
    staff.log_in("komang@example.com", lands_on="/home")

    for path, name in [
        ("/staff/stalls", "stalls: editions"),
        (f"/staff/editions/{edition.id}/stalls", "stalls: overview"),
        (f"/staff/editions/{edition.id}/stalls/layout", "stalls: layout"),
        (f"/staff/editions/{edition.id}/stalls/settings", "stalls: booking rules"),
        (f"/staff/editions/{edition.id}/stalls/import", "stalls: CSV import"),
        (f"/staff/editions/{edition.id}/stalls/unbooked", "stalls: accepted without a stall"),
        (f"/staff/stalls/bookings/{held.id}", "stalls: a held booking's desk page"),
        ("/payments/", "payments ledger"),
    ]:
        page.goto(path)
        staff.check(name)

    page.goto(f"/staff/editions/{edition.id}/stalls")
    first_stall = page.locator("svg a").first
    first_stall.focus()  # every stall on the map is a link the keyboard reaches
    expect(first_stall).to_be_focused()
    browsers.assert_clean()
