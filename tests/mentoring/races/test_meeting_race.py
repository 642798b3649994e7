"""A double submit of the meeting form (five tabs sending the same meeting at once, over HTTP against the served
app) logs one meeting: the mentorship's row is locked and an identical meeting from the last minute is returned.
The control run switches the locks off and widens the gap between the check and the insert: PostgreSQL then logs
the meeting several times; on SQLite the unguarded transactions cannot all write ("database is locked", a 503)."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from app.extensions import db
from app.mentoring.models import Meeting
from tests.conftest import POSTGRES
from tests.live import fire, shows_race, statuses
from tests.mentoring.pair_world import a_pair

TABS = 5
MEETING = {"held_on": "2027-09-18", "duration_minutes": "30", "topics": "Pricing", "notes": "", "next_steps": ""}


def _meetings(pair_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Meeting).where(Meeting.mentorship_id == pair_id))


def _double_submit(visitor) -> tuple[list, int]:
    world = a_pair()
    url = f"/mentoring/pairs/{world.pair.id}/meetings/new"
    tabs = []
    for _ in range(TABS):
        tab = visitor().login(world.mentor)
        tabs.append((tab, tab.token(url)))
    responses = fire(TABS, lambda i: tabs[i][0].post(url, MEETING, token=tabs[i][1]))
    return responses, world.pair.id


def test_five_identical_submits_at_once_log_one_meeting(visitor, app, monkeypatch, frozen_clock):
    frozen_clock(datetime(2027, 9, 20, 3, 0, tzinfo=UTC))
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.05)
    responses, pair_id = _double_submit(visitor)
    assert statuses(responses) == [302] * TABS
    assert _meetings(pair_id) == 1


def test_control_without_locks_the_meeting_is_logged_twice(visitor, app, monkeypatch, frozen_clock, locks_off,
                                                          quiet_server):
    frozen_clock(datetime(2027, 9, 20, 3, 0, tzinfo=UTC))
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.3)

    def round_() -> bool:
        responses, pair_id = _double_submit(visitor)
        if POSTGRES:
            return _meetings(pair_id) > 1
        codes = statuses(responses)
        return _meetings(pair_id) > 1 or codes.count(503) > 0

    assert shows_race(round_)
