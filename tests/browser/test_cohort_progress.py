"""Staff take attendance on a 360 px phone: the buttons are big enough to tap (at least 44 × 44 px), a tap marks the
person without a reload (the script), the counts follow; with JavaScript off the same tap posts the form and comes
back to the person's row. axe-core clean, no sideways scroll. Then a participant sends a report with a photo."""

import io
import re

import pytest
from sqlalchemy import select

from app.cohorts.models import Attendance, AttendanceStatus, ProgressReport, ReportStatus
from app.extensions import db
from tests.browser.a11y import PageChecks
from tests.browser.festival_fixtures import log_in
from tests.cohorts.factories import CohortFactory, MilestoneFactory, ParticipantFactory, SessionFactory
from tests.cohorts.progress_factories import photo_with_gps
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def _fresh(query):
    db.session.remove()  # read what the server's threads committed
    rows = list(db.session.scalars(query))
    db.session.remove()
    return rows


def test_staff_take_attendance_on_a_phone_with_one_tap_per_person(page, live_server):
    from playwright.sync_api import expect

    session = SessionFactory(title_en="Pricing workshop")
    ayu = ParticipantFactory(cohort=session.cohort, user_id=UserFactory(name="Ayu Lestari").id)
    ParticipantFactory(cohort=session.cohort, user_id=UserFactory(name="Budi Santoso").id)
    check = PageChecks(page)
    log_in(page, UserFactory(staff=True, locale="en").email)

    page.goto(f"/staff/cohorts/sessions/{session.id}/attendance")
    row = page.locator(f"#p{ayu.id}")
    for button in row.get_by_role("button").all():
        box = button.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, box
    check("the attendance sheet")

    page.evaluate("window.notReloaded = true")
    row.get_by_role("button", name="Late").click()
    expect(row.get_by_role("button", name="Late")).to_have_attribute("aria-pressed", "true")
    expect(row.locator("[data-current]")).to_have_text("Late")
    expect(page.locator('[data-count="late"]')).to_have_text("1")
    expect(page.locator('[data-count="none"]')).to_have_text("1")
    assert page.evaluate("window.notReloaded === true")  # updated in place
    row.get_by_role("button", name="Present").click()
    expect(page.locator('[data-count="present"]')).to_have_text("1")
    expect(page.locator('[data-count="late"]')).to_have_text("0")
    assert [(m.participant_id, m.status) for m in _fresh(select(Attendance))] == [(ayu.id, AttendanceStatus.PRESENT)]
    check("the attendance sheet after two taps")


def test_without_javascript_a_tap_comes_back_to_the_persons_row(browser, live_server):
    from playwright.sync_api import expect

    from tests.browser.conftest import VIEWPORT

    session = SessionFactory()
    ayu = ParticipantFactory(cohort=session.cohort, user_id=UserFactory(name="Ayu Lestari").id)
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORT, java_script_enabled=False)
    try:
        tab = context.new_page()
        log_in(tab, UserFactory(staff=True, locale="en").email)
        tab.goto(f"/staff/cohorts/sessions/{session.id}/attendance")
        tab.locator(f"#p{ayu.id}").get_by_role("button", name="Excused").click()
        expect(tab).to_have_url(re.compile(rf"/attendance#p{ayu.id}$"))
        expect(tab.locator(".flash-success")).to_have_text("Ayu Lestari: Excused.")
        expect(tab.locator(f"#p{ayu.id} [data-current]")).to_have_text("Excused")
    finally:
        context.close()


def test_a_participant_sends_a_report_with_a_photo_on_a_phone(page, live_server, app, tmp_path,
                                                             monkeypatch):
    from playwright.sync_api import expect

    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    cohort = CohortFactory()
    person = UserFactory(locale="en")
    ParticipantFactory(cohort=cohort, user_id=person.id)
    MilestoneFactory(cohort=cohort, title_en="First sale")
    check = PageChecks(page)
    log_in(page, person.email)

    page.goto(f"/cohorts/{cohort.id}")
    page.get_by_role("link", name="Write your report").click()
    check("the report form")
    page.get_by_label("Your report").fill("Sold ten bags at the night market.")
    page.get_by_label("File (optional)").set_input_files(
        files=[{"name": "sale.jpg", "mimeType": "image/jpeg", "buffer": io.BytesIO(photo_with_gps()).getvalue()}])
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator("main")).to_contain_text("Your report has been sent.")
    expect(page.get_by_role("link", name="sale.jpg")).to_be_visible()
    check("the report page")
    [report] = _fresh(select(ProgressReport))
    assert report.status == ReportStatus.SUBMITTED and report.file_content_type == "image/jpeg"
