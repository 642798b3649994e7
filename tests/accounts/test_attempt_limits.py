"""Attempt limits are counted before the work: parallel guesses cannot slip past them, and each form has its own.

The old login limit checked the count, ran the view, and added a failure afterwards: a burst of parallel guesses all
passed the check before any was added (100 at once: 83 passwords checked). Now each attempt takes its place in the
count (one atomic increment) before its password is checked.
"""

import pytest

from tests.factories import PASSWORD
from tests.helpers import csrf_token, submit, text
from tests.live import fire

WRONG = "not the password"
REGISTRATION = {"name": "Ni Made Ayu", "phone": "0812 3456 7890", "date_of_birth": "2004-05-17", "locale": "id",
                "password": "sepuluh karakter", "password_confirm": "sepuluh karakter"}


def evaluated(responses) -> int:
    """Answers that come from checking a password (200: wrong, 302: logged in), as opposed to 429 (refused first)."""
    codes = [getattr(r, "status_code", r) for r in responses]
    assert set(codes) <= {200, 302, 429}, codes
    return codes.count(200) + codes.count(302)


@pytest.fixture
def browser(visitor):
    one = visitor()
    one.http.headers["Accept-Language"] = "en"
    return one


def test_parallel_wrong_passwords_check_at_most_the_account_limit(app, browser, user_factory, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_IP", "1000 per minute")  # only the account's limit here
    email = user_factory().email  # read here: the threads have no database session
    token = browser.token("/login")

    responses = fire(30, lambda _: browser.post("/login", {"email": email, "password": WRONG}, token=token))

    assert evaluated(responses) == 5, [r.status_code for r in responses]
    right = browser.post("/login", {"email": email, "password": PASSWORD}, token=token)
    assert right.status_code == 429  # the right password, once past the limit, is refused unchecked
    assert "Too many attempts" in right.text


def test_the_right_password_in_a_parallel_batch_gets_no_extra_guesses(app, browser, user_factory, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_IP", "1000 per minute")
    email = user_factory().email
    token = browser.token("/login")

    def guess(i: int):
        return browser.post("/login", {"email": email, "password": PASSWORD if i == 29 else WRONG}, token=token)

    responses = fire(30, guess)

    # Five wrong passwords are checked, never more; the right one may be among the first (then it logs in).
    codes = [r.status_code for r in responses]
    assert codes.count(200) + codes.count(302) in (5, 6) and codes.count(200) <= 5, codes
    if responses[29].status_code == 429:  # the right one came after five wrong ones: still refused afterwards
        assert browser.post("/login", {"email": email, "password": PASSWORD}, token=token).status_code == 429


def test_parallel_guesses_from_one_address_check_at_most_the_ip_limit(app, browser, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_IP", "5 per minute")
    token = browser.token("/login")

    responses = fire(30, lambda i: browser.post("/login", {"email": f"person{i}@example.com", "password": WRONG},
                                                token=token))

    assert evaluated(responses) == 5, [r.status_code for r in responses]


@pytest.mark.parametrize("typed", ["USER@EXAMPLE.COM", "User@Example.com", " user@example.com", "user@example.com ",
                                   "uSeR@eXaMpLe.CoM"])
def test_the_account_limit_counts_the_email_as_normalised(client, login, user_factory, typed):
    user_factory(email="user@example.com")
    variants = ["USER@example.com", " user@example.com", "User@Example.COM", "user@EXAMPLE.com ", "user@example.com"]
    for email in variants:
        assert login(email, WRONG).status_code == 200
    assert login(typed, PASSWORD).status_code == 429
    assert login(user_factory(), PASSWORD).status_code == 302  # another account from the same address is not blocked


def test_a_right_password_gives_its_attempt_back(client, login, user_factory):
    # Logging in on several devices, or before confirming the address (a workshop), does not use up the limits.
    confirmed, unconfirmed = user_factory(), user_factory(unconfirmed=True)
    for _ in range(7):
        for user in (confirmed, unconfirmed):  # an unconfirmed address may log in (and start a draft)
            assert login(user).status_code == 302
            client.post("/logout", data={"csrf_token": csrf_of(client)})


def csrf_of(client) -> str:
    return csrf_token(text(client.get("/account")))


def register(client, email: str):
    return submit(client, "/register", {**REGISTRATION, "email": email})


def test_registration_is_limited_per_email(client, user_factory):
    # Taken or not, the same answer: the limit tells nothing about who is registered.
    taken = user_factory().email
    for email in (taken, "new@example.com"):
        for _ in range(3):
            assert register(client, email.upper()).status_code == 302
        assert register(client, email).status_code == 429


def test_registration_is_limited_per_ip(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTER_LIMIT_PER_IP", "2 per hour")
    assert [register(client, f"student{n}@example.com").status_code for n in range(3)] == [302, 302, 429]


def test_reset_requests_are_limited_per_email(client, outbox, user_factory):
    user = user_factory()
    for email in (user.email, "nobody@example.com"):
        for _ in range(3):
            assert submit(client, "/password/forgot", {"email": email.upper()}).status_code == 302
        assert submit(client, "/password/forgot", {"email": email}).status_code == 429
    assert len(outbox.messages(user.email)) == 3


def test_reset_requests_are_limited_per_ip(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RESET_LIMIT_PER_IP", "2 per hour")
    codes = [submit(client, "/password/forgot", {"email": f"s{n}@example.com"}).status_code for n in range(3)]
    assert codes == [302, 302, 429]


def test_default_limits_let_a_workshop_of_30_share_one_address(client, outbox):
    # 30 students on one wifi register and each asks once for a new password.
    for n in range(30):
        assert register(client, f"student{n}@example.com").status_code == 302
        assert submit(client, "/password/forgot", {"email": f"student{n}@example.com"}).status_code == 302


def test_a_refused_attempt_says_when_to_try_again(app, client, monkeypatch):
    """The 429 page is translated and carries Retry-After: the seconds until the window that refused it ends."""
    monkeypatch.setitem(app.config, "REGISTER_LIMIT_PER_IP", "2 per hour")
    for n in range(2):
        assert register(client, f"student{n}@example.com").status_code == 302
    refused = register(client, "student9@example.com")
    assert refused.status_code == 429 and "<h1>" in text(refused)
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
