"""Ten parallel acceptances of one application by staff (a double-click on "Save decision"): one event, one mail."""

from sqlalchemy import func, select

from app.extensions import db
from app.festival.models import ApplicationEvent
from app.festival.models.application import ApplicationStatus as S
from tests.factories import ApplicationFactory, UserFactory
from tests.live import fire, statuses


def test_ten_parallel_decisions_record_one_and_mail_once(visitor, outbox):
    application = ApplicationFactory(submitted=True, status=S.UNDER_REVIEW)
    browser = visitor().login(UserFactory(staff=True, locale="en"))
    url = f"/staff/applications/{application.id}"
    token = browser.token(url)

    responses = fire(10, lambda _: browser.post(url, {"decision": "accepted", "message": ""}, token=token))

    codes = statuses(responses)
    assert codes.count(302) == 1 and codes.count(200) == 9, codes
    assert all("This application is already Accepted." in r.text for r in responses if r.status_code == 200)
    assert db.session.scalar(select(func.count()).select_from(ApplicationEvent).where(
        ApplicationEvent.application_id == application.id, ApplicationEvent.to_status == S.ACCEPTED)) == 1
    mails = [m for m in outbox.messages(to=application.applicant.email) if m.template == "festival/mail/accepted"]
    assert len(mails) == 1
