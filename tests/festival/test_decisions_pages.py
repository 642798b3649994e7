"""The decision pages: warnings when drafting early, clearing a draft, revising a released decision with a reason, the
send page (count, previews, release) and who may open them."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.festival.models.application import ApplicationStatus as S
from app.festival.models.review import AssignmentStatus
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, AssignmentFactory, UserFactory
from tests.helpers import field_error, submit, text


@pytest.fixture
def staff(login):
    user = UserFactory(staff=True, locale="en", name="Staf Desk")
    login(user)
    return user


def url(application, action: str = "") -> str:
    return f"/staff/applications/{application.id}{action}"


def test_drafting_before_the_reviews_and_the_deadline_warns_and_drafts(client, staff, frozen_clock):
    application = ApplicationFactory(submitted=True)
    AssignmentFactory(application=application, status=AssignmentStatus.ASSIGNED)
    frozen_clock(application.call.edition.applications_close_at - timedelta(days=1))
    html = text(client.get(url(application)))
    assert "1 assigned review(s) not yet submitted." in html and "The application deadline has not passed yet." in html
    response = submit(client, url(application), {"decision": "rejected"})
    assert response.status_code == 302
    html = text(client.get(response.headers["Location"]))
    assert "Please note: 1 assigned review(s) not yet submitted. The application deadline has not passed yet." in html
    db.session.expire_all()
    assert application.draft_decision == S.REJECTED and application.status == S.SUBMITTED


def test_a_draft_is_cleared_with_its_button(client, staff, outbox):
    application = ApplicationFactory(submitted=True)
    submit(client, url(application), {"decision": "accepted", "message": "Hi"})
    html = text(client.get(url(application)))
    assert "Drafted: Accepted, by Staf Desk. Not sent yet." in html
    assert_valid(html, "application with a drafted decision")
    response = submit(client, url(application, "/clear-draft"), {}, page=url(application))
    assert response.status_code == 302
    assert "The drafted decision is cleared." in text(client.get(response.headers["Location"]))
    db.session.expire_all()
    assert application.draft_decision is None and application.draft_message == "" and outbox.messages() == []


def test_a_released_decision_is_revised_with_a_reason_on_the_page(client, staff, outbox):
    application = ApplicationFactory(submitted=True, status=S.REJECTED, applicant=UserFactory(locale="id"))
    response = submit(client, url(application, "/revise"), {"decision": "accepted", "reason": "  "},
                      page=url(application))
    assert response.status_code == 200
    assert field_error(text(response), "revise-reason") == "This field is required."
    assert_valid(text(response), "refused revision")
    response = submit(client, url(application, "/revise"), {"decision": "accepted", "reason": "Salah hitung skor."},
                      page=url(application))
    assert response.status_code == 302
    assert "The decision is changed" in text(client.get(response.headers["Location"]))
    db.session.expire_all()
    assert application.status == S.ACCEPTED
    assert (application.events[-1].from_status, application.events[-1].message) == (S.REJECTED, "Salah hitung skor.")
    mail = outbox.last(application.applicant.email)
    assert (mail.template, mail.locale) == ("festival/mail/revised", "id") and "Salah hitung skor." in mail.body_text


def test_a_revision_of_an_undecided_application_is_refused_on_the_form(client, staff, outbox):
    application = ApplicationFactory(submitted=True, status=S.UNDER_REVIEW)
    response = submit(client, url(application, "/revise"), {"decision": "accepted", "reason": "Because."},
                      page=url(application))
    assert response.status_code == 200
    assert "Only a released acceptance or rejection can be revised." in text(response)
    db.session.expire_all()
    assert application.status == S.UNDER_REVIEW and outbox.messages() == []


def test_the_send_page_counts_previews_and_releases_once(client, staff, outbox):
    application = ApplicationFactory(submitted=True, applicant=UserFactory(locale="en"))
    release = f"/staff/calls/{application.call_id}/decisions"
    assert "There are no drafted decisions to send for this call." in text(client.get(release))
    submit(client, url(application), {"decision": "waitlisted", "message": "Hold on"})
    html = text(client.get(release))
    assert "Send 1 decision" in html and "Hold on" in html and "English" in html
    assert_valid(html, "send page")
    assert outbox.messages() == []
    response = submit(client, release, {})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"call={application.call_id}")
    assert "1 decision sent." in text(client.get(response.headers["Location"]))
    response = submit(client, release, {})  # a second click: nothing left, nothing sent twice
    assert "There are no drafted decisions to send for this call." in text(client.get(response.headers["Location"]))
    assert [m.template for m in outbox.messages()] == ["festival/mail/waitlisted"]


@pytest.mark.parametrize("role", ["applicant", "mentor", "reviewer"])
def test_only_staff_use_the_decision_pages(client, login, role):
    application = ApplicationFactory(submitted=True, status=S.ACCEPTED)
    user = application.applicant if role == "applicant" else UserFactory(**{role: True})
    login(user)
    assert client.get(f"/staff/calls/{application.call_id}/decisions").status_code == 403
    for action in ("/revise", "/clear-draft"):
        assert client.post(url(application, action), data={}).status_code in (400, 403)
    db.session.expire_all()
    assert application.status == S.ACCEPTED


def test_unknown_calls_drafts_and_applications_are_not_found(client, staff):
    assert client.get("/staff/calls/999999/decisions").status_code == 404
    draft = ApplicationFactory()  # a draft of the applicant's is private
    for action in ("/revise", "/clear-draft"):
        assert submit(client, url(draft, action), {"reason": "x", "decision": "accepted"},
                      page=f"/staff/calls/{draft.call_id}/decisions").status_code == 404
