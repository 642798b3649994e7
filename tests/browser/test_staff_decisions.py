"""Staff draft decisions in bulk at a 1280 px desk, confirm the count, then release them on the call's send page
after reading the count and a preview of each letter; the applicants are mailed only at the release. Every page is
checked with axe-core and for sideways scrolling."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.core.mail import OutboxMessage
from app.extensions import db
from app.festival.models.application import ApplicationStatus as S
from tests.browser.festival_fixtures import DESK, log_in
from tests.factories import ApplicationFactory, CallFactory, EditionFactory, UserFactory

pytestmark = pytest.mark.browser

AFTER_THE_DEADLINE = datetime(2027, 6, 3, 1, 0, tzinfo=UTC)


def mails_to(addresses: list[str]) -> list[tuple[str, str]]:
    """(recipient, template) of the mails the server committed, holding no transaction open afterwards."""
    db.session.remove()
    try:
        return [(m.to_address, m.template) for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address.in_(addresses)).order_by(OutboxMessage.id))]
    finally:
        db.session.remove()


def test_staff_draft_in_bulk_preview_and_release(browsers, frozen_clock):
    from playwright.sync_api import expect

    frozen_clock(AFTER_THE_DEADLINE)
    call = CallFactory(edition=EditionFactory(code="DYF27"))
    people = [UserFactory(name=f"Pendaftar {i}", email=f"p{i}@example.com", locale="id") for i in range(3)]
    applications = [ApplicationFactory(call=call, applicant=person, submitted=True, business_name=f"Usaha {i}",
                                       reference=f"DYF27-0000{i + 1}") for i, person in enumerate(people)]
    UserFactory(staff=True, name="Komang Ayu", email="komang@example.com", locale="en")
    addresses = [p.email for p in people]
    call_id, ids = call.id, [a.id for a in applications]

    staff = browsers.open("staff", viewport=DESK)
    page = staff.page
    log_in(staff.page, "komang@example.com")
    page.goto(f"/staff/applications?call={call_id}&sort=oldest")
    staff.check("the list of the call")

    # Two rejected in bulk: the count is confirmed first, and nothing is mailed.
    for application_id in ids[:2]:
        page.locator(f"#select-{application_id}").check()
    page.get_by_role("combobox", name="Decision").select_option("rejected")
    page.get_by_role("button", name="Apply to the selected applications").click()
    expect(page.get_by_role("heading", name="Draft “Reject” for 2 applications?")).to_be_visible()
    staff.check("the bulk confirmation")
    page.get_by_role("button", name="Yes, draft them").click()
    expect(page.locator(".flashes")).to_contain_text("2 decisions drafted")
    # One accepted on its own page, with a message.
    page.goto(f"/staff/applications/{ids[2]}")
    page.get_by_role("combobox", name="Decision").select_option("accepted")
    page.get_by_label("Personal message").fill("Selamat bergabung!")
    page.get_by_role("button", name="Save the draft decision").click()
    expect(page.locator(".flashes")).to_contain_text("Decision drafted for DYF27-00003: Accepted.")
    staff.check("an application with a drafted decision")
    assert mails_to(addresses) == []

    # The send page: the count per decision, a preview of each letter in the applicant's language.
    page.get_by_role("link", name=re.compile("^Send the decisions of")).click()
    counts = page.locator("dl.release-counts")
    expect(counts).to_contain_text("Accepted")
    expect(counts.locator("dd")).to_have_text(["1", "0", "2"])
    previews = page.locator("article.mail-preview")
    expect(previews).to_have_count(2)
    expect(previews.nth(0)).to_contain_text("Selamat bergabung!")
    expect(previews.nth(0)).to_contain_text("Bahasa Indonesia")
    staff.check("the send page")
    assert mails_to(addresses) == []

    page.get_by_role("button", name="Send 3 decisions").click()
    expect(page.locator(".flashes")).to_contain_text("3 decisions sent.")
    sent = mails_to(addresses)
    assert sorted(sent) == [("p0@example.com", "festival/mail/rejected"), ("p1@example.com", "festival/mail/rejected"),
                            ("p2@example.com", "festival/mail/accepted")]
    # A second send finds nothing left: nobody is mailed twice.
    page.goto(f"/staff/calls/{call_id}/decisions")
    expect(page.locator("#main")).to_contain_text("There are no drafted decisions to send for this call.")
    staff.check("the send page after the release")
    assert len(mails_to(addresses)) == 3
    browsers.assert_clean()


def test_the_application_page_side_panel_next_link_and_shortcuts(browsers, frozen_clock):
    from playwright.sync_api import expect

    from tests.browser.festival_fixtures import PHONE

    frozen_clock(AFTER_THE_DEADLINE)
    call = CallFactory(edition=EditionFactory(code="DYF27"))
    _, second, _ = (ApplicationFactory(call=call, submitted=True, reference=f"DYF27-0001{i}",
                                               business_name=f"Usaha {i}", applicant=UserFactory())
                            for i in range(3))
    UserFactory(staff=True, name="Komang Ayu", email="komang@example.com", locale="en")
    call_id = call.id

    staff = browsers.open("staff", viewport=DESK)
    page = staff.page
    log_in(staff.page, "komang@example.com")
    page.goto(f"/staff/applications?call={call_id}&sort=oldest")
    page.get_by_role("link", name="DYF27-00010").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("DYF27-00010")
    staff.check("an application at 1280 px")
    # At 1280 px the decision sits beside the content, not below it.
    content, side = page.locator(".desk-content").bounding_box(), page.locator(".desk-side").bounding_box()
    assert side["x"] >= content["x"] + content["width"] and side["y"] < content["y"] + content["height"]

    page.get_by_role("link", name="Next application").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("DYF27-00011")
    page.wait_for_load_state("load")
    page.locator("h1").click()  # focus outside any field
    page.keyboard.press("j")
    expect(page.get_by_role("heading", level=1)).to_contain_text("DYF27-00012")
    page.wait_for_load_state("load")  # the shortcut script is deferred
    page.keyboard.press("k")
    expect(page.get_by_role("heading", level=1)).to_contain_text("DYF27-00011")
    page.wait_for_load_state("load")
    page.keyboard.press("d")
    expect(page.locator("#decision")).to_be_focused()
    page.get_by_label("Personal message").fill("jkd")  # typing in a field is never a shortcut
    expect(page.get_by_role("heading", level=1)).to_contain_text("DYF27-00011")
    expect(page.get_by_label("Personal message")).to_have_value("jkd")

    # On a phone the decision comes after the content.
    phone = browsers.open("staff on a phone", viewport=PHONE)
    log_in(phone.page, "komang@example.com")
    phone.page.goto(f"/staff/applications/{second.id}?call={call_id}&sort=oldest")
    content, side = phone.page.locator(".desk-content").bounding_box(), phone.page.locator(".desk-side").bounding_box()
    assert side["y"] >= content["y"] + content["height"]
    phone.check("an application at 360 px")
    browsers.assert_clean()


def test_the_list_at_1280_px_folds_the_filters_shows_every_column_and_selects_the_page(browsers, frozen_clock):
    from playwright.sync_api import expect

    frozen_clock(AFTER_THE_DEADLINE)
    call = CallFactory(edition=EditionFactory(code="DYF27"))
    for i in range(3):
        ApplicationFactory(call=call, submitted=True, reference=f"DYF27-0002{i}", applicant=UserFactory(
            name="Ni Komang Ayu Sekarwati Putri Dewantari"), business_name="Warung Klepon dan Jaja Bali Tradisional")
    UserFactory(staff=True, name="Komang Ayu", email="komang@example.com", locale="en")
    call_id = call.id

    staff = browsers.open("staff", viewport=DESK)
    page = staff.page
    log_in(staff.page, "komang@example.com")
    page.goto(f"/staff/applications?call={call_id}")
    staff.check("the list at 1280 px")
    filters = page.locator("details.desk-filters-box")
    expect(filters).not_to_have_attribute("open", "")
    expect(page.get_by_label("Search")).to_be_hidden()  # folded: the list starts on the first screen
    page.get_by_text("Filters (1 active)").click()
    expect(page.get_by_label("Search")).to_be_visible()

    # Every column in view without scrolling the table sideways; the bulk bar above the table.
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert page.locator("fieldset.bulk-decision").bounding_box()["y"] < wrap.bounding_box()["y"]

    page.get_by_label("Select every application on this page").check()
    boxes = page.locator("input[name='ids']")
    expect(boxes).to_have_count(3)
    for i in range(3):
        expect(boxes.nth(i)).to_be_checked()
    page.get_by_role("combobox", name="Decision").select_option("waitlisted")
    page.get_by_role("button", name="Apply to the selected applications").click()
    expect(page.get_by_role("heading", name="Draft “Put on the waiting list” for 3 applications?")).to_be_visible()
    browsers.assert_clean()


def test_the_staff_desk_shows_what_waits_and_leads_to_it(browsers, frozen_clock):
    from playwright.sync_api import expect

    from tests.browser.festival_fixtures import PHONE

    frozen_clock(AFTER_THE_DEADLINE)
    call = CallFactory(edition=EditionFactory(code="DYF27"))
    ApplicationFactory(call=call, submitted=True, reference="DYF27-00030", applicant=UserFactory())
    ApplicationFactory(call=call, submitted=True, reference="DYF27-00031", applicant=UserFactory(),
                       draft_decision=S.ACCEPTED)
    UserFactory(staff=True, name="Komang Ayu", email="komang@example.com", locale="en")
    call_id = call.id

    for name, viewport in (("staff at a desk", DESK), ("staff on a phone", PHONE)):
        staff = browsers.open(name, viewport=viewport)
        log_in(staff.page, "komang@example.com")
        staff.page.goto("/staff/")
        expect(staff.page.get_by_role("heading", name="What waits for whom")).to_be_visible()
        staff.check(f"the staff desk ({name})")
    page = staff.page
    page.locator(f"a[href='/staff/calls/{call_id}/decisions']").click()
    expect(page.get_by_role("button", name="Send 1 decision")).to_be_visible()
    staff.check("the send page on a phone")
    page.go_back()
    page.locator(f"a[href='/staff/applications?call={call_id}&sort=score']").click()
    expect(page.locator("table.desk-table tbody tr")).to_have_count(2)
    browsers.assert_clean()
