"""Fewer gates: the confirmation link signs in and goes where the person was going; an unconfirmed address may log in
and start a draft, but not submit; the home page offers to send the link again."""

from datetime import UTC, datetime

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.festival.models import Application
from app.festival.models.application import ApplicationStatus
from tests.factories import ApplicationFactory, CallFactory
from tests.helpers import csrf_token, path_of, submit, text

GOOD = {"name": "Ni Made Ayu", "email": "ayu@example.com", "phone": "0812 3456 7890", "date_of_birth": "2004-05-17",
        "locale": "en", "password": "sepuluh karakter", "password_confirm": "sepuluh karakter"}
IN_WINDOW = datetime(2027, 5, 20, 2, 0, tzinfo=UTC)  # inside EditionFactory's application window


def register(client, next_url: str | None = None):
    page = "/register" + (f"?next={next_url}" if next_url else "")
    token = csrf_token(text(client.get(page)))
    return client.post("/register", data={**GOOD, "csrf_token": token, "next": next_url or ""})


def test_confirmation_link_signs_in_and_goes_where_they_were_going(client, outbox):
    assert register(client, "/calls").headers["Location"].endswith("/register/check-inbox")
    link = outbox.link(GOOD["email"], "/confirm/")
    assert link.endswith("?next=/calls")  # carried through the form and the mail
    response = client.get(path_of(link))
    assert response.status_code == 302 and response.headers["Location"] == "/calls"
    assert client.get("/home").status_code == 200


def test_confirmation_link_never_sends_off_site(client, outbox):
    register(client, "//evil.example/")
    link = outbox.link(GOOD["email"], "/confirm/")
    assert "evil" not in link
    response = client.get(path_of(link) + "&next=https://evil.example/" if "?" in path_of(link)
                          else path_of(link) + "?next=https://evil.example/")
    assert response.headers["Location"] == "/home"


def test_a_second_opening_of_the_confirmation_link_does_not_sign_in(client, app, outbox):
    register(client)
    link = path_of(outbox.link(GOOD["email"], "/confirm/"))
    other = app.test_client()
    assert client.get(link).headers["Location"] == "/home"  # the first opening signs in
    response = other.get(link)  # a copy found later (a forwarded mail, a proxy log) is no password
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert other.get("/home").status_code == 302


def test_confirmation_replaces_another_persons_session(client, outbox, login, user_factory):
    register(client)
    link = path_of(outbox.link(GOOD["email"], "/confirm/"))
    someone = user_factory()
    login(someone)
    assert client.get(link).status_code == 302
    html = text(client.get("/home", headers={"Accept-Language": "en"}))
    assert "Hello, Ni Made Ayu" in html


def test_unconfirmed_applicant_starts_a_draft_but_cannot_submit(client, login, user_factory, frozen_clock, outbox):
    frozen_clock(IN_WINDOW)
    user = user_factory(unconfirmed=True, locale="en")
    draft = ApplicationFactory(applicant=user)  # complete: only the confirmation is missing
    assert login(user).status_code == 302
    home = text(client.get("/home"))
    assert "Please confirm your e-mail address" in home and "Send the confirmation link again" in home

    response = submit(client, f"/applications/{draft.id}/step/5", {"consent": "y", "action": "submit"})
    assert response.status_code == 200
    assert "Please confirm your e-mail address before you submit" in text(response)
    db.session.expire_all()
    assert db.session.get(Application, draft.id).status == ApplicationStatus.DRAFT

    # "Send it again" from the home page, then the link: confirmed, and now the submission goes through.
    resend = submit(client, "/confirm/resend", {}, page="/home")
    assert resend.status_code == 302
    client.get(path_of(outbox.link(user.email, "/confirm/")))
    response = submit(client, f"/applications/{draft.id}/step/5", {"consent": "y", "action": "submit"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, draft.id).status == ApplicationStatus.SUBMITTED


def test_unconfirmed_applicant_can_start_a_draft(client, login, user_factory, frozen_clock):
    frozen_clock(IN_WINDOW)
    call = CallFactory()
    user = user_factory(unconfirmed=True)
    login(user)
    response = submit(client, f"/festival/calls/{call.id}/apply", {}, page="/home")
    assert response.status_code == 302
    assert db.session.scalar(select(Application).where(Application.applicant_id == user.id)) is not None


def test_resending_needs_an_unconfirmed_address(client, login, user_factory, outbox):
    user = user_factory(locale="en")
    login(user)
    response = submit(client, "/confirm/resend", {}, page="/account")
    assert response.status_code == 302 and outbox.messages(user.email) == []
    assert "already confirmed" in text(client.get("/home"))


def test_resending_needs_csrf_and_a_login(client, login, user_factory, outbox):
    anonymous = submit(client, "/confirm/resend", {}, page="/login")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    user = user_factory(unconfirmed=True)
    login(user)
    assert client.post("/confirm/resend").status_code == 400
    assert outbox.messages(user.email) == []
    assert db.session.scalar(select(User.email_confirmed_at).where(User.id == user.id)) is None


def test_resending_comes_back_to_the_page_and_is_rate_limited(client, login, user_factory, outbox, app,
                                                               monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    user = user_factory(unconfirmed=True)
    login(user)
    codes = []
    for _ in range(4):
        response = submit(client, "/confirm/resend", {"next": "/account"}, page="/home")
        codes.append(response.status_code)
        if response.status_code == 302:
            assert response.headers["Location"] == "/account"
    assert codes == [302, 302, 302, 429]  # REGISTER_LIMIT_PER_EMAIL: 3 per hour
    assert len(outbox.messages(user.email)) == 3


def test_resending_never_returns_off_site(client, login, user_factory):
    login(user_factory(unconfirmed=True))
    response = submit(client, "/confirm/resend", {"next": "//evil.example/"}, page="/home")
    assert response.headers["Location"] == "/home"
