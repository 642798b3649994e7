"""Staff pages on a phone, with tables in them (invitations, outbox, editions, applications): axe-core finds no
serious problem (a table that scrolls sideways is a focusable, named region) and nothing scrolls the page sideways."""

import re

import pytest

from tests.browser.festival_fixtures import PHONE
from tests.factories import ApplicationFactory, CallFactory, UserFactory

pytestmark = pytest.mark.browser


def test_staff_pages_with_tables_on_a_phone(browsers):
    from playwright.sync_api import expect

    CallFactory()
    ApplicationFactory(submitted=True)
    UserFactory(staff=True, name="Komang Ayu", email="komang@example.com", locale="en")
    staff = browsers.open("staff", viewport=PHONE)
    page = staff.page
    staff.log_in("komang@example.com", lands_on="/home")
    staff.check("staff home")

    page.goto("/staff/invitations")
    page.get_by_label(re.compile(r"^E-mail")).fill("mentor@darwin.example")
    page.get_by_label(re.compile(r"^Name")).fill("Sarah Mentor")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".flashes")).to_contain_text("Invitation sent to mentor@darwin.example.")
    staff.check("invitations with one sent")

    for path, name in [("/staff/outbox", "outbox with the invitation"), ("/staff/", "staff desk"),
                       ("/staff/editions", "editions"), ("/staff/applications", "applications")]:
        page.goto(path)
        staff.check(name)
        region = page.locator(".table-wrap").first
        region.focus()  # the keyboard reaches the scroll box
        expect(region).to_be_focused()
    browsers.assert_clean()
