"""A reviewer scores an application on a phone and staff decide at a desk, in Chromium.

Staff (English, 1280 px) assign the reviewer with the panel of the application page; the reviewer (Indonesian, 360 px)
scores every criterion, one of them with the keyboard only; staff see the scores and the mean, accept with a personal
message; the applicant (Indonesian, on a phone) sees the decision and has the mail in Indonesian. Every page is checked
with axe-core and for sideways scrolling. Indonesian pages are checked by their lang attribute, ids and roles, never
by wording, as the catalog is still being translated.
"""

import re
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.core.mail import OutboxMessage
from app.extensions import db
from app.festival.models import Application, ReviewAssignment
from app.festival.models.application import ApplicationStatus as S
from tests.browser.festival_fixtures import DESK, PHONE
from tests.factories import ApplicationFactory, CallFactory, EditionFactory, UserFactory

pytestmark = pytest.mark.browser

# The window closed on 31 May 2027; the jury works in June (09:00 in Denpasar).
JURY_DAY = datetime(2027, 6, 3, 1, 0, tzinfo=UTC)
MESSAGE = "Welcome to the bazaar! Please bring your own table cloth."
# Scores per criterion of the bazaar rubric (weights 3, 2, 2, 1): (5·3 + 4·2 + 4·2 + 3·1) / 8 = 4.25.
SCORES = (5, 4, 4, 3)


def read(query):
    """Run `query()` on what the server committed, holding no transaction open afterwards."""
    db.session.remove()
    try:
        return query()
    finally:
        db.session.remove()


def test_a_reviewer_scores_on_a_phone_and_staff_accept(browsers, frozen_clock):
    from playwright.sync_api import expect

    frozen_clock(JURY_DAY)
    call = CallFactory(edition=EditionFactory(code="DYF27"), reviewers_per_application=1)  # the default rubric
    applicant = UserFactory(name="Ni Luh Putu Dewi", email="dewi@example.com", locale="id")
    application = ApplicationFactory(
        call=call, applicant=applicant, submitted=True, reference="DYF27-00001", business_name="Warung Dewi",
        answers={"products": "Laklak, klepon, jaja Bali", "price_range": "Rp 5.000 – 25.000"},
    )
    reviewer = UserFactory(reviewer=True, name="Made Wirawan", email="wirawan@example.com", locale="id")
    UserFactory(reviewer=True, name="Gede Santika", email="santika@example.com")  # another reviewer to choose from
    UserFactory(staff=True, name="Komang Ayu", email="komang@example.com", locale="en")
    application_id, reviewer_id, call_name_ind = application.id, reviewer.id, call.name_ind
    criteria = [c.id for c in call.criteria]
    assert len(criteria) == len(SCORES)
    application_url = f"/staff/applications/{application_id}"

    # Staff find the application in the list and assign the reviewer by hand.
    staff = browsers.open("staff", viewport=DESK)
    desk = staff.page
    staff.log_in("komang@example.com", lands_on="/home")
    staff.check("staff dashboard")
    desk.locator("header.site-header").get_by_role("link", name="Applications", exact=True).click()
    expect(desk).to_have_url(re.compile(r"/staff/applications$"))
    staff.check("applications list")
    desk.get_by_role("link", name="DYF27-00001", exact=True).click()
    expect(desk).to_have_url(re.compile(rf"{application_url}(\?.*)?$"))  # the list's filters may come along
    expect(desk.get_by_role("heading", level=1)).to_have_text("DYF27-00001 · Warung Dewi")
    expect(desk.get_by_text("No review has been submitted yet.")).to_be_visible()
    staff.check("application before review")
    desk.get_by_label("Add a reviewer").select_option(str(reviewer_id))
    desk.get_by_role("button", name="Assign", exact=True).click()
    expect(desk).to_have_url(re.compile(rf"{application_url}$"))
    expect(desk.locator(".flashes")).to_contain_text("Made Wirawan will review this application.")
    panel = desk.locator("section.assign-panel")
    expect(panel.locator("tbody tr")).to_have_count(1)
    expect(panel.locator("tbody tr")).to_contain_text("Made Wirawan")
    staff.check("application with its reviewer")
    assignment_id = read(lambda: db.session.scalar(
        select(ReviewAssignment.id).where(ReviewAssignment.reviewer_id == reviewer_id)))

    # The reviewer, on a phone in Indonesian, opens the list and the assignment.
    judge = browsers.open("reviewer", viewport=PHONE, locale="id-ID")
    phone = judge.page
    judge.log_in("wirawan@example.com", lands_on="/home")
    expect(phone.locator("html")).to_have_attribute("lang", "id")
    judge.check("reviewer home")
    phone.locator("#main a[href='/review']").click()
    expect(phone).to_have_url(re.compile(r"/review$"))
    judge.check("review list")
    phone.locator(f"#main a[href='/review/{assignment_id}']").click()
    expect(phone).to_have_url(re.compile(rf"/review/{assignment_id}$"))
    expect(phone.locator("html")).to_have_attribute("lang", "id")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("DYF27-00001")
    expect(phone.locator("#main")).to_contain_text("Laklak, klepon, jaja Bali")
    judge.check("review form")

    # The first criterion by keyboard only: focus its first option, Space chooses it, arrow keys move the choice.
    first = phone.locator(f"input[type=radio][name='score_{criteria[0]}']")
    first.nth(0).focus()
    phone.keyboard.press("Space")
    expect(first.nth(0)).to_be_checked()
    for _ in range(SCORES[0] - 1):
        phone.keyboard.press("ArrowRight")
    expect(first.nth(SCORES[0] - 1)).to_be_checked()
    expect(first.nth(SCORES[0] - 1)).to_be_focused()
    # The others by touch (a click on the option's label).
    for criterion, value in zip(criteria[1:], SCORES[1:], strict=True):
        phone.locator(f"label[for='score_{criterion}-{value - 1}']").click()
        expect(phone.locator(f"input[name='score_{criterion}'][value='{value}']")).to_be_checked()
    phone.locator(f"#comment_{criteria[0]}").fill("Beautiful finishing, local ingredients.")
    phone.locator("#comment").fill("A strong stall for the bazaar.")
    phone.locator(f"form[action$='/review/{assignment_id}'] button[type=submit]").click()
    expect(phone).to_have_url(re.compile(r"/review$"))
    expect(phone.locator(".flashes")).to_contain_text("DYF27-00001")
    expect(phone.locator(f"#main a[href='/review/{assignment_id}']")).to_have_count(1)  # now under "done"
    judge.check("review list after saving")

    # Staff reload the application: the reviewer's scores, comment and the mean are there.
    desk.reload()
    scores = desk.locator("section[aria-labelledby='scores-title']")
    expect(scores.locator("dl.facts dd").first).to_have_text("4.25")
    sheet = scores.locator("article.review-sheet")
    expect(sheet.get_by_role("heading", level=3)).to_have_text("Made Wirawan: 4.25")
    rows = sheet.locator("tbody tr")
    expect(rows).to_have_count(len(SCORES))
    for row, value in zip(range(len(SCORES)), SCORES, strict=True):
        expect(rows.nth(row).locator("td").nth(2)).to_have_text(str(value))
    expect(rows.nth(0)).to_contain_text("Product quality")
    expect(rows.nth(0)).to_contain_text("Beautiful finishing, local ingredients.")
    expect(sheet).to_contain_text("A strong stall for the bazaar.")
    staff.check("application with a review")

    # Staff accept, with a personal message.
    desk.get_by_role("combobox", name="Decision").select_option("accepted")
    desk.get_by_label("Personal message").fill(MESSAGE)
    desk.get_by_role("button", name="Save the draft decision").click()
    expect(desk).to_have_url(re.compile(rf"{application_url}$"))
    expect(desk.locator(".flashes")).to_contain_text("Decision drafted for DYF27-00001: Accepted.")
    # Released on the call's send page (issue 12: decisions are drafts until released).
    desk.get_by_role("link", name=re.compile("^Send the decisions of")).click()
    desk.get_by_role("button", name="Send 1 decision").click()
    desk.goto(application_url)
    expect(desk.locator("dl.facts dd").first).to_have_text("Accepted")
    expect(desk.locator("ol.desk-history")).to_contain_text(MESSAGE)
    staff.check("application after the decision")

    # The applicant is accepted and has the mail, in Indonesian, with the message word for word.
    status = read(lambda: db.session.scalar(select(Application.status).where(Application.id == application_id)))
    assert status == S.ACCEPTED
    mails = read(lambda: [(m.template, m.locale, m.subject, m.body_text, m.body_html) for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == "dewi@example.com").order_by(OutboxMessage.id))])
    [(template, locale, subject, body_text, body_html)] = mails
    assert (template, locale) == ("festival/mail/accepted", "id")
    with force_locale("id"):
        assert subject == gettext("Good news: you are accepted to %(call)s", call=call_name_ind)
    assert MESSAGE in body_text and MESSAGE in body_html
    assert f"/applications/{application_id}" in body_text

    # On her phone, the applicant's status page says so, with the message.
    dewi = browsers.open("applicant", viewport=PHONE, locale="id-ID")
    dewi.log_in("dewi@example.com", lands_on="/home")
    dewi.page.locator(f"#main a[href='/applications/{application_id}']").click()
    expect(dewi.page.locator("html")).to_have_attribute("lang", "id")
    expect(dewi.page.locator(".status-badge")).to_have_class(re.compile(r"\bstatus-accepted\b"))
    current = dewi.page.locator("ol.timeline > li[aria-current='step']")
    expect(current).to_contain_text(MESSAGE)
    dewi.check("applicant's status page")

    browsers.assert_clean()
