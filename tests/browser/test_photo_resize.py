"""Phone photos are made smaller in the browser before they are sent (issue 12, item 2): photos.js draws the picture on
a canvas at most 2,000 px on its long side and sends that JPEG, with a progress bar; the server stores what it got."""

import io
import random
import re
from datetime import UTC, datetime

import pytest
from PIL import Image

from app.extensions import db
from app.festival.models import Application
from tests.browser.festival_fixtures import log_in
from tests.factories import ApplicationFactory, CallFactory, EditionFactory, UserFactory

pytestmark = pytest.mark.browser

IN_WINDOW = datetime(2027, 5, 20, 2, 0, tzinfo=UTC)
EMAIL = "putu.foto@example.com"


def noisy_jpeg(path, size=(4000, 3000)) -> int:
    """A phone-sized JPEG that does not compress well (as a real photo), written to `path`; returns its bytes."""
    pixels = Image.frombytes("RGB", size, random.Random(7).randbytes(size[0] * size[1] * 3))
    pixels.save(path, format="JPEG", quality=75)
    return path.stat().st_size


def test_the_browser_resizes_a_photo_before_sending_it(browsers, festival_uploads, frozen_clock, tmp_path):
    from playwright.sync_api import expect

    frozen_clock(IN_WINDOW)
    draft = ApplicationFactory(call=CallFactory(edition=EditionFactory(code="DYF27")),
                               applicant=UserFactory(email=EMAIL, locale="en"))
    db.session.commit()
    original = noisy_jpeg(tmp_path / "IMG_0001.jpeg")
    assert original > 6 * 1024 * 1024

    phone = browsers.open("applicant")
    page = phone.page
    log_in(page, EMAIL)
    page.goto(f"/applications/{draft.id}/step/4")
    phone.check("files step")
    expect(page.locator("#photos-help")).to_have_text(
        "Up to 5 photos (JPEG, PNG or WebP), straight from your phone: we make them smaller and remove their "
        "location data.")
    page.locator("#photos").set_input_files(str(tmp_path / "IMG_0001.jpeg"))
    held = []  # the upload is held back until the progress bar has been seen
    page.route(re.compile(r".*/step/4$"), lambda route: held.append(route) if route.request.method == "POST"
               else route.continue_())
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/step/4"), timeout=30_000) as sent:
        page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator("[data-upload-progress]")).to_be_visible()
    expect(page.locator("[data-upload-status]")).to_have_text("Sending…")
    page.wait_for_timeout(100)  # let the route handler run
    held[0].continue_()
    expect(page).to_have_url(re.compile(rf"/applications/{draft.id}/step/4$"))
    assert sent.value.sizes()["requestBodySize"] < original // 2  # resized before it left the phone
    expect(page.locator(".file-list")).to_contain_text("IMG_0001.jpg")
    phone.check("files step after the upload")

    db.session.remove()
    (photo,) = db.session.get(Application, draft.id).files
    stored = (festival_uploads / photo.storage_key[:2] / photo.storage_key).read_bytes()
    db.session.remove()
    assert Image.open(io.BytesIO(stored)).size == (2000, 1500)
    browsers.assert_clean()
