"""Ten parallel withdrawals of one accepted application: one event, at most one promotion from the waiting list."""

from sqlalchemy import func, select

from app.extensions import db
from app.festival.models import Application, ApplicationEvent
from app.festival.models.application import ApplicationStatus as S
from tests.live import fire, shows_race, statuses


def _withdraw_ten_times(visitor, accepted) -> list:
    browser = visitor().login(accepted.applicant)
    url = f"/applications/{accepted.id}/withdraw"
    token = browser.token(url)
    return fire(10, lambda _: browser.post(url, {"reason": ""}, token=token))


def _counts(accepted, waiting) -> tuple[int, int]:
    events = db.session.scalar(select(func.count()).select_from(ApplicationEvent).where(
        ApplicationEvent.application_id == accepted.id, ApplicationEvent.to_status == S.WITHDRAWN))
    promoted = db.session.scalar(select(func.count()).select_from(Application).where(
        Application.id.in_([w.id for w in waiting]), Application.status == S.ACCEPTED))
    return events, promoted


def test_ten_parallel_withdrawals_record_one_event_and_promote_one(visitor, outbox, accepted_with_waiting_list):
    accepted, waiting = accepted_with_waiting_list()

    responses = _withdraw_ten_times(visitor, accepted)

    assert statuses(responses) == [302] * 10  # the repeated ones are told it is done, on the status page
    assert _counts(accepted, waiting) == (1, 1)
    assert len(outbox.messages(to=waiting[0].applicant.email)) == 1
    assert not outbox.messages(to=waiting[1].applicant.email)
    assert len(outbox.messages(to=accepted.applicant.email)) == 1  # one "withdrawn" letter


def test_control_without_locks_the_withdrawal_races(visitor, locks_off, quiet_server, accepted_with_waiting_list):
    def round_() -> bool:
        accepted, waiting = accepted_with_waiting_list()
        responses = _withdraw_ten_times(visitor, accepted)
        return _counts(accepted, waiting) != (1, 1) or statuses(responses) != [302] * 10

    assert shows_race(round_)
