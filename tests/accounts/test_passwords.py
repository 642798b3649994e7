"""Password reset by e-mail, change password, and how passwords are stored."""

import base64
from datetime import UTC, datetime, timedelta

from werkzeug.security import check_password_hash

from app import create_app
from app.accounts.services import hash_password
from app.extensions import db
from config import Config
from tests.factories import PASSWORD
from tests.helpers import field_error, path_of, submit, text

NEW = "a new long password"


def reset_link(client, outbox, user) -> str:
    response = submit(client, "/password/forgot", {"email": user.email.upper()})
    assert response.status_code == 302
    return path_of(outbox.link(user.email, "/password/reset/"))


def test_reset_by_email_end_to_end(client, outbox, login, user_factory):
    user = user_factory(locale="en")
    link = reset_link(client, outbox, user)
    assert outbox.last(user.email).subject == "Choose a new password for D'Youth"

    response = submit(client, link, {"password": NEW, "password_confirm": NEW})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert outbox.last(user.email).template == "accounts/mail/password_changed"
    assert login(user, PASSWORD).status_code == 200
    assert login(user, NEW).status_code == 302


def test_reset_link_works_only_once(client, outbox, user_factory):
    user = user_factory()
    link = reset_link(client, outbox, user)
    submit(client, link, {"password": NEW, "password_confirm": NEW})
    again = client.get(link)
    assert again.status_code == 400
    assert "<h1>" in text(again)


def test_reset_link_reveals_nothing_of_the_password_hash(client, outbox, user_factory):
    # The token is signed, not encrypted: anyone who sees the link reads its payload.
    user = user_factory()
    token = reset_link(client, outbox, user).rsplit("/", 1)[1]
    payload = token.split(".")[0]
    readable = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    secret = user.password_hash.split("$", 1)[1]  # salt and hash
    pieces = {secret[i:i + 8] for i in range(len(secret) - 7)}
    assert not any(piece in readable for piece in pieces), readable


def test_reset_link_expires(client, outbox, user_factory, frozen_clock):
    start = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    frozen_clock(start)
    user = user_factory()
    link = reset_link(client, outbox, user)
    frozen_clock(start + timedelta(hours=2, seconds=1))
    assert client.get(link).status_code == 400


def test_forged_reset_link_gives_a_clear_page(client):
    response = client.get("/password/reset/not-a-real-token")
    assert response.status_code == 400
    assert "/password/forgot" in text(response)


def test_unknown_address_gets_the_same_answer_and_no_mail(client, outbox, user_factory):
    user = user_factory()
    known = submit(client, "/password/forgot", {"email": user.email})
    unknown = submit(client, "/password/forgot", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert outbox.messages("nobody@example.com") == []


def test_reset_form_checks_length_and_repeat(client, outbox, user_factory):
    user = user_factory()
    link = reset_link(client, outbox, user)
    short = submit(client, link, {"password": "short", "password_confirm": "short"})
    assert field_error(text(short), "password")
    mismatch = submit(client, link, {"password": NEW, "password_confirm": NEW + "x"})
    assert field_error(text(mismatch), "password_confirm")
    db.session.refresh(user)
    assert check_password_hash(user.password_hash, PASSWORD)


def test_change_password_needs_the_current_one(client, login, outbox, user_factory):
    user = user_factory()
    login(user)
    wrong = submit(client, "/account/password", {"current_password": "guess", "password": NEW, "password_confirm": NEW})
    assert wrong.status_code == 200
    assert field_error(text(wrong), "current_password")
    right = submit(client, "/account/password",
                   {"current_password": PASSWORD, "password": NEW, "password_confirm": NEW})
    assert right.status_code == 302
    db.session.refresh(user)
    assert check_password_hash(user.password_hash, NEW)
    assert outbox.last(user.email).template == "accounts/mail/password_changed"


def test_production_hashes_with_scrypt():
    app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        hashed = hash_password("sepuluh karakter")
    assert hashed.startswith("scrypt:")
    assert check_password_hash(hashed, "sepuluh karakter")
