"""Declines fired in parallel over real HTTP against the served app.

- The same offer declined twice at once (a double click, two tabs): one decline, one forbid, one new offer; the other
  request answers "already declined".
- Two mentors decline at once, and each declined participant's only other mentor has one free place: exactly one of
  them gets it. The control run (`locks_off`, with the gap between the check and the writes widened) shows the race
  the cohort's lock prevents: PostgreSQL gives the place twice (the mentor over capacity); SQLite's unguarded
  transactions cannot both write ("database is locked", a 503). For the same offer declined twice, the unique indexes
  (one rule per pair, one live mentorship per participant) would refuse the second claim even without the lock.
"""

from sqlalchemy import func, select

from app.extensions import db
from app.mentoring.models import Mentorship, MentorshipStatus, PairRule
from tests.cohorts.factories import CohortFactory
from tests.conftest import POSTGRES
from tests.live import fire, shows_race, statuses
from tests.mentoring.factories import MentorshipFactory
from tests.mentoring.scenario import mentor_in, waiting_in

ALREADY = "You have already declined"


def _live_with(mentor_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Mentorship).where(
        Mentorship.mentor_id == mentor_id, Mentorship.status.in_([MentorshipStatus.OFFERED,
                                                                  MentorshipStatus.ACCEPTED])))


def test_the_same_offer_declined_twice_at_once_is_declined_once(visitor, app, monkeypatch):
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.05)
    cohort = CohortFactory()
    ana = mentor_in(cohort, languages=["id"])
    ben = mentor_in(cohort, languages=["id"])
    putu = waiting_in(cohort, languages=["id"])
    offer = MentorshipFactory(participant=putu, mentor=ana)
    url = f"/mentoring/pairs/{offer.id}/decline"
    tabs = []
    for _ in range(2):
        tab = visitor().login(ana)
        tabs.append((tab, tab.token(url)))
    responses = fire(2, lambda i: tabs[i][0].post(url, {"reason": ""}, token=tabs[i][1]))
    codes = statuses(responses)
    assert sorted(codes) == [200, 302], codes
    assert ALREADY in next(r.text for r in responses if r.status_code == 200)
    assert db.session.get(Mentorship, offer.id).status == MentorshipStatus.DECLINED
    assert db.session.scalar(select(func.count()).select_from(PairRule)) == 1
    assert [m.mentor_id for m in db.session.scalars(select(Mentorship).where(
        Mentorship.participant_id == putu.id, Mentorship.status == MentorshipStatus.OFFERED))] == [ben.id]


def _two_declines(visitor) -> tuple[list, int]:
    """Ana declines Putu (English) and Cici declines Komang (Indonesian) at once; Ben, who speaks both, has one free
    place and is the only other mentor either could have."""
    cohort = CohortFactory()
    ana, cici = mentor_in(cohort, languages=["en"]), mentor_in(cohort, languages=["id"])
    ben = mentor_in(cohort, capacity=1, languages=["en", "id"])
    offers = [MentorshipFactory(participant=waiting_in(cohort, languages=[language]), mentor=mentor)
              for mentor, language in ((ana, "en"), (cici, "id"))]
    tabs = []
    for mentor, offer in zip((ana, cici), offers, strict=True):
        tab = visitor().login(mentor)
        url = f"/mentoring/pairs/{offer.id}/decline"
        tabs.append((tab, url, tab.token(url)))
    responses = fire(2, lambda i: tabs[i][0].post(tabs[i][1], {"reason": ""}, token=tabs[i][2]))
    return responses, ben.id


def test_two_declines_competing_for_the_last_place_give_it_once(visitor, app, monkeypatch):
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.05)
    responses, ben_id = _two_declines(visitor)
    assert statuses(responses) == [302, 302]
    assert _live_with(ben_id) == 1


def test_control_without_locks_the_last_place_is_given_twice(visitor, app, monkeypatch, locks_off, quiet_server):
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.3)

    def round_() -> bool:
        responses, ben_id = _two_declines(visitor)
        if POSTGRES:
            return _live_with(ben_id) > 1  # over capacity
        return 503 in statuses(responses)  # SQLite: the unguarded transactions cannot both write

    assert shows_race(round_)
