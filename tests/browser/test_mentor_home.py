"""A Darwin mentor on a 360 px phone: logs in, sees their mentee and the session times in Darwin time (a 10:00
Denpasar session at 11:30), logs a meeting in two taps and sees it listed. Every page is checked with axe-core and
must not scroll sideways."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.mentoring.models import Meeting
from tests.browser.a11y import PageChecks
from tests.cohorts.factories import TEN_IN_DENPASAR, SessionFactory
from tests.factories import PASSWORD
from tests.mentoring.pair_world import a_pair

pytestmark = pytest.mark.browser


def logged_meetings(pair_id: int) -> list[Meeting]:
    db.session.remove()  # read what the server's threads committed
    meetings = list(db.session.scalars(select(Meeting).where(Meeting.mentorship_id == pair_id)))
    db.session.remove()
    return meetings


def test_mentor_sees_mentee_and_darwin_times_and_logs_a_meeting_on_a_phone(page, live_server, frozen_clock):
    from playwright.sync_api import expect

    frozen_clock(datetime(2027, 9, 1, 0, 30, tzinfo=UTC))  # the first morning, before the session
    world = a_pair()
    SessionFactory(cohort=world.cohort, starts_at=TEN_IN_DENPASAR, title_en="Pricing workshop")
    check = PageChecks(page)
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.request.method} {r.url}")
            if r.status >= 500 else None)

    page.goto("/login")
    page.locator("#email").fill(world.mentor.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_load_state("load")

    page.get_by_role("link", name="My mentees").first.click()
    expect(page).to_have_url(re.compile(r"/mentoring$"))
    expect(page.locator("main")).to_contain_text(world.person.name)
    expect(page.locator("main")).to_contain_text("11:30–13:30")  # 10:00–12:00 in Denpasar
    check("the mentor's home")

    page.get_by_role("button", name=f"Log a meeting with {world.person.name}").click()  # a link styled as a button
    expect(page.locator("#held_on")).to_have_value("2027-09-01")
    check("the meeting form")
    page.locator("#topics").fill("Pricing for export")
    page.get_by_role("button", name="Save the meeting").click()

    expect(page).to_have_url(re.compile(rf"/mentoring/mentees/{world.pair.id}#meetings$"))
    expect(page.locator("main")).to_contain_text("Pricing for export")
    check("the mentee's page with the meeting")
    [meeting] = logged_meetings(world.pair.id)
    assert meeting.duration_minutes == 30 and meeting.logged_by_id == world.mentor.id

    assert not failed, failed
    check.assert_clean()
