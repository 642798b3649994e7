""""E-mail me a sign-in link": one-time, 15 minutes, stored as a hash, rate-limited, and the same answer whether the
address has an account or not."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import SignInLink, User
from app.extensions import db
from tests.helpers import csrf_token, field_error, path_of, text

LINK_PATH = "/sign-in/"


def ask_link(client, email: str, next_url: str = ""):
    """The login form's second button: the same form, posted to its own address."""
    token = csrf_token(text(client.get("/login")))
    return client.post("/login/link", data={"csrf_token": token, "email": email, "password": "", "next": next_url},
                       headers={"Accept-Language": "en"})


def links() -> int:
    return db.session.scalar(select(func.count()).select_from(SignInLink))


def test_login_page_offers_the_link_beside_the_password(client):
    html = text(client.get("/login", headers={"Accept-Language": "en"}))
    assert "E-mail me a sign-in link" in html
    assert 'formaction="/login/link"' in html
    # After "Log in": pressing Enter in the password field logs in (the first button), it sends no link.
    assert html.index(">Log in</button>") < html.index("E-mail me a sign-in link")


def test_the_link_signs_in_once_and_confirms_the_address(client, outbox, user_factory):
    user = user_factory(unconfirmed=True, locale="en")
    response = ask_link(client, user.email.upper())
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    mail = outbox.last(user.email)
    assert mail.template == "accounts/mail/sign_in_link" and mail.locale == "en"
    link = path_of(outbox.link(user.email, LINK_PATH))
    token = link.split(LINK_PATH)[1].split("?")[0]
    # Only a hash is stored: the table alone signs no one in.
    stored = db.session.scalar(select(SignInLink.token_sha256))
    assert stored == hashlib.sha256(token.encode()).hexdigest() and token not in stored

    opened = client.get(link)
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/home")
    assert client.get("/home").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, user.id).is_confirmed
    assert db.session.scalar(select(SignInLink.used_at)) is not None

    again = client.get(link, headers={"Accept-Language": "en"})
    assert again.status_code == 400 and "already been used" in text(again)


@pytest.mark.parametrize(("next_url", "lands"), [("/account", "/account"), ("//evil.example/x", "/home"),
                                                 ("https://evil.example/", "/home")])
def test_the_link_takes_them_where_they_were_going_and_never_off_site(client, outbox, user_factory, next_url, lands):
    user = user_factory()
    ask_link(client, user.email, next_url)
    response = client.get(path_of(outbox.link(user.email, LINK_PATH)))
    assert response.status_code == 302 and response.headers["Location"] == lands


def test_the_link_expires_after_15_minutes(client, outbox, user_factory, frozen_clock):
    start = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    frozen_clock(start)
    user = user_factory()
    ask_link(client, user.email)
    frozen_clock(start + timedelta(minutes=15, seconds=1))
    response = client.get(path_of(outbox.link(user.email, LINK_PATH)))
    assert response.status_code == 400
    assert client.get("/home").status_code == 302  # not signed in


def test_a_wrong_token_signs_no_one_in(client, user_factory):
    user_factory()
    response = client.get(LINK_PATH + "not-a-token")
    assert response.status_code == 400 and client.get("/home").status_code == 302


def test_unknown_and_known_addresses_get_the_same_answer(client, outbox, user_factory):
    user = user_factory()
    known = ask_link(client, user.email)
    unknown = ask_link(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert links() == 1 and outbox.messages("nobody@example.com") == []


def test_a_deactivated_account_gets_no_link(client, outbox, user_factory):
    user = user_factory(active=False)
    assert ask_link(client, user.email).status_code == 302
    assert links() == 0 and outbox.messages(user.email) == []


def test_a_bad_address_is_shown_on_the_field(client):
    response = ask_link(client, "not-an-address")
    assert response.status_code == 422 and field_error(text(response), "email")


def test_links_are_rate_limited_per_address(client, outbox, user_factory, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    user = user_factory()
    codes = [ask_link(client, user.email.upper() if i % 2 else user.email).status_code for i in range(4)]
    assert codes == [302, 302, 302, 429]  # RESET_LIMIT_PER_EMAIL: 3 per hour, whatever the spelling
    assert links() == 3


def test_asking_without_csrf_is_refused(client, user_factory):
    user = user_factory()
    response = client.post("/login/link", data={"email": user.email})
    assert response.status_code == 400 and links() == 0
