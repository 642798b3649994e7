"""Ten parallel "send decisions" of one call (a double-click, or two staff at once): each drafted decision is
released once, one event and one mail per application. The control run switches the locks off and widens the gap
between reading the drafts and moving the applications: PostgreSQL then moves (and mails) some twice; on SQLite the
unguarded transactions cannot all write ("database is locked", a 503)."""

from sqlalchemy import func, select

from app.extensions import db
from app.festival.models import ApplicationEvent
from app.festival.models.application import ApplicationStatus as S
from app.festival.services import decisions
from tests.conftest import POSTGRES
from tests.factories import ApplicationFactory, CallFactory, UserFactory
from tests.live import fire, shows_race, statuses

CROWD = 10


def _release_crowd(visitor, app) -> tuple[list, list]:
    call = CallFactory()
    staff = UserFactory(staff=True, locale="en")
    applications = [ApplicationFactory(call=call, submitted=True, status=S.UNDER_REVIEW, applicant=UserFactory())
                    for _ in range(3)]
    with app.test_request_context():
        for application, decision in zip(applications, (S.ACCEPTED, S.WAITLISTED, S.REJECTED), strict=True):
            decisions.decide(staff, application, decision)
    db.session.commit()
    url = f"/staff/calls/{call.id}/decisions"
    desks = []
    for _ in range(CROWD):  # one browser (tab) per request
        desk = visitor().login(staff)
        desks.append((desk, desk.token(url)))
    responses = fire(CROWD, lambda i: desks[i][0].post(url, {}, token=desks[i][1]))
    return responses, applications


def _events(applications) -> int:
    return db.session.scalar(select(func.count()).select_from(ApplicationEvent).where(
        ApplicationEvent.application_id.in_([a.id for a in applications])))


def test_ten_parallel_releases_send_each_decision_once(visitor, app, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.05)
    responses, applications = _release_crowd(visitor, app)
    codes = statuses(responses)
    assert codes.count(302) == CROWD, codes  # each click lands on a page; only the first sends anything
    assert _events(applications) == 3
    for application, status in zip(applications, (S.ACCEPTED, S.WAITLISTED, S.REJECTED), strict=True):
        db.session.refresh(application)
        assert application.status == status and application.draft_decision is None
        assert len(outbox.messages(to=application.applicant.email)) == 1


def test_control_without_locks_a_decision_is_sent_twice(visitor, app, monkeypatch, locks_off, quiet_server):
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.3)

    def round_() -> bool:
        responses, applications = _release_crowd(visitor, app)
        if POSTGRES:
            return _events(applications) > 3  # a decision moved twice (with a mail each time)
        return statuses(responses).count(503) > 0  # SQLite: busy failures
    assert shows_race(round_)
