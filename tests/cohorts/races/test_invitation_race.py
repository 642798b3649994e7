"""Invitations accepted in parallel over HTTP: eight invited people for one place → exactly one admitted; one person
clicking "accept" five times at once → one participant. The control run switches the locks off and widens the gap
between the count and the insert: PostgreSQL then overfills the cohort; on SQLite the unguarded transactions cannot
all write (a 503)."""

from sqlalchemy import func, select

from app.cohorts.models import CohortParticipant, ParticipantStatus
from app.extensions import db
from tests.cohorts.factories import CohortFactory
from tests.conftest import POSTGRES
from tests.factories import UserFactory
from tests.helpers import path_of
from tests.live import fire, shows_race, statuses

CROWD = 8


def _admitted(cohort_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(CohortParticipant).where(
        CohortParticipant.cohort_id == cohort_id, CohortParticipant.status == ParticipantStatus.ADMITTED))


def _invited(visitor, outbox, cohort, people: list) -> list[tuple]:
    """Staff invite each person; each logs in in their own browser and opens their link: (browser, link, token)."""
    desk = visitor().login(UserFactory(staff=True, locale="en"))
    page = f"/staff/cohorts/{cohort.id}/invitations"
    ready = []
    for person in people:
        assert desk.post(page, {"email": person.email, "locale": "en"}, token=desk.token(page)).status_code == 302
        link = path_of(outbox.link(person.email, "/cohorts/invitations/"))
        browser = visitor().login(person)
        ready.append((browser, link, browser.token(link)))
    return ready


def _crowd(visitor, outbox) -> tuple[list, int]:
    cohort = CohortFactory(capacity=1)
    ready = _invited(visitor, outbox, cohort, [UserFactory(locale="en") for _ in range(CROWD)])
    responses = fire(CROWD, lambda i: ready[i][0].post(ready[i][1], token=ready[i][2]))
    return responses, cohort.id


def test_eight_invited_people_for_one_place_admit_exactly_one(visitor, app, monkeypatch, outbox):
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.05)
    responses, cohort_id = _crowd(visitor, outbox)
    codes = statuses(responses)
    assert codes.count(302) == 1 and codes.count(409) == CROWD - 1, codes
    assert all("The cohort is full" in r.text for r in responses if r.status_code == 409)
    assert _admitted(cohort_id) == 1


def test_five_clicks_on_accept_make_one_participant(visitor, outbox):
    cohort = CohortFactory(capacity=5)
    person = UserFactory(locale="en")
    [(browser, link, token)] = _invited(visitor, outbox, cohort, [person])
    responses = fire(5, lambda _: browser.post(link, token=token))
    assert statuses(responses) == [302] * 5  # one welcome, four "already accepted"
    assert _admitted(cohort.id) == 1


def test_control_without_locks_the_place_is_not_guarded(visitor, app, monkeypatch, outbox, locks_off, quiet_server):
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.3)

    def round_() -> bool:
        responses, cohort_id = _crowd(visitor, outbox)
        if POSTGRES:
            return _admitted(cohort_id) > 1  # the overfill itself
        return statuses(responses).count(503) > 0  # SQLite: busy failures

    assert shows_race(round_)
