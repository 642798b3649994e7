"""Eight parallel "confirm everyone who meets the rule" (a double click, two staff at once) over HTTP: one
certificate and one mail per person, and the cohort's lock, not the unique index, is what stops the others.

The control run switches the locks off and widens the gap between reading the standings and issuing: on PostgreSQL
the requests then all pass the check and only the unique certificate per participant stops the extra ones (seen as
the database's refusal); on SQLite the unguarded transactions cannot all write ("database is locked", a 503)."""

from collections.abc import Iterator

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from app.cohorts.models import Certificate
from app.core.mail import OutboxMessage
from app.extensions import db
from tests.cohorts.completion_factories import AFTER_THE_COHORT, cohort_with_standings
from tests.conftest import POSTGRES
from tests.factories import UserFactory
from tests.live import fire, shows_race, statuses

CLICKS = 8


@pytest.fixture
def unique_clashes(app) -> Iterator[list[str]]:
    """Every IntegrityError the database raised while the test ran (the server's threads too): the unique index
    acting as the backstop."""
    seen: list[str] = []

    def record(context) -> None:
        if isinstance(context.sqlalchemy_exception, IntegrityError):
            seen.append(str(context.original_exception))

    engine = db.engine
    event.listen(engine, "handle_error", record)
    yield seen
    event.remove(engine, "handle_error", record)


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def _clicks(visitor) -> list:
    cohort, _people = cohort_with_standings()
    staff = UserFactory(staff=True, locale="en")
    page = f"/staff/cohorts/{cohort.id}/completion"
    desks = []
    for _ in range(CLICKS):
        desk = visitor().login(staff)
        desks.append((desk, desk.token(page)))
    return fire(CLICKS, lambda i: desks[i][0].post(f"{page}/confirm", token=desks[i][1]))


def test_parallel_confirmations_issue_one_certificate(visitor, app, monkeypatch, frozen_clock, unique_clashes):
    frozen_clock(AFTER_THE_COHORT)
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.05)
    responses = _clicks(visitor)
    assert statuses(responses) == [302] * CLICKS
    assert _count(Certificate) == 1 and _count(OutboxMessage) == 1
    assert unique_clashes == []  # the lock serialised them: the backstop was never needed


def test_control_without_locks_only_the_unique_index_stops_a_second_certificate(
        visitor, app, monkeypatch, frozen_clock, locks_off, quiet_server, unique_clashes):
    frozen_clock(AFTER_THE_COHORT)
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.3)

    def round_() -> bool:
        unique_clashes.clear()
        responses = _clicks(visitor)
        if POSTGRES:
            return any("cohorts_certificate" in clash for clash in unique_clashes)
        codes = statuses(responses)
        return codes.count(503) > 0  # SQLite: the unguarded writers fail instead

    assert shows_race(round_)
    assert db.session.scalar(select(func.count(Certificate.id)).group_by(Certificate.participant_id)
                             .order_by(func.count(Certificate.id).desc()).limit(1)) == 1  # never two for one person
