"""The journeys issue 12 counts, driven as a person would and counted the same way every time:

- a new applicant on a 360 px phone, from the landing page to a submitted application: screens (documents the
  browser shows) and taps (a tap on a link or button, into a text field, on a select, a checkbox or the file picker;
  opening the confirmation mail's link is a tap and a screen);
- a staff decision at a 1280 px desk, from the filtered list to the mail going out: clicks.

The counts are printed (run with `-s` to read them) and held under ceilings, so that a change adding a gate fails
here. Measured when this test was written: 11 screens and 27 taps to apply (before issue 12: about 12 screens and
43 taps; a Google Form takes about 25 taps), 5 clicks for a decision (before: about 12).
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

from app.extensions import db
from tests.browser.festival_fixtures import DESK, PHONE, jpeg_file, log_in
from tests.factories import PASSWORD, ApplicationFactory, CallFactory, EditionFactory, UserFactory

pytestmark = pytest.mark.browser

IN_WINDOW = datetime(2027, 5, 20, 2, 0, tzinfo=UTC)  # inside the factories' application window
AFTER_THE_DEADLINE = datetime(2027, 6, 3, 1, 0, tzinfo=UTC)
EMAIL = "putu.baru@example.com"
APPLY_CEILING = {"screens": 11, "taps": 27}
DECIDE_CEILING = 5


@dataclass
class Journey:
    """Counts what the person does on `page`: every action goes through one of these methods."""

    page: object
    screens: int = 0
    taps: int = 0
    seen: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("framenavigated", self._shown)

    def _shown(self, frame) -> None:
        if frame == self.page.main_frame:
            self.screens += 1
            self.seen.append(re.sub(r"^https?://[^/]+", "", frame.url))

    def tap(self, locator) -> None:
        self.taps += 1
        locator.click()

    def type_in(self, locator, value: str) -> None:
        self.taps += 1  # the tap into the field; typing is not counted
        locator.fill(value)

    def pick(self, locator, value: str) -> None:
        self.taps += 1
        locator.select_option(value)

    def tick(self, locator) -> None:
        self.taps += 1
        locator.check()

    def attach(self, locator, path) -> None:
        self.taps += 1  # the file picker; choosing the photo in the phone's gallery is the phone's own screen
        locator.set_input_files(path)

    def open_mail_link(self, url: str) -> None:
        self.taps += 1
        self.page.goto(url)


def mailed_link(outbox, to: str, containing: str) -> str:
    db.session.remove()  # read what the server's threads committed, and hold no transaction open
    link = outbox.link(to, containing)
    db.session.remove()
    return link


def test_a_new_applicant_applies_in_few_screens_and_taps(app, browsers, live_server, outbox, frozen_clock,
                                                          festival_uploads, monkeypatch, tmp_path):
    from playwright.sync_api import expect

    frozen_clock(IN_WINDOW)
    monkeypatch.setitem(app.config, "BASE_URL", live_server.url)
    CallFactory(edition=EditionFactory(code="DYF27"), name_en="Creative bazaar")
    visitor = browsers.open("new applicant", viewport=PHONE)
    page = visitor.page
    go = Journey(page)

    def label(text: str, exact: bool = False):
        """The control labelled `text` (a required field's label ends with a star)."""
        return page.get_by_label(re.compile(rf"^{re.escape(text)}(\s*\*)?$"))

    page.goto("/")
    go.tap(page.locator(".hero").get_by_role("button", name="Register and apply"))
    go.type_in(label("Full name"), "Putu Baru")
    go.type_in(label("E-mail"), EMAIL)
    go.type_in(label("Phone (WhatsApp)"), "0812 3456 7890")
    go.type_in(label("Date of birth"), date(2004, 2, 1).isoformat())
    go.type_in(label("Password", exact=True), PASSWORD)
    go.type_in(label("Repeat the password"), PASSWORD)
    go.tap(page.get_by_role("button", name="Create account", exact=True))
    expect(page).to_have_url(re.compile(r"/register/check-inbox$"))
    go.open_mail_link(mailed_link(outbox, EMAIL, "/confirm/"))

    go.tap(page.locator("section.next-step").get_by_role("button", name=re.compile("^Read about")))
    go.tap(page.get_by_role("button", name=re.compile("^Apply to")))
    expect(page).to_have_url(re.compile(r"/applications/\d+/step/1$"))
    go.pick(label("Where in Denpasar?"), "denpasar_barat")
    go.tap(page.get_by_role("button", name="Save and continue"))

    expect(page).to_have_url(re.compile(r"/step/2$"))
    go.type_in(label("Name of the business"), "Kopi Baru")
    go.pick(label("Creative subsector"), "culinary")
    go.pick(label("Stage"), "started")
    go.type_in(label("Started in (month and year)"), "2025-01")
    go.type_in(label("People in the team"), "2")
    go.type_in(label("Describe your business"), "Cold brew from Kintamani beans, sold at Sanur market.")
    go.tap(page.get_by_role("button", name="Save and continue"))

    expect(page).to_have_url(re.compile(r"/step/3$"))
    go.type_in(label("Products you will sell"), "Cold brew bottles")
    go.type_in(label("Price range (IDR)"), "IDR 25,000 – 60,000")
    go.tap(page.get_by_role("button", name="Save and continue"))

    expect(page).to_have_url(re.compile(r"/step/4$"))
    go.attach(label("Product photos", exact=True), jpeg_file(tmp_path / "camera", "kopi.jpg"))
    go.tap(page.get_by_role("button", name="Upload and continue"))

    expect(page).to_have_url(re.compile(r"/step/5$"))
    expect(page.get_by_text("Still missing before you can submit:")).to_have_count(0)
    go.tick(page.locator("#consent"))
    go.tap(page.get_by_role("button", name="Submit my application"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Application DYF27-\d{5}$"))

    print(f"\napply: {go.screens} screens, {go.taps} taps: {' → '.join(go.seen)}")
    assert go.screens <= APPLY_CEILING["screens"] and go.taps <= APPLY_CEILING["taps"], (go.screens, go.taps)
    browsers.assert_clean()


def test_a_staff_decision_takes_few_clicks_and_mails_on_release(browsers, frozen_clock, outbox):

    frozen_clock(AFTER_THE_DEADLINE)
    call = CallFactory(edition=EditionFactory(code="DYF27"), name_en="Creative bazaar")
    ApplicationFactory(call=call, submitted=True, reference="DYF27-00001",
                                     applicant=UserFactory(email="made.baru@example.com", locale="en"))
    UserFactory(staff=True, email="desk@example.com", locale="en")
    staff = browsers.open("staff", viewport=DESK)
    page = staff.page
    log_in(page, "desk@example.com")
    page.goto(f"/staff/applications?call={call.id}")
    go = Journey(page)

    go.tap(page.get_by_role("link", name="DYF27-00001"))
    go.pick(page.locator("#decision-panel select[name=decision]"), "accepted")
    go.tap(page.get_by_role("button", name="Save the draft decision"))
    assert not outbox.messages("made.baru@example.com")  # a draft mails nobody
    go.tap(page.get_by_role("link", name=re.compile("^Send the decisions of")))
    go.tap(page.get_by_role("button", name=re.compile(r"^Send 1 decision")))
    db.session.remove()
    assert [m.template for m in outbox.messages("made.baru@example.com")] == ["festival/mail/accepted"]
    db.session.remove()

    print(f"\ndecide: {go.taps} clicks: {' → '.join(go.seen)}")
    assert go.taps <= DECIDE_CEILING, go.taps
    browsers.assert_clean()
