"""Publishing fired in parallel over real HTTP against the served app.

- Two publishes of the same run at once (a double click): one set of offers and mails; the other says "already
  published".
- A publish and a new run at once: both take the cohort's lock, so either the run waits and proposes only who is still
  waiting, or the publish waits and finds its run replaced — never a new proposal for people just given a mentor. The
  control run (`locks_off`, gap widened) shows that race: PostgreSQL proposes mentors to participants the publish has
  just matched; SQLite's unguarded transactions cannot both write (a 503).
"""

from sqlalchemy import func, select

from app.core.mail import OutboxMessage
from app.extensions import db
from app.mentoring.models import MatchRun, Mentorship, MentorshipStatus, ProposedPair, RunStatus
from tests.cohorts.factories import CohortFactory
from tests.conftest import POSTGRES
from tests.factories import UserFactory
from tests.live import fire, shows_race, statuses
from tests.mentoring.scenario import mentor_in, waiting_in

PEOPLE = 4


def _proposed_run(visitor):
    """A cohort whose run 1 proposes a mentor for each of four participants, and a staff member's two tabs."""
    cohort = CohortFactory()
    mentor_in(cohort, capacity=PEOPLE, languages=["id"])
    for _ in range(PEOPLE):
        waiting_in(cohort, languages=["id"])
    staff = UserFactory(staff=True, locale="en")
    desk = visitor().login(staff)
    matching = f"/staff/cohorts/{cohort.id}/matching"
    assert desk.post(f"{matching}/runs", token=desk.token(matching)).status_code == 302
    tabs = [visitor().login(staff) for _ in range(2)]
    return cohort, matching, tabs


def _mentorships(cohort_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Mentorship).where(Mentorship.cohort_id == cohort_id))


def test_a_double_publish_offers_once(visitor, app, monkeypatch):
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.05)
    cohort, matching, tabs = _proposed_run(visitor)
    run_page = f"{matching}/runs/1"
    tokens = [tab.token(run_page) for tab in tabs]
    responses = fire(2, lambda i: tabs[i].post(f"{run_page}/publish", token=tokens[i]))
    assert statuses(responses) == [302, 302]
    assert _mentorships(cohort.id) == PEOPLE
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == PEOPLE + 1
    messages = [tab.get(matching).text + tab.get(run_page).text for tab in tabs]
    assert sum("Run 1 has already been published." in page for page in messages) == 1


def _publish_and_run(visitor) -> tuple[list, int]:
    cohort, matching, tabs = _proposed_run(visitor)
    tokens = [tabs[0].token(f"{matching}/runs/1"), tabs[1].token(matching)]
    requests = [lambda: tabs[0].post(f"{matching}/runs/1/publish", token=tokens[0]),
                lambda: tabs[1].post(f"{matching}/runs", token=tokens[1])]
    return fire(2, lambda i: requests[i]()), cohort.id


def _proposed_to_the_matched(cohort_id: int) -> int:
    """Rows of a proposed run that offer a mentor to someone who has a live mentorship already."""
    live = select(Mentorship.participant_id).where(Mentorship.cohort_id == cohort_id,
                                                   Mentorship.status == MentorshipStatus.OFFERED)
    return db.session.scalar(
        select(func.count()).select_from(ProposedPair).join(MatchRun, MatchRun.id == ProposedPair.run_id)
        .where(MatchRun.cohort_id == cohort_id, MatchRun.status == RunStatus.PROPOSED,
               ProposedPair.mentor_id.is_not(None), ProposedPair.participant_id.in_(live)))


def test_a_run_started_while_publishing_never_proposes_the_just_matched(visitor, app, monkeypatch):
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.05)
    responses, cohort_id = _publish_and_run(visitor)
    assert statuses(responses)[0] == 302
    assert _proposed_to_the_matched(cohort_id) == 0
    published = db.session.scalar(select(MatchRun.status).where(MatchRun.cohort_id == cohort_id,
                                                                MatchRun.number == 1))
    assert _mentorships(cohort_id) == (PEOPLE if published == RunStatus.PUBLISHED else 0)


def test_control_without_locks_a_run_proposes_the_just_matched(visitor, app, monkeypatch, locks_off, quiet_server):
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.3)

    def round_() -> bool:
        responses, cohort_id = _publish_and_run(visitor)
        if POSTGRES:
            return _proposed_to_the_matched(cohort_id) > 0
        return 503 in statuses(responses)

    assert shows_race(round_)
