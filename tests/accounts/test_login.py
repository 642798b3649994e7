"""Login, logout, "remember me", role home pages, rate limits, and not revealing who is registered."""

import pytest

from app.core.permissions import Role
from app.extensions import db
from tests.factories import PASSWORD
from tests.helpers import csrf_token, field_error, submit, text


@pytest.mark.parametrize(
    ("trait", "panel", "old_home"),
    [({}, "Your applications", "/applicant"), ({"staff": True}, "Staff desk", "/staff/"),
     ({"mentor": True}, "Your mentees", "/mentor"), ({"reviewer": True}, "Applications to review", "/reviewer")],
)
def test_each_role_lands_on_home_with_its_panels(client, login, user_factory, trait, panel, old_home):
    user = user_factory(locale="en", **trait)
    response = login(user)
    assert response.status_code == 302 and response.headers["Location"].endswith("/home")
    html = text(client.get("/home"))
    assert panel in html
    assert client.get(old_home).status_code == 200  # the old addresses still work


def test_applicant_home_shows_empty_applications_with_a_next_step(client, login, user_factory):
    login(user_factory(name="Komang Arya", locale="en"))
    html = text(client.get("/applicant"))
    assert "Hello, Komang Arya" in html
    assert "You have not applied to anything yet." in html
    assert "Next step:" in html


def test_wrong_password_and_unknown_email_get_the_same_answer(client, login, user_factory):
    user = user_factory()
    wrong_password = text(login(user, "not the password"))
    unknown = text(login("nobody@example.com", "not the password"))
    assert field_error(wrong_password, "password") == field_error(unknown, "password")
    assert field_error(wrong_password, "password")


def test_deactivated_account_cannot_log_in(client, login, user_factory):
    user = user_factory(active=False)
    response = login(user)
    assert response.status_code == 200
    assert field_error(text(response), "password")


def test_logout_needs_post_with_csrf(client, login, user_factory):
    login(user_factory())
    assert client.get("/logout").status_code == 405
    page = client.get("/applicant")
    response = client.post("/logout", data={"csrf_token": csrf_token(text(page))})
    assert response.status_code == 302
    assert client.get("/applicant").status_code == 302  # back to login


def test_remember_me_sets_a_lasting_httponly_cookie(client, login, user_factory):
    response = login(user_factory(), remember=True)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token="))
    assert "HttpOnly" in cookie and "Expires=" in cookie
    assert "SameSite=Lax" in cookie


def test_without_remember_me_no_remember_cookie(client, login, user_factory):
    response = login(user_factory())
    assert not any(h.startswith("remember_token=") for h in response.headers.getlist("Set-Cookie"))


def test_next_parameter_is_followed_only_within_the_site(client, user_factory):
    user = user_factory()
    inside = submit(client, "/login", {"email": user.email, "password": PASSWORD, "next": "/account"})
    assert inside.headers["Location"] == "/account"
    client.post("/logout", data={"csrf_token": csrf_token(text(client.get("/account")))})
    outside = submit(client, "/login", {"email": user.email, "password": PASSWORD, "next": "https://evil.example/x"})
    assert outside.headers["Location"].endswith("/home")


def test_login_page_keeps_next_from_the_query(client):
    response = client.get("/applicant")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]
    html = text(client.get(response.headers["Location"]))
    assert 'name="next" type="hidden" value="/applicant"' in html


def test_failed_logins_are_limited_per_account(client, login, user_factory):
    user = user_factory()
    for _ in range(5):
        assert login(user, "wrong password!").status_code == 200
    blocked = login(user, PASSWORD)
    assert blocked.status_code == 429
    # Another account from the same address is not blocked by this one's limit.
    assert login(user_factory(), PASSWORD).status_code == 302


def test_unknown_addresses_are_limited_like_real_ones(client, login):
    for _ in range(5):
        login("ghost@example.com", "wrong password!")
    assert login("ghost@example.com", "wrong password!").status_code == 429


def test_logins_are_limited_per_ip(app, client, login, user_factory, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_IP", "3 per minute")
    for n in range(3):
        login(f"person{n}@example.com", "wrong password!")
    response = login(user_factory(), PASSWORD)
    assert response.status_code == 429


def test_successful_logins_do_not_use_up_the_account_limit(client, login, user_factory):
    user = user_factory()
    for _ in range(7):
        assert login(user).status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(text(client.get("/account")))})


def test_rate_limit_page_is_translated(client, login, user_factory):
    user = user_factory()
    for _ in range(5):
        login(user, "wrong password!")
    page = client.get("/login", headers={"Accept-Language": "en"})
    response = client.post("/login", data={"csrf_token": csrf_token(text(page)), "email": user.email,
                                           "password": "x"}, headers={"Accept-Language": "en"})
    assert response.status_code == 429
    assert "Too many attempts" in text(response)


def test_last_login_is_recorded(client, login, user_factory):
    user = user_factory()
    login(user)
    db.session.refresh(user)
    assert user.last_login_at is not None
    assert user.roles == {Role.APPLICANT}
