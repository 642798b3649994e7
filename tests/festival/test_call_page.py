"""Each call has a public page (what it is, who may apply, what is asked, the fee, the deadline, the expected decision
date, what happens next) with the apply button at its end; the list of calls links to it."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from app.extensions import db
from app.festival.models import Application
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, CallFactory, EditionFactory, UserFactory
from tests.helpers import submit, text

EN = {"Accept-Language": "en"}


def _call(**fields):
    return CallFactory(
        intro_ind="Bazar kreatif.", intro_en="A creative bazaar.", eligibility_ind="Usaha muda di Denpasar.",
        fee_note_ind="Sewa stan Rp 350.000.", fee_note_en="Stall rent Rp 350,000, paid after acceptance.",
        next_steps_en="We e-mail you within a week.", decision_expected_on=date(2027, 6, 20), **fields)


def test_a_visitor_reads_the_whole_call_and_is_asked_to_log_in(client, open_window):
    call = _call()
    html = text(client.get(f"/festival/calls/{call.id}", headers=EN))
    assert_valid(html, "call page")
    for part in ("A creative bazaar.", "Usaha muda di Denpasar.",  # not written in English: Indonesian
                 "Stall rent Rp 350,000, paid after acceptance.", "We e-mail you within a week.",
                 "May 31, 2027", "June 20, 2027"):
        assert part in html, part
    for question in call.questions:
        assert question.label("en") in html
    assert "About you" in html and "Photos and documents" in html  # the steps every applicant goes through
    assert f"/login?next=/festival/calls/{call.id}" in html
    assert html.index("What happens next") < html.index("Log in to apply")  # the action comes at the end


def test_the_list_links_to_each_calls_page_and_the_page_starts_the_draft(client, login, open_window):
    call = _call()
    applicant = UserFactory(locale="en")
    login(applicant)
    listing = text(client.get("/festival"))
    assert f'href="/festival/calls/{call.id}"' in listing
    assert f'action="/festival/calls/{call.id}/apply"' not in listing  # no draft from the list any more
    page = text(client.get(f"/festival/calls/{call.id}"))
    assert_valid(page, "call page as an applicant")
    assert f'action="/festival/calls/{call.id}/apply"' in page and "Apply to Creative bazaar" in page
    response = submit(client, f"/festival/calls/{call.id}/apply", {}, page=f"/festival/calls/{call.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/step/1")
    draft = db.session.scalar(select(Application).where(Application.applicant_id == applicant.id))
    page = text(client.get(f"/festival/calls/{call.id}"))
    assert f'href="/applications/{draft.id}"' in page and 'action="/festival/calls/' not in page


def test_defaults_when_staff_wrote_nothing_and_a_closed_call(client, frozen_clock):
    call = CallFactory()
    frozen_clock(datetime(2027, 6, 5, tzinfo=UTC))  # after the close
    html = text(client.get(f"/festival/calls/{call.id}", headers=EN))
    assert "Applying is free." in html and "We will e-mail you when decisions are made." in html
    assert "Closed." in html and "/apply" not in html


def test_other_roles_cannot_apply_from_the_page(client, login, open_window):
    call = _call()
    login(UserFactory(reviewer=True, locale="en"))
    assert "Only applicant accounts can apply." in text(client.get(f"/festival/calls/{call.id}"))


def test_calls_of_unpublished_or_past_editions_are_hidden_except_from_staff(app, login, open_window):
    hidden = CallFactory(edition=EditionFactory(status="draft"))
    past = CallFactory(edition=EditionFactory(starts_on=date(2026, 8, 1), ends_on=date(2026, 8, 2)))
    for user in (None, UserFactory(locale="en"), UserFactory(reviewer=True), UserFactory(mentor=True)):
        browser = app.test_client()
        if user is not None:
            login(user, on=browser)
        assert browser.get(f"/festival/calls/{hidden.id}").status_code == 404
        assert browser.get(f"/festival/calls/{past.id}").status_code == 404
    staff = app.test_client()
    login(UserFactory(staff=True), on=staff)
    assert staff.get(f"/festival/calls/{hidden.id}").status_code == 200
    assert staff.get("/festival/calls/999999").status_code == 404


def test_someone_with_an_application_is_sent_to_it(client, login, open_window):
    application = ApplicationFactory(submitted=True, applicant=UserFactory(locale="en"))
    login(application.applicant)
    html = text(client.get(f"/festival/calls/{application.call_id}"))
    assert f'href="/applications/{application.id}"' in html and "Open your application" in html


def test_bad_addresses_are_404(client):
    for url in ("/festival/calls/x", "/festival/calls/-1", "/festival/calls/99999999999999999999", "/festival/calls/0"):
        assert client.get(url).status_code == 404, url
