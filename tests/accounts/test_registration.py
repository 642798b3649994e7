"""Registration through the real form, e-mail confirmation, and bad input."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from tests.helpers import field_error, path_of, submit, text

GOOD = {
    "name": "Ni Made Ayu",
    "email": "Ayu.Lestari@Example.com",
    "phone": "0812 3456 7890",
    "date_of_birth": "2004-05-17",
    "locale": "id",
    "password": "sepuluh karakter",
    "password_confirm": "sepuluh karakter",
}


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_register_stores_applicant_with_e164_phone_and_sends_confirmation(client, outbox):
    response = submit(client, "/register", GOOD)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/register/check-inbox")

    user = db.session.scalar(select(User).where(User.email == "ayu.lestari@example.com"))
    assert user.phone_e164 == "+6281234567890"
    assert user.roles == {"applicant"}
    assert user.locale == "id"
    assert user.email_confirmed_at is None
    assert user.password_hash.startswith("pbkdf2:") and "sepuluh" not in user.password_hash

    mail = outbox.last("ayu.lestari@example.com")
    assert mail.locale == "id"
    assert mail.subject == "Konfirmasi alamat email Anda untuk D'Youth" or "D'Youth" in mail.subject
    assert "/confirm/" in mail.body_text


def test_confirmation_link_confirms_and_signs_in(client, outbox):
    submit(client, "/register", GOOD)
    link = outbox.link("ayu.lestari@example.com", "/confirm/")

    response = client.get(path_of(link))
    assert response.status_code == 302 and response.headers["Location"].endswith("/home")
    assert db.session.scalar(select(User.email_confirmed_at)) is not None
    assert client.get("/home").status_code == 200  # signed in, no second log-in


def test_login_before_confirmation_is_allowed(client, outbox, login):
    submit(client, "/register", GOOD)
    response = login("ayu.lestari@example.com", GOOD["password"])
    assert response.status_code == 302 and response.headers["Location"].endswith("/home")
    assert len(outbox.messages("ayu.lestari@example.com")) == 1  # no extra mail: the home page offers to resend


def test_registration_in_english_sends_english_mail(client, outbox):
    submit(client, "/register", {**GOOD, "locale": "en"})
    mail = outbox.last("ayu.lestari@example.com")
    assert mail.locale == "en"
    assert mail.subject == "Confirm your e-mail address for D'Youth"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("email", "not-an-email"),
        ("phone", "12345"),
        ("phone", "hello"),
        ("date_of_birth", ""),
        ("date_of_birth", "17/05/2004x"),
        ("date_of_birth", "2999-01-01"),
        ("password", "short"),
        ("password_confirm", "something else"),
        ("locale", "fr"),
    ],
)
def test_bad_input_is_shown_on_the_field_and_nothing_is_stored(client, outbox, field, value):
    data = {**GOOD, field: value}
    if field == "password":
        data["password_confirm"] = value
    response = submit(client, "/register", data)
    assert response.status_code == 200
    assert field_error(text(response), field), f"no error shown on {field}"
    assert user_count() == 0
    assert outbox.messages() == []
    # What was typed in the other fields is kept.
    assert 'value="Ni Made Ayu"' in text(response) or field == "name"


def test_errors_are_translated_into_indonesian(client):
    response = submit(client, "/register", {**GOOD, "name": "", "password": "short", "password_confirm": "short"},
                      headers={"Accept-Language": "id"})
    html = text(response)
    assert field_error(html, "name") == "Kolom ini wajib diisi."
    assert "This field is required." not in html


def test_registering_a_taken_address_looks_the_same_and_warns_the_owner(client, outbox, user_factory):
    owner = user_factory(email="ayu.lestari@example.com", locale="en")
    response = submit(client, "/register", GOOD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/register/check-inbox")
    assert user_count() == 1
    mail = outbox.last(owner.email)
    assert mail.template == "accounts/mail/already_registered"
    assert mail.locale == "en"


def test_tampered_confirmation_token_gives_a_clear_page(client, outbox):
    submit(client, "/register", GOOD)
    link = path_of(outbox.link("ayu.lestari@example.com", "/confirm/"))
    response = client.get(link[:-3] + "abc")
    assert response.status_code == 400
    assert "<h1>" in text(response)
    assert db.session.scalar(select(User.email_confirmed_at)) is None


def test_expired_confirmation_token_gives_a_clear_page(client, outbox, frozen_clock):
    start = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    frozen_clock(start)
    submit(client, "/register", GOOD)
    link = path_of(outbox.link("ayu.lestari@example.com", "/confirm/"))
    frozen_clock(start + timedelta(days=3, seconds=1))
    response = client.get(link, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "expired" in text(response)
    assert db.session.scalar(select(User.email_confirmed_at)) is None


def test_register_without_csrf_token_is_refused(client):
    response = client.post("/register", data=GOOD)
    assert response.status_code == 400
    assert user_count() == 0


def test_logged_in_user_is_sent_home_from_register(client, login, user_factory):
    login(user_factory())
    response = client.get("/register")
    assert response.status_code == 302 and response.headers["Location"].endswith("/home")


def test_wtforms_own_length_message_is_shown_not_a_crash(client):
    response = submit(client, "/register", {**GOOD, "name": "x" * 121}, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert field_error(text(response), "name") == "Field cannot be longer than 120 characters."
    assert user_count() == 0


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_preferred_language_starts_as_the_language_of_the_page(client, language):
    html = text(client.get("/register", headers={"Accept-Language": language}))
    assert f'<option selected value="{language}">' in html or f'<option value="{language}" selected>' in html
