"""Reviewing progress reports: the participant's mentor and staff comment, the participant replies; staff accept a
report or ask for changes (with a comment), the participant is told by mail in their language; a second click on a
decision changes nothing; the staff list filters by status."""

import pytest
from sqlalchemy import func, select

from app.cohorts.models import ProgressReport, ReportComment, ReportStatus
from app.core.mail import OutboxMessage
from app.extensions import db
from tests.cohorts.factories import CohortFactory, MilestoneFactory, ParticipantFactory
from tests.cohorts.progress_factories import ReportFactory
from tests.core.test_html import assert_valid
from tests.factories import UserFactory
from tests.helpers import csrf_token, field_error, submit, text
from tests.mentoring.factories import MentorshipFactory


@pytest.fixture
def report():
    """A submitted report of an Indonesian-speaking participant on "Business model canvas"."""
    participant = ParticipantFactory(user_id=UserFactory(locale="id", name="Ayu Lestari").id)
    milestone = MilestoneFactory(cohort=participant.cohort, title_ind="Kanvas model bisnis",
                                 title_en="Business model canvas")
    return ReportFactory(milestone=milestone, participant=participant)


def _url(report) -> str:
    return f"/cohorts/reports/{report.id}"


def _decide(client, report, decision: str, comment: str = ""):
    return submit(client, f"{_url(report)}/decision", {"decision": decision, "comment": comment}, page=_url(report))


def _comments(report) -> list[tuple[int, str]]:
    return [tuple(row) for row in db.session.execute(
        select(ReportComment.author_id, ReportComment.body).where(ReportComment.report_id == report.id)
        .order_by(ReportComment.id))]


def test_the_mentor_comments_staff_comment_and_the_participant_replies(client, login, app, report):
    mentor = MentorshipFactory(participant=report.participant, accepted=True).mentor
    staff = UserFactory(staff=True, locale="en")
    person = report.participant.user

    login(mentor)
    page = text(client.get(_url(report)))
    assert "Kanvas sudah diisi" in page and "Accept the report" not in page  # mentors comment, staff decide
    assert_valid(page, "report page for the mentor")
    assert submit(client, _url(report), {"body": "Nice canvas. Who pays?"}).status_code == 302
    for user, body in ((staff, "Tambahkan harga pokok."), (person, "Baik, akan saya tambahkan.")):
        browser = app.test_client()
        login(user, on=browser)
        response = submit(browser, _url(report), {"body": body})
        assert response.status_code == 302 and response.headers["Location"].endswith(f"{_url(report)}#comments")

    assert _comments(report) == [(mentor.id, "Nice canvas. Who pays?"), (staff.id, "Tambahkan harga pokok."),
                                 (person.id, "Baik, akan saya tambahkan.")]
    page = text(client.get(_url(report)))
    assert page.index("Nice canvas") < page.index("Tambahkan harga") < page.index("Baik, akan")


def test_an_empty_comment_is_refused_on_the_field(client, login, report):
    login(UserFactory(staff=True, locale="en"))
    response = submit(client, _url(report), {"body": "   "})
    assert response.status_code == 200
    assert field_error(text(response), "body") == "Write a comment first."
    assert _comments(report) == []


def test_staff_accept_a_report_and_the_participant_is_told_in_their_language(client, login, outbox, report):
    login(UserFactory(staff=True, locale="en"))
    page = text(client.get(_url(report)))
    assert "Accept the report" in page and "Ask for changes" in page
    assert_valid(page, "report page for staff")

    response = _decide(client, report, "accept", "Bagus sekali.")
    assert response.status_code == 302
    db.session.refresh(report)
    assert report.status == ReportStatus.ACCEPTED and report.decided_by_id is not None
    assert _comments(report)[-1][1] == "Bagus sekali."
    (mail,) = outbox.messages(report.participant.user.email)
    assert mail.locale == "id" and mail.template == "cohorts/mail/report_decided"
    assert "Kanvas model bisnis" in mail.subject  # the milestone in the participant's language
    assert "Bagus sekali." in mail.body_text and f"/cohorts/reports/{report.id}" in mail.body_text
    assert "The report is now: Accepted." in text(client.get(_url(report)))


def test_asking_for_changes_needs_a_comment_which_the_mail_carries(client, login, outbox, report):
    report.participant.user.locale = "en"
    db.session.commit()
    login(UserFactory(staff=True, locale="en"))
    response = _decide(client, report, "changes", "")
    assert response.status_code == 200
    assert field_error(text(response), "comment") == "Say what should change: the participant reads this comment."
    assert outbox.messages() == [] and _comments(report) == []

    _decide(client, report, "changes", "Add your cost price, please.")
    db.session.refresh(report)
    assert report.status == ReportStatus.CHANGES_REQUESTED
    mail = outbox.last(report.participant.user.email)
    assert mail.subject == "Changes asked for your report on Business model canvas"
    assert "Add your cost price, please." in mail.body_text and "Please send a new version." in mail.body_text


def test_a_second_click_on_a_decision_changes_nothing(client, login, outbox, report):
    login(UserFactory(staff=True, locale="en"))
    token_page = _url(report)
    _decide(client, report, "accept")
    response = submit(client, f"{_url(report)}/decision", {"decision": "accept"}, page=token_page)
    assert response.status_code == 200  # told, not failed
    assert "This decision has already been made." in text(response)
    assert len(outbox.messages()) == 1


def test_an_accepted_report_is_not_sent_back_for_changes(client, login, outbox, report):
    login(UserFactory(staff=True, locale="en"))
    page = text(client.get(_url(report)))
    _decide(client, report, "accept")
    response = client.post(f"{_url(report)}/decision", data={"csrf_token": csrf_token(page), "decision": "changes",
                                                             "comment": "Actually, no."})
    assert response.status_code == 200
    assert "This report is no longer waiting for a decision." in text(response)
    db.session.refresh(report)
    assert report.status == ReportStatus.ACCEPTED and len(outbox.messages()) == 1


def test_only_staff_decide(app, login, report):
    mentor = MentorshipFactory(participant=report.participant, accepted=True).mentor
    for user in (mentor, report.participant.user):
        client = app.test_client()
        login(user, on=client)
        page = text(client.get(_url(report)))
        assert "Accept the report" not in page
        response = client.post(f"{_url(report)}/decision", data={"csrf_token": csrf_token(page),
                                                                 "decision": "accept"})
        assert response.status_code == 403
    db.session.refresh(report)
    assert report.status == ReportStatus.SUBMITTED


def test_staff_list_the_cohorts_reports_by_status(client, login):
    cohort = CohortFactory()
    waiting = ReportFactory(milestone=MilestoneFactory(cohort=cohort, title_en="Waiting one"))
    ReportFactory(milestone=MilestoneFactory(cohort=cohort, title_en="Accepted one"), status=ReportStatus.ACCEPTED)
    ReportFactory(milestone=MilestoneFactory(title_en="Another cohort's"))
    login(UserFactory(staff=True, locale="en"))
    url = f"/staff/cohorts/{cohort.id}/reports"
    everything = text(client.get(url))
    assert "Waiting one" in everything and "Accepted one" in everything and "Another cohort" not in everything
    assert_valid(everything, "staff report list")
    waiting_only = text(client.get(f"{url}?status=submitted"))
    assert "Waiting one" in waiting_only and "Accepted one" not in waiting_only
    assert f"/cohorts/reports/{waiting.id}" in waiting_only
    assert "Accepted one" in text(client.get(f"{url}?status=made-up"))  # an unknown filter shows all
    assert db.session.scalar(select(func.count(ProgressReport.id))) == 3
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
