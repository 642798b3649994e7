"""An applicant applies to the festival on a phone (360 px) in Chromium, from logging in to the receipt.

Every page on the way is checked with axe-core (serious and critical findings fail the test) and must not scroll
sideways. The applicant's account is in English, so English texts (the message ids) can be asserted; anything else
is found by id or role.
"""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.core.mail import OutboxMessage
from app.extensions import db
from app.festival.models import Application
from app.festival.models.application import ApplicationStatus as S
from tests.browser.festival_fixtures import jpeg_file, log_in
from tests.factories import ApplicationFactory, CallFactory, EditionFactory, UserFactory

pytestmark = pytest.mark.browser

# Inside the factories' application window (1 March to 31 May 2027): 10:00 in Denpasar.
IN_WINDOW = datetime(2027, 5, 20, 2, 0, tzinfo=UTC)
EMAIL = "kadek.sari@example.com"


def stored_application(application_id: int) -> tuple:
    """Facts of the application as the server committed them, read without holding a transaction open."""
    db.session.remove()
    application = db.session.get(Application, application_id)
    facts = (application.status, application.reference, application.district, application.nik,
             application.business_name, application.answers, [f.original_name for f in application.files])
    db.session.remove()
    return facts


def receipts(email: str) -> list[tuple[str, str, str, str]]:
    db.session.remove()
    rows = [(m.template, m.locale, m.subject, m.body_text) for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == email).order_by(OutboxMessage.id))]
    db.session.remove()
    return rows


def test_an_applicant_applies_to_the_bazaar_on_a_phone(browsers, festival_uploads, frozen_clock, tmp_path):
    from playwright.sync_api import expect

    frozen_clock(IN_WINDOW)
    CallFactory(edition=EditionFactory(code="DYF27"))  # the bazaar, with its usual questions
    # 23 years old on the first festival day (14 August 2027); English is the account's language.
    UserFactory(name="Kadek Sari", email=EMAIL, locale="en", phone_e164="+6281122334455",
                date_of_birth=date(2003, 9, 2))

    sari = browsers.open("applicant")
    page = sari.page
    h1 = page.get_by_role("heading", level=1)
    saved_at = page.locator("[data-saved-at]")

    # Log in through the form, then find the open calls from the home page.
    log_in(page, EMAIL)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    sari.check("applicant home")
    page.get_by_role("link", name="All calls of the festival").click()
    expect(page).to_have_url(re.compile(r"/festival$"))
    expect(h1).to_have_text("Apply to the festival")
    sari.check("open calls")

    # Read about the bazaar, then start an application: a draft, on step 1.
    page.get_by_role("button", name="Read about Creative bazaar and apply").click()
    sari.check("the bazaar's page")
    page.get_by_role("button", name="Apply to Creative bazaar").click()
    expect(page).to_have_url(re.compile(r"/applications/\d+/step/1$"))
    application_id = int(re.search(r"/applications/(\d+)/", page.url).group(1))
    step_url = f"/applications/{application_id}/step"
    expect(h1).to_have_text("Step 1 of 5: About you")
    expect(page.locator(".steps [aria-current='step']")).to_contain_text("About you")

    # Step 1 comes filled in from the profile; the district is chosen, the optional NIK left empty.
    expect(page.locator("#full_name")).to_have_value("Kadek Sari")
    expect(page.locator("#phone")).to_have_value("0811-2233-4455")  # as the hint writes it
    expect(page.locator("#date_of_birth")).to_have_value("2003-09-02")
    page.get_by_label("Where in Denpasar?").select_option("denpasar_barat")
    expect(page.locator("#nik")).to_have_value("")
    sari.check("step 1")
    page.locator("#nik").press("Enter")  # Enter in a field means "Save and continue", as on any form

    # Step 2: typing is saved in the background, and the page says when.
    expect(page).to_have_url(re.compile(rf"{step_url}/2$"))
    expect(h1).to_have_text("Step 2 of 5: Your business")
    expect(saved_at).to_have_text("Saved at 10:00")
    sari.check("step 2")
    frozen_clock(IN_WINDOW + timedelta(minutes=7))
    page.get_by_label("Name of the business").fill("Tenun Sari")  # one input event: no half-typed save
    expect(saved_at).to_have_text("Saved at 10:07", timeout=12_000)  # autosave.js sends every 5 seconds
    assert stored_application(application_id)[4] == "Tenun Sari"

    # A second device (another browser, logging in again) finds the draft where the first one left it.
    other_phone = browsers.open("applicant, second phone")
    log_in(other_phone.page, EMAIL)
    other_phone.check("applicant home with a draft")
    other_phone.page.locator(f"a[href='{step_url}/2']").first.click()  # the home page's main action
    expect(other_phone.page.get_by_label("Name of the business")).to_have_value("Tenun Sari")
    expect(other_phone.page.locator("[data-saved-at]")).to_have_text("Saved at 10:07")
    other_phone.check("step 2 on a second phone")

    # Back on the first phone, the rest of step 2.
    page.get_by_label("Creative subsector").select_option("crafts")
    page.get_by_label("Stage").select_option("started")
    page.get_by_label("Started in (month and year)").fill("2024-03")
    page.get_by_label("People in the team").fill("2")
    page.get_by_label("Describe your business").fill("Handwoven endek scarves from Denpasar weavers.")
    page.get_by_role("button", name="Save and continue").click()

    # Step 3: the call's own questions; this step is sent with the keyboard only (Tab to the button, Enter).
    expect(page).to_have_url(re.compile(rf"{step_url}/3$"))
    expect(h1).to_have_text("Step 3 of 5: Questions of the call")
    page.get_by_label("Products you will sell").fill("Endek scarves, sarongs and bags")
    page.get_by_label("Price range (IDR)").fill("IDR 75,000 – 450,000")
    sari.check("step 3")
    page.get_by_label("Price range (IDR)").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Power needs")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save and continue")).to_be_focused()
    page.keyboard.press("Enter")

    # Step 4: a real photo from the phone's files; it is listed with its thumbnail.
    expect(page).to_have_url(re.compile(rf"{step_url}/4$"))
    expect(h1).to_have_text("Step 4 of 5: Photos and documents")
    sari.check("step 4 without photos")
    photo = jpeg_file(tmp_path / "camera", "tenun-sari.jpg")
    page.get_by_label("Product photos", exact=True).set_input_files(photo)
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page).to_have_url(re.compile(rf"{step_url}/4$"))
    listed = page.locator("#main ul.file-list > li")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("tenun-sari.jpg")
    expect(page.get_by_role("heading", level=2, name=re.compile(r"\(1 of 5\)"))).to_be_visible()
    page.wait_for_function("() => { const img = document.querySelector('ul.file-list img');"
                           " return img && img.complete && img.naturalWidth === 320; }")
    sari.check("step 4 with a photo")
    page.get_by_role("button", name="Upload and continue").click()

    # Step 5: everything is there to check; consent, then submit.
    expect(page).to_have_url(re.compile(rf"{step_url}/5$"))
    expect(h1).to_have_text("Step 5 of 5: Review and submit")
    expect(page.get_by_text("Still missing before you can submit:")).to_have_count(0)
    summary = page.locator("#main")
    for shown in ("Kadek Sari", "Denpasar Barat", "Tenun Sari", "Crafts (kriya)", "Endek scarves, sarongs and bags",
                  "tenun-sari.jpg"):
        expect(summary).to_contain_text(shown)
    sari.check("step 5")
    page.locator("#consent").check()
    page.get_by_role("button", name="Submit my application").click()

    # The status page: the reference number and the timeline, with "Submitted" as the current step.
    expect(page).to_have_url(re.compile(rf"/applications/{application_id}$"))
    expect(h1).to_have_text("Application DYF27-00001")
    expect(page.locator(".flashes")).to_contain_text("DYF27-00001")
    timeline = page.locator("ol.timeline > li")
    expect(timeline).to_have_count(4)
    expect(timeline.nth(0)).to_contain_text("Draft")
    expect(timeline.nth(1)).to_contain_text("Submitted")
    expect(timeline.nth(1)).to_have_attribute("aria-current", "step")
    expect(timeline.nth(2)).to_contain_text("Under review")
    sari.check("status page")

    status, reference, district, nik, business, answers, files = stored_application(application_id)
    assert (status, reference, district, nik, business) == (S.SUBMITTED, "DYF27-00001", "denpasar_barat", None,
                                                            "Tenun Sari")
    assert answers == {"products": "Endek scarves, sarongs and bags", "price_range": "IDR 75,000 – 450,000"}
    assert files == ["tenun-sari.jpg"]
    assert [name.name for name in festival_uploads.rglob("*") if name.is_file()], "the photo is stored"

    # The receipt waits in the outbox, in English.
    [(template, locale, subject, body)] = receipts(EMAIL)
    assert (template, locale, subject) == ("festival/mail/submitted", "en", "Application received: DYF27-00001")
    assert "Reference number: DYF27-00001" in body
    assert f"/applications/{application_id}" in body

    browsers.assert_clean()


def test_the_status_page_on_a_phone(browsers, festival_uploads, frozen_clock):
    """Issue 12, item 8: the expected decision date, sharing the receipt on WhatsApp, withdrawing as a quiet link that
    asks first, and an accepted application's next step."""
    from playwright.sync_api import expect

    frozen_clock(IN_WINDOW)
    edition = EditionFactory(code="DYF27")
    person = UserFactory(email=EMAIL, locale="en")
    sent = ApplicationFactory(call=CallFactory(edition=edition, decision_expected_on=date(2027, 6, 20)),
                              applicant=person, submitted=True, status=S.SUBMITTED)
    accepted = ApplicationFactory(call=CallFactory(edition=edition), applicant=person, submitted=True,
                                  status=S.ACCEPTED)  # a bazaar place: the next step is choosing a stall
    db.session.commit()
    accepted_id = accepted.id
    phone = browsers.open("applicant")
    page = phone.page
    log_in(page, EMAIL)

    page.goto(f"/applications/{sent.id}")
    phone.check("status page")
    expect(page.locator("main")).to_contain_text("Decisions are expected by June 20, 2027.")
    share = page.get_by_role("link", name="Share the receipt on WhatsApp")
    href = share.get_attribute("href")
    assert href.startswith(f"https://wa.me/?text=My%20D%27Youth%20application%3A%20{sent.reference}%20http")
    assert href.endswith(f"%2Fapplications%2F{sent.id}") and "Kadek" not in href
    withdraw = page.get_by_role("link", name="Withdraw my application")
    assert withdraw.get_attribute("role") is None  # a link, not a button
    size = "a => parseFloat(getComputedStyle(a).fontSize)"
    assert withdraw.evaluate(size) < share.evaluate(size)  # visually secondary
    withdraw.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Withdraw application")
    phone.check("withdraw confirmation")
    page.get_by_role("button", name="No, keep it").click()  # a link that looks like a button
    expect(page).to_have_url(re.compile(rf"/applications/{sent.id}$"))
    assert stored_application(sent.id)[0] == S.SUBMITTED

    page.goto(f"/applications/{accepted_id}")
    phone.check("accepted application")
    expect(page.locator("main")).to_contain_text("Congratulations! Your next step:")
    expect(page.get_by_role("button", name="Choose your stall")).to_have_attribute(
        "href", re.compile(rf"/applications/{accepted_id}/"))
    browsers.assert_clean()
