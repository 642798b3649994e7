"""Reviewing on a 360 px phone, the ranking's line at the places, and a call's page before applying, in Chromium.

A reviewer sees cards and taps one (one tap to score), sees the photo thumbnails (opening the full photo) and each
criterion's anchors, picks the scores in one row of 44 px options, watches the weighted total, and sends. Every page is
checked with axe-core and for sideways scrolling.
"""

import io
import re
from datetime import UTC, datetime

import pytest
from PIL import Image
from sqlalchemy import select

from app.core.uploads import store
from app.extensions import db
from app.festival.models import ApplicationFile, ReviewAssignment
from app.festival.models.application import ApplicationStatus as S
from app.festival.models.application import FileKind
from tests.browser.festival_fixtures import DESK, PHONE, log_in
from tests.factories import PASSWORD, ApplicationFactory, AssignmentFactory, CallFactory, EditionFactory, UserFactory

pytestmark = pytest.mark.browser

IN_WINDOW = datetime(2027, 5, 20, 2, 0, tzinfo=UTC)
SCORES = (5, 4, 4, 3)  # the bazaar rubric's weights 3, 2, 2, 1: (15 + 8 + 8 + 3) / 8 = 4.25


def _photo(application, size=(1200, 900)) -> ApplicationFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (190, 90, 40)).save(buffer, format="JPEG")
    data = buffer.getvalue()
    record = ApplicationFile(application=application, kind=FileKind.PHOTO, original_name="Sekarwati_stand.jpg",
                             storage_key=store(data, "jpg"), content_type="image/jpeg", size_bytes=len(data),
                             sha256="0" * 64)
    db.session.add(record)
    db.session.commit()
    return record


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None
    return box


def test_a_reviewer_scores_on_a_phone_from_a_card(browsers, festival_uploads):
    from playwright.sync_api import expect

    call = CallFactory(edition=EditionFactory(code="DYF27"), blind_review=True)
    first = call.criteria[0]
    first.anchor_low_en, first.anchor_high_en = "No product yet.", "Sells steadily, with regulars."
    application = ApplicationFactory(call=call, submitted=True, status=S.UNDER_REVIEW, reference="DYF27-00007",
                                     business_name="Klepon Kekinian")
    photo = _photo(application)
    reviewer = UserFactory(reviewer=True, email="wirawan@example.com", locale="en")
    assignment = AssignmentFactory(application=application, reviewer=reviewer)
    assignment_id, photo_id, criteria = assignment.id, photo.id, [c.id for c in call.criteria]

    judge = browsers.open("reviewer", viewport=PHONE)
    phone = judge.page
    log_in(judge.page, "wirawan@example.com")
    phone.goto("/review")
    judge.check("review list as cards")
    card = phone.locator("ul.review-cards a.review-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("DYF27-00007")
    expect(card).to_contain_text("Klepon Kekinian")
    box = _box(card)
    assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

    card.click()  # one tap: the whole card is the link to the score form
    expect(phone).to_have_url(re.compile(rf"/review/{assignment_id}$"))
    judge.check("score form")

    # The photo as a thumbnail (small, re-encoded, loaded through the file check) that opens the full photo.
    thumb = phone.locator(f"ul.thumbnails a[href='/files/{photo_id}'] img")
    expect(thumb).to_have_attribute("src", f"/files/{photo_id}/thumb")
    expect(thumb).to_have_attribute("alt", "Photo 1, full size")
    thumb.scroll_into_view_if_needed()
    natural = thumb.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]")
    assert natural == [True, 320, 240]
    expect(phone.locator("#main")).not_to_contain_text("Sekarwati")  # blind: not even the file's name

    # The anchors of the first criterion, beside its options.
    anchors = phone.locator(f"#score_{criteria[0]}-anchors")
    expect(anchors).to_contain_text("No product yet.")
    expect(anchors).to_contain_text("Sells steadily, with regulars.")

    # Five options in one row, each at least 44 × 44 px, inside the screen.
    total = phone.locator("#weighted-total")
    expect(total).to_have_text("–")
    for criterion, value in zip(criteria, SCORES, strict=True):
        labels = phone.locator(f"fieldset[data-weight] label[for^='score_{criterion}-']")
        expect(labels).to_have_count(5)
        boxes = [_box(labels.nth(n)) for n in range(5)]
        assert len({round(b["y"]) for b in boxes}) == 1, "the options wrap"
        assert all(b["width"] >= 44 and b["height"] >= 44 for b in boxes), boxes
        assert boxes[-1]["x"] + boxes[-1]["width"] <= PHONE["width"]
        labels.nth(value - 1).click()
        expect(phone.locator(f"input[name='score_{criterion}'][value='{value}']")).to_be_checked()
        if criterion != criteria[-1]:
            expect(total).to_have_text("–")  # no partial mean
    expect(total).to_have_text("4.25")
    phone.locator(f"label[for='score_{criteria[3]}-4']").click()  # a change updates the total: (15+8+8+5)/8
    expect(total).to_have_text("4.50")
    phone.locator(f"label[for='score_{criteria[3]}-2']").click()
    expect(total).to_have_text("4.25")
    judge.check("score form filled in")

    phone.locator(f"form[action$='/review/{assignment_id}'] button[type=submit]").click()
    expect(phone).to_have_url(re.compile(r"/review$"))
    expect(phone.locator(".flashes")).to_contain_text("DYF27-00007")
    judge.check("review list after sending")
    db.session.remove()
    saved = db.session.scalar(select(ReviewAssignment.weighted_score).where(ReviewAssignment.id == assignment_id))
    db.session.remove()
    assert saved == pytest.approx(4.25)
    browsers.assert_clean()


def test_the_call_page_on_a_phone_then_apply(browsers, frozen_clock):
    from playwright.sync_api import expect

    frozen_clock(IN_WINDOW)
    call = CallFactory(intro_en="A creative bazaar on Puputan Square.", fee_note_en="Stall rent Rp 350,000.")
    UserFactory(email="sari@example.com", locale="en")
    call_id = call.id

    visitor = browsers.open("visitor", viewport=PHONE)
    page = visitor.page
    page.goto("/festival")
    visitor.check("calls list")
    page.get_by_role("button", name="Read about Creative bazaar and apply").click()
    expect(page).to_have_url(re.compile(rf"/festival/calls/{call_id}$"))
    expect(page.locator("#main")).to_contain_text("A creative bazaar on Puputan Square.")
    expect(page.locator("#main")).to_contain_text("Stall rent Rp 350,000.")
    visitor.check("call page for a visitor")
    page.get_by_role("button", name="Log in to apply").click()
    page.locator("#email").fill("sari@example.com")
    page.locator("#password").fill(PASSWORD)
    page.locator("#main form button[type=submit]:not([formaction])").click()
    expect(page).to_have_url(re.compile(rf"/festival/calls/{call_id}$"))  # back where she was
    visitor.check("call page for an applicant")
    apply = page.get_by_role("button", name="Apply to Creative bazaar")
    assert _box(apply)["height"] >= 44
    apply.click()
    expect(page).to_have_url(re.compile(r"/applications/\d+/step/1$"))
    browsers.assert_clean()


def test_the_ranking_shows_the_line_at_the_places(browsers):
    from playwright.sync_api import expect

    call = CallFactory(places=1)
    for mean, reviews in ((4.5, 2), (3.25, 1)):
        ApplicationFactory(call=call, submitted=True, status=S.UNDER_REVIEW, score_mean=mean, score_spread=0.5,
                           review_count=reviews)
    UserFactory(staff=True, email="komang@example.com", locale="en")
    staff = browsers.open("staff", viewport=DESK)
    log_in(staff.page, "komang@example.com")
    staff.page.goto(f"/staff/calls/{call.id}/ranking")
    line = staff.page.locator("tr#places-line")
    expect(line).to_contain_text("Above this line: the 1 place of this call.")
    rows = staff.page.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(2).locator("td").nth(5)).to_have_text("–")  # one review: no spread
    staff.check("ranking with its line")
    browsers.assert_clean()
