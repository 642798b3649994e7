"""A double click on a report's decision (five clicks at once, over HTTP against the served app): the report is
decided once, one mail goes out, the other clicks are told the decision is made. The control run switches the locks
off and widens the gap between the check and the write: on PostgreSQL several clicks then decide, and the participant
gets several mails."""

import pytest
from sqlalchemy import func, select

from app.cohorts.models import ReportComment
from app.core.mail import OutboxMessage
from app.extensions import db
from tests.cohorts.progress_factories import ReportFactory
from tests.factories import UserFactory
from tests.live import fire, shows_race, statuses

CLICKS = 5


def _mails() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id))) or 0


def _clicks(visitor) -> list:
    report = ReportFactory()
    page = f"/cohorts/reports/{report.id}"
    desk = visitor().login(UserFactory(staff=True, locale="en"))
    token = desk.token(page)
    data = {"decision": "changes", "comment": "Tambahkan harga pokok produksi."}
    return fire(CLICKS, lambda _: desk.post(f"{page}/decision", data, token=token))


def test_five_clicks_at_once_decide_once_and_send_one_mail(visitor, app, monkeypatch):
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.05)
    responses = _clicks(visitor)
    codes = statuses(responses)
    assert codes.count(302) == 1 and codes.count(200) == CLICKS - 1, codes
    assert all("This decision has already been made." in r.text for r in responses if r.status_code == 200)
    assert _mails() == 1
    assert db.session.scalar(select(func.count(ReportComment.id))) == 1


@pytest.mark.postgres
def test_control_without_locks_the_decision_is_made_several_times(visitor, app, monkeypatch, locks_off,
                                                                  quiet_server):
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.3)

    def round_() -> bool:
        before = _mails()
        _clicks(visitor)
        return _mails() - before > 1

    assert shows_race(round_)
