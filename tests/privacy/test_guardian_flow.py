"""A parent's or guardian's consent for an applicant under 18, end to end through the real forms: the draft cannot be
submitted until the guardian has opened the mailed link and confirmed; the link shows what they agree to in the
applicant's language; a second click changes nothing; an 18-year-old needs no guardian; new contact details void an
earlier confirmation."""

from datetime import UTC, date, datetime, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import select

from app.extensions import db
from app.festival.models.application import ApplicationStatus as S
from app.privacy.consent_texts import CURRENT_VERSION, TEXTS
from app.privacy.models.consent import ConsentRecord, GuardianConsent
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, UserFactory
from tests.helpers import field_error, path_of, submit, text

IN_WINDOW = datetime(2027, 5, 20, 2, 0, tzinfo=UTC)  # the factories' application window; festival on 14 Aug 2027
UNDER_18 = date(2010, 6, 1)  # 16 on the submission day, 17 on the festival day
GUARDIAN = {"name": "I Wayan Sudarma", "relationship": "father", "email": "wayan.ayah@example.net",
            "phone": "0813 1111 2222"}


@pytest.fixture(autouse=True)
def open_window(frozen_clock):
    frozen_clock(IN_WINDOW)


@pytest.fixture
def minor(login):
    """An English-speaking applicant of 16 with a complete draft, logged in."""
    user = UserFactory(locale="en", date_of_birth=UNDER_18, name="Putu Ayu")
    application = ApplicationFactory(applicant=user, full_name="Putu Ayu Lestari", date_of_birth=UNDER_18)
    login(user)
    return application


def review_url(application) -> str:
    return f"/applications/{application.id}/step/5"


def guardian_url(application) -> str:
    return f"/applications/{application.id}/guardian"


def submit_application(client, application):
    return submit(client, review_url(application), {"consent": "y", "action": "submit"})


def status_of(application) -> S:
    db.session.refresh(application)
    return application.status


def guardian_row(application) -> GuardianConsent | None:
    return db.session.scalar(select(GuardianConsent).where(GuardianConsent.application_id == application.id))


def test_an_under_18_draft_waits_for_the_guardian_who_confirms_by_the_mailed_link(app, client, minor, outbox):
    review = text(client.get(review_url(minor)))
    assert "Consent of a parent or guardian" in review and "You are under 18" in review
    assert_valid(review, "review step of a minor")

    response = submit_application(client, minor)  # nobody named yet
    assert response.status_code == 200 and status_of(minor) == S.DRAFT
    assert field_error(text(response), "guardian").startswith("You are under 18: enter the details")

    response = submit(client, guardian_url(minor), GUARDIAN, page=review_url(minor))
    assert response.headers["Location"].endswith(f"{review_url(minor)}#guardian-consent")
    row = guardian_row(minor)
    assert (row.name, row.email, row.phone_e164, row.relationship.value) == (
        "I Wayan Sudarma", "wayan.ayah@example.net", "+6281311112222", "father")
    assert row.confirmed_at is None and row.text_version == CURRENT_VERSION and len(row.token_hash) == 64
    mail = outbox.last("wayan.ayah@example.net")
    assert mail.locale == "en" and mail.subject == "Your consent for Putu Ayu Lestari's application to D'Youth"
    link = outbox.link("wayan.ayah@example.net", "/guardian/")
    assert link.rsplit("/", 1)[1] not in row.token_hash  # only the hash is stored

    response = submit_application(client, minor)  # named, not confirmed yet
    assert field_error(text(response), "guardian").startswith("Your parent or guardian has not confirmed")
    assert status_of(minor) == S.DRAFT

    guardian_browser = app.test_client()
    page = guardian_browser.get(path_of(link))
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert_valid(text(page), "guardian's page")
    assert "I agree and confirm my consent" in text(page)
    response = submit(guardian_browser, path_of(link), {})
    assert response.status_code == 303 and path_of(response.headers["Location"]) == path_of(link)
    assert guardian_row(minor).confirmed_at == IN_WINDOW
    assert "Thank you: you confirmed your consent" in text(guardian_browser.get(path_of(link)))

    assert "confirmed their consent" in text(client.get(review_url(minor)))
    response = submit_application(client, minor)
    assert response.headers["Location"] == f"/applications/{minor.id}" and status_of(minor) == S.SUBMITTED
    consent = db.session.scalar(select(ConsentRecord).where(ConsentRecord.application_id == minor.id))
    assert (consent.text_version, consent.locale, consent.purpose.value) == (CURRENT_VERSION, "en", "application")


@pytest.mark.parametrize("locale", ["id", "en"])
def test_the_link_shows_what_the_guardian_agrees_to_in_the_applicants_language(app, client, login, outbox, locale):
    user = UserFactory(locale=locale, date_of_birth=UNDER_18)
    application = ApplicationFactory(applicant=user, full_name="Kadek Sari", date_of_birth=UNDER_18)
    login(user)
    submit(client, guardian_url(application), GUARDIAN)
    mail = outbox.last(GUARDIAN["email"])
    assert mail.locale == locale
    page = text(app.test_client().get(path_of(outbox.link(GUARDIAN["email"], "/guardian/"))))
    consent = TEXTS[CURRENT_VERSION]
    assert f'<html lang="{locale}">' in page
    assert escape(consent.for_applicant(locale)) in page and "Darwin, Australia" in consent.for_applicant(locale)
    assert escape(consent.for_guardian(locale, "Kadek Sari")) in page
    if locale == "id":
        assert escape(consent.for_applicant("en")) not in page
    else:
        assert "The Indonesian text is the authoritative one" in page
        assert escape(consent.for_applicant("id")) in page  # the authoritative text, one click away


def test_a_second_click_on_the_link_changes_nothing(app, client, minor, outbox, frozen_clock):
    submit(client, guardian_url(minor), GUARDIAN)
    link = path_of(outbox.link(GUARDIAN["email"], "/guardian/"))
    guardian_browser = app.test_client()
    submit(guardian_browser, link, {})
    frozen_clock(IN_WINDOW + timedelta(hours=2))
    response = submit(guardian_browser, link, {}, page=link)
    assert response.status_code == 303
    row = guardian_row(minor)
    assert row.confirmed_at == IN_WINDOW  # the first confirmation stands
    page = text(guardian_browser.get(link))
    assert "Thank you: you confirmed your consent" in page and "I agree and confirm my consent" not in page


def test_an_applicant_of_18_needs_no_guardian(client, login, outbox):
    born = date(2009, 5, 20)  # 18 today (20 May 2027, in Denpasar)
    user = UserFactory(locale="en", date_of_birth=born)
    application = ApplicationFactory(applicant=user, date_of_birth=born)
    login(user)
    assert "Consent of a parent or guardian" not in text(client.get(review_url(application)))
    response = client.get(guardian_url(application))
    assert response.status_code == 302 and path_of(response.headers["Location"]) == review_url(application)
    response = submit_application(client, application)
    assert response.headers["Location"] == f"/applications/{application.id}"
    assert status_of(application) == S.SUBMITTED and guardian_row(application) is None


def test_the_day_before_their_18th_birthday_a_guardian_is_still_needed(client, login):
    born = date(2009, 5, 21)
    user = UserFactory(locale="en", date_of_birth=born)
    application = ApplicationFactory(applicant=user, date_of_birth=born)
    login(user)
    response = submit_application(client, application)
    assert field_error(text(response), "guardian") is not None and status_of(application) == S.DRAFT


def test_new_contact_details_void_the_earlier_confirmation(app, client, minor, outbox):
    submit(client, guardian_url(minor), GUARDIAN)
    old_link = path_of(outbox.link(GUARDIAN["email"], "/guardian/"))
    submit(app.test_client(), old_link, {})
    assert guardian_row(minor).confirmed_at is not None

    changed = {**GUARDIAN, "email": "ibu.made@example.net", "relationship": "mother", "name": "Ni Made Rai"}
    response = submit(client, guardian_url(minor), changed)
    assert response.status_code == 302
    row = guardian_row(minor)
    assert row.confirmed_at is None and row.email == "ibu.made@example.net"
    assert outbox.last("ibu.made@example.net").subject.startswith("Your consent for")

    stale = app.test_client().get(old_link, headers={"Accept-Language": "en"})
    assert stale.status_code == 400 and "not valid any more" in text(stale)
    response = submit_application(client, minor)
    assert field_error(text(response), "guardian").startswith("Your parent or guardian has not confirmed")
    assert status_of(minor) == S.DRAFT

    submit(app.test_client(), path_of(outbox.link("ibu.made@example.net", "/guardian/")), {})
    assert submit_application(client, minor).status_code == 302 and status_of(minor) == S.SUBMITTED


def test_a_phone_number_change_also_voids_it(app, client, minor, outbox):
    submit(client, guardian_url(minor), GUARDIAN)
    submit(app.test_client(), path_of(outbox.link(GUARDIAN["email"], "/guardian/")), {})
    submit(client, guardian_url(minor), {**GUARDIAN, "phone": "0813 9999 0000"})
    assert guardian_row(minor).confirmed_at is None and len(outbox.messages(GUARDIAN["email"])) == 2


def test_sending_the_same_link_again_waits_ten_minutes(app, client, minor, outbox, frozen_clock):
    submit(client, guardian_url(minor), GUARDIAN)
    first_link = path_of(outbox.link(GUARDIAN["email"], "/guardian/"))
    response = submit(client, guardian_url(minor), GUARDIAN)
    assert "Please wait a few minutes" in field_error(text(response), "email")
    assert len(outbox.messages(GUARDIAN["email"])) == 1

    frozen_clock(IN_WINDOW + timedelta(minutes=11))
    assert submit(client, guardian_url(minor), GUARDIAN).status_code == 302
    assert len(outbox.messages(GUARDIAN["email"])) == 2
    assert app.test_client().get(first_link).status_code == 400  # only the newest link works


def test_the_guardian_form_checks_its_fields(client, minor, outbox):
    response = submit(client, guardian_url(minor), {**GUARDIAN, "email": minor.applicant.email})
    assert field_error(text(response), "email") == "Enter the e-mail address of your parent or guardian, not your own."
    response = submit(client, guardian_url(minor), {"name": "", "relationship": "uncle", "email": "x", "phone": "12"})
    page = text(response)
    assert field_error(page, "name") == "This field is required."
    assert field_error(page, "relationship") == "Not a valid choice."
    assert field_error(page, "email") == "Enter an e-mail address such as nama@contoh.com."
    assert field_error(page, "phone") is not None
    assert_valid(page, "guardian details with errors")
    assert guardian_row(minor) is None and outbox.messages() == []


def test_only_the_applicant_names_their_guardian(app, login, minor):
    other = app.test_client()
    login(UserFactory(locale="en"), on=other)
    assert other.get(guardian_url(minor)).status_code == 404
    assert other.post(guardian_url(minor), data=GUARDIAN).status_code in (400, 404)  # no CSRF token, no row
    assert guardian_row(minor) is None


def test_an_unknown_link_is_refused(client):
    response = client.get("/guardian/not-a-token", headers={"Accept-Language": "en"})
    assert response.status_code == 400 and "This link cannot be used" in text(response)
