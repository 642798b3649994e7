"""The staff desk's issue-13 pages on a phone and at a desk: dashboards, the audit log, People, a person's roles,
an export link; and the person's own "My data" and the privacy notice. axe-core finds no serious problem, nothing
scrolls the page sideways, and the keyboard reaches the scroll boxes of the tables."""

import re

import pytest

from tests.browser.festival_fixtures import DESK, PHONE
from tests.factories import ApplicationFactory, CallFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_desk_pages(browsers, viewport):
    from playwright.sync_api import expect

    call = CallFactory()
    for _ in range(3):
        ApplicationFactory(call=call, submitted=True)
    UserFactory(staff=True, name="Komang Ayu", email="komang@example.com", locale="en")
    colleague = UserFactory(staff=True, name="Wayan Colleague", locale="en")
    staff = browsers.open("staff", viewport=viewport)
    page = staff.page
    staff.log_in("komang@example.com", lands_on="/home")

    page.goto(f"/staff/dashboards/{call.edition_id}")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    staff.check("dashboards")

    page.goto(f"/staff/people/{colleague.id}")
    page.get_by_role("checkbox", name=re.compile("Personal data officer")).check()
    page.get_by_role("button", name="Save roles").click()
    expect(page.locator(".flashes")).to_contain_text("Roles saved.")
    staff.check("a person's roles")
    page.goto("/staff/people")
    staff.check("people")

    page.goto("/staff/audit/")
    expect(page.locator("table.audit-log")).to_contain_text("Roles changed")
    staff.check("audit log")
    region = page.locator(".table-wrap").first
    region.focus()
    expect(region).to_be_focused()

    page.goto("/staff/applications")
    expect(page.get_by_role("link", name=re.compile("CSV"))).to_be_visible()

    page.goto("/my-data")
    staff.check("my data (staff: closed by the programme team)")
    page.goto("/privacy")
    staff.check("privacy notice")
    browsers.assert_clean()
