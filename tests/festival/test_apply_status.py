"""After the steps: the receipt in the applicant's language, the status page and its timeline, the printable
summary, withdrawal; the public list of calls and the applicant's home page; and 404 for anyone else's data."""

import pytest

from app.extensions import db
from app.festival.models.application import ApplicationStatus as S
from app.festival.services import workflow
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, AssignmentFactory, CallFactory, EditionFactory, UserFactory
from tests.helpers import csrf_token, submit, text


def send(client, application):
    return submit(client, f"/applications/{application.id}/step/5", {"consent": "y", "action": "submit"})


@pytest.mark.parametrize(
    ("locale", "subject", "call_name", "date_text"),
    [("en", "Application received: {ref}", "Creative bazaar", "May 20, 2027"),
     ("id", None, "Bazar UMKM Kreatif", "20 Mei 2027")],
)
def test_the_receipt_is_mailed_in_the_applicants_language(client, login, open_window, outbox, locale, subject,
                                                          call_name, date_text):
    application = ApplicationFactory(applicant=UserFactory(locale=locale))
    login(application.applicant)
    send(client, application)
    db.session.refresh(application)
    mail = outbox.last(application.applicant.email)
    assert (mail.locale, mail.template) == (locale, "festival/mail/submitted")
    assert application.reference in mail.subject and application.reference in mail.body_text
    if subject:
        assert mail.subject == subject.format(ref=application.reference)
    assert call_name in mail.body_text and date_text in mail.body_text  # names and dates in that language
    assert f"/applications/{application.id}" in mail.body_text


def test_the_status_page_shows_the_timeline_in_the_viewers_time_zone(client, login, open_window):
    applicant = UserFactory(locale="en", timezone="Australia/Darwin")
    application = ApplicationFactory(applicant=applicant)
    login(applicant)
    send(client, application)
    html = text(client.get(f"/applications/{application.id}"))
    assert_valid(html, "status page")
    assert "Status: <strong>Submitted</strong>" in html
    assert '<ol class="timeline">' in html and 'aria-current="step"' in html
    assert "11:30" in html and "11:30:00" not in html  # 02:00 UTC in Darwin, to the minute
    assert "Under review · not yet" in html and "Printable summary" in html


def test_the_timeline_follows_each_change_and_shows_the_decision_message(app, client, login, open_window):
    application = ApplicationFactory(applicant=UserFactory(locale="en"))
    staff = UserFactory(staff=True)
    with app.test_request_context():
        workflow.transition(application, S.SUBMITTED, application.applicant)
        workflow.transition(application, S.UNDER_REVIEW, staff)
        workflow.transition(application, S.WAITLISTED, staff, "You are third on the list.")
    db.session.commit()
    login(application.applicant)
    html = text(client.get(f"/applications/{application.id}"))
    assert html.index("<strong>Submitted</strong>") < html.index("<strong>Under review</strong>") < html.index(
        "<strong>Waitlisted</strong> ·")
    assert "You are third on the list." in html and "not yet" not in html


def test_the_printable_summary(client, login, open_window):
    application = ApplicationFactory(submitted=True, applicant=UserFactory(locale="en"), nik="5171011705040001")
    login(application.applicant)
    html = text(client.get(f"/applications/{application.id}/summary"))
    assert_valid(html, "summary")
    for shown in (application.reference, application.business_name, "5171********0001", "Klepon, laklak",
                  "Denpasar Selatan"):
        assert shown in html
    assert 'class="no-print"' in html
    stylesheet = client.get("/static/css/app.css")
    css = stylesheet.get_data(as_text=True)
    stylesheet.close()
    assert "@media print" in css and ".no-print" in css


def test_an_applicant_withdraws_after_confirming(client, login, open_window, outbox):
    application = ApplicationFactory(submitted=True, applicant=UserFactory(locale="en"))
    login(application.applicant)
    url = f"/applications/{application.id}/withdraw"
    page = client.get(url)
    assert_valid(text(page), "withdraw")
    response = submit(client, url, {"reason": "I cannot come that week."})
    assert response.headers["Location"] == f"/applications/{application.id}"
    db.session.refresh(application)
    assert application.status == S.WITHDRAWN
    assert application.events[-1].message == "I cannot come that week."
    assert outbox.last(application.applicant.email).template == "festival/mail/withdrawn"


def test_no_withdrawal_after_a_rejection(client, login, open_window):
    application = ApplicationFactory(submitted=True, status=S.REJECTED, applicant=UserFactory(locale="en"))
    login(application.applicant)
    assert "Withdraw my application" not in text(client.get(f"/applications/{application.id}"))
    token = csrf_token(text(client.get(f"/applications/{application.id}")))
    response = client.post(f"/applications/{application.id}/withdraw", data={"csrf_token": token})
    assert response.headers["Location"] == f"/applications/{application.id}"
    db.session.refresh(application)
    assert application.status == S.REJECTED


def test_another_persons_application_files_and_pages_are_not_found(app, client, login, open_window, upload,
                                                                   make_image):
    mine = ApplicationFactory()
    login(mine.applicant)
    upload(mine, photos=[(make_image("PNG"), "p.png")])
    db.session.refresh(mine)
    file_id = mine.files[0].id

    other = app.test_client()
    login(ApplicationFactory().applicant, on=other)
    token = csrf_token(text(other.get("/applicant")))
    base = f"/applications/{mine.id}"
    for url in (base, f"{base}/summary", f"{base}/withdraw", f"{base}/step/1", f"{base}/step/4", f"{base}/step/5",
                f"/files/{file_id}"):
        assert other.get(url).status_code == 404, url
    for url in (f"{base}/step/1", f"{base}/step/1/autosave", f"{base}/withdraw", f"/files/{file_id}/delete"):
        assert other.post(url, data={"csrf_token": token, "full_name": "Hacker"}).status_code == 404, url
    db.session.refresh(mine)
    assert mine.full_name != "Hacker" and len(mine.files) == 1 and mine.status == S.DRAFT


def test_staff_may_open_the_status_page_but_not_the_steps_and_reviewers_read_only_through_review(
        app, login, open_window):
    assignment = AssignmentFactory()
    application = assignment.application
    reviewer = app.test_client()
    login(assignment.reviewer, on=reviewer)
    # Reviewers read applications on /review/<assignment>, which respects blind review; not on these pages.
    assert reviewer.get(f"/applications/{application.id}").status_code == 404
    assert reviewer.get(f"/applications/{application.id}/summary").status_code == 404
    staff = app.test_client()
    login(UserFactory(staff=True), on=staff)
    assert staff.get(f"/applications/{application.id}").status_code == 200
    assert staff.get(f"/applications/{application.id}/step/1").status_code == 404
    other_reviewer = app.test_client()
    login(UserFactory(reviewer=True), on=other_reviewer)
    assert other_reviewer.get(f"/applications/{application.id}").status_code == 404


def test_the_public_calls_page_shows_the_window_in_denpasar_time(client, login, open_window):
    call = CallFactory()
    CallFactory(edition=EditionFactory(status="draft"), name_en="Hidden call")
    html = text(client.get("/festival", headers={"Accept-Language": "en"}))
    assert_valid(html, "/festival")
    assert "Creative bazaar" in html and "Hidden call" not in html
    assert "May 31, 2027, 11:59" in html and "11:59:00" not in html  # the close, 15:59 UTC, in Denpasar time
    assert "Read about Creative bazaar and apply" in html  # the call's own page has the apply button (its tests)
    login(UserFactory(locale="en"))
    html = text(client.get("/festival"))
    assert "Read about Creative bazaar and apply" in html and str(call.id) in html
    assert_valid(html, "/festival as an applicant")


def test_the_applicant_home_lists_applications_and_the_calls_still_open(client, login, open_window):
    application = ApplicationFactory(applicant=UserFactory(locale="en"), current_step=3)
    other_call = CallFactory(edition=application.call.edition, kind="showcase", name_en="Showcase", position=2)
    login(application.applicant)
    html = text(client.get("/applicant"))
    assert_valid(html, "/applicant")
    assert "Status: <strong>Draft</strong>" in html
    assert f'href="/applications/{application.id}/step/3"' in html
    assert f'href="/festival/calls/{other_call.id}"' in html  # the call's page, its apply button at the end
    assert f'action="/festival/calls/{application.call_id}/apply"' not in html


def test_a_draft_stays_private_to_its_applicant_staff_included(app, client, login, open_window, upload, make_image):
    """One rule (access.is_private_draft) for the status page, the printable summary (with the NIK) and the files."""
    draft = ApplicationFactory(applicant=UserFactory(locale="en"), nik="5171011705040001")
    login(draft.applicant)
    upload(draft, photos=[(make_image("PNG"), "p.png")])
    db.session.refresh(draft)
    base = f"/applications/{draft.id}"
    pages = (base, f"{base}/summary", f"/files/{draft.files[0].id}")
    staff = app.test_client()
    login(UserFactory(staff=True), on=staff)
    for url in pages:
        assert client.get(url).status_code == 200, url  # the applicant
        assert staff.get(url).status_code == 404, url
    assert "5171011705040001" not in text(staff.get(f"{base}/summary"))

    assert send(client, draft).headers["Location"] == base  # submitted: now staff's to read
    for url in pages:
        assert staff.get(url).status_code == 200, url


def test_the_status_page_shows_the_expected_decision_date(client, login, open_window):
    from datetime import date

    application = ApplicationFactory(call=CallFactory(decision_expected_on=date(2027, 6, 20)), submitted=True,
                                     applicant=UserFactory(locale="en"))
    login(application.applicant)
    html = text(client.get(f"/applications/{application.id}"))
    assert "Decisions are expected by June 20, 2027." in html


def test_an_accepted_application_says_what_to_do_next_and_links_to_it(client, login, open_window):
    application = ApplicationFactory(call=CallFactory(next_steps_en="Bring your own table cloth."), submitted=True,
                                     status=S.ACCEPTED, applicant=UserFactory(locale="en"))
    login(application.applicant)
    html = text(client.get(f"/applications/{application.id}"))
    assert "Your next step:" in html and "Bring your own table cloth." in html
    assert f'href="/applications/{application.id}/stall"' in html or "Choose your stall" in html
    assert "Choose your stall" in html


def test_the_receipt_can_be_shared_on_whatsapp_without_personal_data(client, login, open_window):
    from urllib.parse import parse_qs, urlsplit

    applicant = UserFactory(locale="en", name="Ni Luh Ayu", phone_e164="+6281299887766")
    application = ApplicationFactory(submitted=True, applicant=applicant)
    login(applicant)
    html = text(client.get(f"/applications/{application.id}"))
    href = html.split('href="https://wa.me/?text=', 1)[1].split('"', 1)[0]
    assert " " not in href and "/" not in href  # fully encoded
    (message,) = parse_qs(urlsplit(f"https://wa.me/?text={href}").query)["text"]
    assert message == f"My D'Youth application: {application.reference} http://localhost/applications/{application.id}"
    assert "Ayu" not in message and "8766" not in message and applicant.email not in message


def test_withdrawing_is_a_secondary_link_to_a_confirmation(client, login, open_window):
    application = ApplicationFactory(submitted=True, applicant=UserFactory(locale="en"))
    login(application.applicant)
    html = text(client.get(f"/applications/{application.id}"))
    link = f'<a class="withdraw-link" href="/applications/{application.id}/withdraw">Withdraw my application</a>'
    assert link in html and 'role="button"' not in html.split(link)[0].split("status-actions")[-1]
    page = text(client.get(f"/applications/{application.id}/withdraw"))
    assert "Yes, withdraw" in page and "No, keep it" in page
    db.session.refresh(application)
    assert application.status == S.SUBMITTED  # opening the page withdraws nothing
