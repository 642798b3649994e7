"""Twenty parallel admissions into a cohort of five places, over HTTP against the served app: exactly five get in.
The control run switches the locks off (`locks_off`: no FOR UPDATE on PostgreSQL, no IMMEDIATE transactions on
SQLite) and widens the gap between the count and the insert: PostgreSQL then overfills the cohort; on SQLite the
unguarded transactions cannot all write (a reader cannot become a writer after another writer committed: "database
is locked", a 503), so the control shows failed requests rather than an overfill."""

from sqlalchemy import func, select

from app.cohorts.models import CohortParticipant, ParticipantStatus
from app.extensions import db
from tests.cohorts.factories import CohortFactory, accepted_in
from tests.conftest import POSTGRES
from tests.factories import EditionFactory, UserFactory
from tests.live import fire, shows_race, statuses

CAPACITY, CROWD = 5, 20
FULL = "The cohort is full"


def _admitted(cohort_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(CohortParticipant).where(
        CohortParticipant.cohort_id == cohort_id, CohortParticipant.status == ParticipantStatus.ADMITTED))


def _crowd(visitor) -> tuple[list, int]:
    edition = EditionFactory()
    cohort = CohortFactory(edition=edition, capacity=CAPACITY)
    applications = [accepted_in(edition) for _ in range(CROWD)]
    staff = UserFactory(staff=True, locale="en")
    url = f"/staff/cohorts/{cohort.id}/admit"
    desks = []
    for _ in range(CROWD):  # one browser (tab) per request
        desk = visitor().login(staff)
        desks.append((desk, desk.token(url)))
    ids = [str(application.id) for application in applications]
    responses = fire(CROWD, lambda i: desks[i][0].post(url, {"application_ids": ids[i]}, token=desks[i][1]))
    return responses, cohort.id


def test_twenty_parallel_admissions_into_five_places_admit_exactly_five(visitor, app, monkeypatch):
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.05)
    responses, cohort_id = _crowd(visitor)
    codes = statuses(responses)
    assert codes.count(302) == CAPACITY and codes.count(200) == CROWD - CAPACITY, codes
    assert all(FULL in r.text for r in responses if r.status_code == 200)
    assert _admitted(cohort_id) == CAPACITY


def test_control_without_locks_the_cohort_is_not_guarded(visitor, app, monkeypatch, locks_off, quiet_server):
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.3)

    def round_() -> bool:
        responses, cohort_id = _crowd(visitor)
        if POSTGRES:
            return _admitted(cohort_id) > CAPACITY  # the overfill itself
        codes = statuses(responses)
        return codes.count(503) > 0 and codes.count(302) + codes.count(200) != CROWD  # SQLite: busy failures

    assert shows_race(round_)
