"""Ending sessions: logout, a new password and "log out on all other devices" stop every earlier cookie working.

A session or remember-me cookie is a bearer token: whoever copied it (a shared computer, a stolen phone, malware) is
logged in for as long as it is accepted. Each cookie carries the account's session version; raising the version
refuses every cookie issued before.
"""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from tests.factories import PASSWORD
from tests.helpers import csrf_token, path_of, submit, text
from tests.live import fire

NEW = "a new long password"


def copy_of(app, client, *names: str):
    """Another browser holding copies of `client`'s cookies `names` (and nothing else)."""
    thief = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        assert cookie is not None, f"no {name} cookie to copy"
        thief.set_cookie(name, cookie.value)
    return thief


def logged_in(client) -> bool:
    return client.get("/account").status_code == 200


def log_out(client) -> None:
    response = client.post("/logout", data={"csrf_token": csrf_token(text(client.get("/account")))})
    assert response.status_code == 302


def test_a_session_cookie_copied_before_logout_stops_working(app, client, login, user_factory):
    login(user_factory())
    thief = copy_of(app, client, "session")
    assert logged_in(thief)
    log_out(client)
    assert not logged_in(thief)
    assert not logged_in(client)


def test_a_remember_me_cookie_copied_before_logout_stops_working(app, client, login, user_factory):
    login(user_factory(), remember=True)
    thief = copy_of(app, client, "remember_token")
    assert logged_in(thief)  # the remember-me cookie alone logs in
    log_out(client)
    assert not logged_in(thief)


def test_changing_the_password_ends_other_sessions_and_keeps_this_one(app, client, login, user_factory):
    user = user_factory()
    laptop = app.test_client()
    login(user, remember=True, on=laptop)
    laptop_remembered = copy_of(app, laptop, "remember_token")
    login(user, remember=True)

    response = submit(client, "/account/password",
                      {"current_password": PASSWORD, "password": NEW, "password_confirm": NEW})
    assert response.status_code == 302
    assert logged_in(client)
    assert logged_in(copy_of(app, client, "remember_token"))  # this browser got a new remember-me cookie
    assert not logged_in(laptop)
    assert not logged_in(laptop_remembered)


def test_a_password_reset_ends_every_session(app, client, login, outbox, user_factory):
    user = user_factory()
    phone = app.test_client()
    login(user, remember=True, on=phone)
    phone_remembered = copy_of(app, phone, "remember_token")

    submit(client, "/password/forgot", {"email": user.email})
    link = path_of(outbox.link(user.email, "/password/reset/"))
    assert submit(client, link, {"password": NEW, "password_confirm": NEW}).status_code == 302
    assert not logged_in(phone)
    assert not logged_in(phone_remembered)


def test_log_out_on_all_other_devices_keeps_this_browser(app, client, login, user_factory):
    user = user_factory(locale="en")
    phone = app.test_client()
    login(user, remember=True, on=phone)
    phone_remembered = copy_of(app, phone, "remember_token")
    login(user)
    assert "Log out on all other devices" in text(client.get("/account"))

    response = submit(client, "/account/sessions/end", {}, page="/account")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account")
    assert "You have been logged out on every other device." in text(client.get("/account"))
    assert not logged_in(phone)
    assert not logged_in(phone_remembered)


def test_log_out_on_all_other_devices_needs_post_with_csrf(client, login, user_factory):
    login(user_factory())
    assert client.get("/account/sessions/end").status_code == 405
    assert client.post("/account/sessions/end").status_code == 400


def test_remember_me_lasts_30_days(client, login, user_factory):
    response = login(user_factory(), remember=True)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token="))
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert abs(expires - (datetime.now(UTC) + timedelta(days=30))) < timedelta(hours=1)


def test_a_cookie_without_the_session_version_is_refused(app, client, login, user_factory):
    # Cookies issued before versions existed carried the bare id: they are not accepted either.
    user = user_factory()
    login(user)
    assert logged_in(client)
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
    assert not logged_in(client)


def test_parallel_session_ends_all_count(visitor, user_factory):
    """Every request that ended the sessions raised the version by one: none overwrote another's raise (a version
    read, increased and written back by two requests at once would go up by one for both, and a session issued
    between them would survive the second)."""
    user = user_factory()
    browsers = [visitor().login(user) for _ in range(8)]
    tokens = [browser.token("/account") for browser in browsers]

    responses = fire(8, lambda i: browsers[i].post("/account/sessions/end", token=tokens[i]))

    ended = [r for r in responses if r.status_code == 302 and r.headers["Location"].endswith("/account")]
    refused = [r for r in responses if r.status_code == 302 and "/login" in r.headers["Location"]]
    assert len(ended) + len(refused) == 8, [getattr(r, "status_code", r) for r in responses]
    assert ended, "no request ended the sessions"
    version = db.session.scalar(select(User.session_version).where(User.id == user.id))
    assert version == len(ended), (version, len(ended))
