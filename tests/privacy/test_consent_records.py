"""Consent is recorded with the version of the text the person read, in the language they read it; the review step
shows that text (with the cross-border transfer to mentors in Darwin); the privacy page is public and bilingual."""

from datetime import UTC, datetime

import pytest
from markupsafe import escape
from sqlalchemy import select

from app.extensions import db
from app.privacy import consent_texts
from app.privacy.models.consent import ConsentPurpose, ConsentRecord
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, UserFactory
from tests.helpers import field_error, submit, text

IN_WINDOW = datetime(2027, 5, 20, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def open_window(frozen_clock):
    frozen_clock(IN_WINDOW)


def review_url(application) -> str:
    return f"/applications/{application.id}/step/5"


def test_every_version_has_both_languages_and_says_where_the_data_goes():
    assert consent_texts.CURRENT_VERSION in consent_texts.TEXTS
    for version, entry in consent_texts.TEXTS.items():
        assert entry.version == version and len(version) <= 16  # the column's width
        assert set(entry.applicant) == set(entry.guardian) == {"id", "en"}
        assert "{applicant}" in entry.guardian["id"] and "{applicant}" in entry.guardian["en"]
    current = consent_texts.text()
    assert "Darwin, Australia" in current.applicant["id"] and "ke luar wilayah Indonesia" in current.applicant["id"]
    assert "Darwin, Australia" in current.applicant["en"] and "outside Indonesia" in current.applicant["en"]
    assert "bahasa Indonesia adalah teks yang berlaku" in current.applicant["id"].replace("berbahasa", "bahasa")


@pytest.mark.parametrize("locale", ["id", "en"])
def test_submitting_records_the_consent_with_the_text_version_and_language(client, login, locale):
    application = ApplicationFactory(applicant=UserFactory(locale=locale), consent_at=None)
    login(application.applicant)
    review = text(client.get(review_url(application)))
    assert escape(consent_texts.text().for_applicant(locale)) in review  # what they agree to, above the box
    assert_valid(review, "review step")
    response = submit(client, review_url(application), {"consent": "y", "action": "submit"})
    assert response.status_code == 302
    rows = list(db.session.scalars(select(ConsentRecord)))
    assert len(rows) == 1
    row = rows[0]
    assert (row.user_id, row.application_id, row.purpose) == (application.applicant_id, application.id,
                                                              ConsentPurpose.APPLICATION)
    assert (row.text_version, row.locale, row.agreed_at) == (consent_texts.CURRENT_VERSION, locale, IN_WINDOW)
    db.session.refresh(application)
    assert application.consent_at == IN_WINDOW


def test_no_consent_no_record(client, login):
    application = ApplicationFactory(applicant=UserFactory(locale="en"))
    login(application.applicant)
    response = submit(client, review_url(application), {"action": "submit"})
    assert field_error(text(response), "consent") == "Please agree to the processing of your personal data."
    assert db.session.scalar(select(ConsentRecord)) is None


def test_an_english_reader_is_shown_the_authoritative_indonesian_text_too(client, login):
    application = ApplicationFactory(applicant=UserFactory(locale="en"))
    login(application.applicant)
    review = text(client.get(review_url(application)))
    assert "The Indonesian text is the authoritative one" in review
    assert escape(consent_texts.text().for_applicant("id")) in review


@pytest.mark.parametrize(("language", "heading"), [("en", "Privacy notice"), ("id", "Pemberitahuan privasi")])
def test_the_privacy_page_is_public_and_in_the_visitors_language(app, client, monkeypatch, language, heading):
    monkeypatch.setitem(app.config, "PRIVACY_CONTACT_EMAIL", "dpo@example.go.id")
    monkeypatch.setitem(app.config, "PRIVACY_RETENTION_MONTHS", 18)
    response = client.get("/privacy", headers={"Accept-Language": language})
    page = text(response)
    assert response.status_code == 200 and f'<html lang="{language}">' in page
    if language == "en" or "Pemberitahuan privasi" in page:  # (the Indonesian catalogue may not be compiled yet)
        assert f"<h1>{heading}</h1>" in page
    assert 'href="mailto:dpo@example.go.id"' in page and "Darwin, Australia" in page and " 18 " in page
    current = consent_texts.text()
    assert escape(current.applicant["id"]) in page and escape(current.applicant["en"]) in page
    assert_valid(page, "privacy page")


def test_the_privacy_notice_says_what_the_issue_asks(client):
    page = text(client.get("/privacy", headers={"Accept-Language": "en"}))
    for said in ("What we collect", "Why", "Who sees it", "blind review", "Darwin, Australia",
                 "transfer of personal data outside Indonesia", "24 months after the edition closes",
                 "My data", "Correction", "Deletion", "Withdrawal of consent",
                 "privasi@dyouth.denpasarkota.go.id"):
        assert escape(said) in page, said
    assert 'href="/my-data"' in page  # where access, download and deletion happen


def test_every_page_links_the_privacy_notice_in_its_footer(client):
    for url in ("/", "/login", "/festival"):
        page = text(client.get(url, headers={"Accept-Language": "en"}))
        footer = page.split('<footer', 1)[1]
        assert 'href="/privacy"' in footer, url
