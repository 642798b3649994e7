"""Ten parallel drafts of one decision by staff (a double-click on "Save the draft decision"): the draft is written,
nothing moves and nobody is mailed until the call's decisions are released (see test_release.py)."""

from sqlalchemy import func, select

from app.extensions import db
from app.festival.models import ApplicationEvent
from app.festival.models.application import ApplicationStatus as S
from tests.factories import ApplicationFactory, UserFactory
from tests.live import fire, statuses


def test_ten_parallel_drafts_record_the_draft_and_mail_nobody(visitor, outbox):
    application = ApplicationFactory(submitted=True, status=S.UNDER_REVIEW)
    browser = visitor().login(UserFactory(staff=True, locale="en"))
    url = f"/staff/applications/{application.id}"
    token = browser.token(url)

    responses = fire(10, lambda _: browser.post(url, {"decision": "accepted", "message": ""}, token=token))

    assert statuses(responses).count(302) == 10
    db.session.refresh(application)
    assert application.status == S.UNDER_REVIEW and application.draft_decision == S.ACCEPTED
    assert db.session.scalar(select(func.count()).select_from(ApplicationEvent).where(
        ApplicationEvent.application_id == application.id)) == 0
    assert outbox.messages(to=application.applicant.email) == []
