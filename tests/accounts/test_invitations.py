"""Staff invite mentors and reviewers; the link sets a password and gives the role."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Invitation, User
from app.core.permissions import Role
from app.extensions import db
from tests.core.test_html import assert_valid
from tests.factories import InvitationFactory
from tests.helpers import csrf_token, field_error, path_of, submit, text

PASSWORD = "darwin mentor pass"


def invite(client, email="sarah@darwin.example.au", role="mentor", locale="en"):
    return submit(client, "/staff/invitations", {"name": "Sarah Mitchell", "email": email, "role": role,
                                                 "locale": locale})


def accept(client, link, **extra):
    data = {"name": "Sarah Mitchell", "locale": "en", "timezone": "Australia/Darwin", "password": PASSWORD,
            "password_confirm": PASSWORD, **extra}
    return submit(client, link, data)


@pytest.mark.parametrize(("role", "panel"), [("mentor", "Your mentees"), ("reviewer", "Applications to review")])
def test_invited_person_sets_a_password_and_gets_the_role(app, client, login, outbox, user_factory, role, panel):
    login(user_factory(staff=True))
    assert invite(client, role=role).status_code == 302
    mail = outbox.last("sarah@darwin.example.au")
    assert mail.locale == "en" and mail.subject == "You are invited to the D'Youth portal"
    link = path_of(outbox.link("sarah@darwin.example.au", "/invitation/"))

    visitor = app.test_client()
    response = accept(visitor, link)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "sarah@darwin.example.au"))
    assert user.roles == {Role(role)} and user.is_confirmed and user.timezone == "Australia/Darwin"
    assert panel in text(visitor.get("/home"))


def test_invitation_in_indonesian(client, login, outbox, user_factory):
    login(user_factory(staff=True))
    invite(client, email="juri@example.id", role="reviewer", locale="id")
    assert outbox.last("juri@example.id").locale == "id"
    assert "D'Youth" in outbox.last("juri@example.id").subject


def test_invitation_link_works_once(app, client, login, outbox, user_factory):
    login(user_factory(staff=True))
    invite(client)
    link = path_of(outbox.link("sarah@darwin.example.au", "/invitation/"))
    accept(app.test_client(), link)
    again = app.test_client().get(link)
    assert again.status_code == 400


def test_withdrawn_and_expired_invitations_cannot_be_used(app, client, login, outbox, user_factory, frozen_clock):
    staff = user_factory(staff=True)
    login(staff)
    invite(client)
    link = path_of(outbox.link("sarah@darwin.example.au", "/invitation/"))
    invitation = db.session.scalar(select(Invitation))
    page = client.get("/staff/invitations")
    client.post(f"/staff/invitations/{invitation.id}/revoke", data={"csrf_token": csrf_token(text(page))})
    assert app.test_client().get(link).status_code == 400

    invite(client, email="james@darwin.example.au")
    link = path_of(outbox.link("james@darwin.example.au", "/invitation/"))
    frozen_clock(datetime.now(UTC) + timedelta(days=15))
    assert app.test_client().get(link).status_code == 400


def test_inviting_an_account_to_a_role_it_holds_is_refused_on_the_field(client, login, user_factory):
    login(user_factory(staff=True))
    taken = user_factory(mentor=True)
    response = invite(client, email=taken.email, role="mentor")
    assert response.status_code == 200
    assert field_error(text(response), "email")
    assert db.session.scalar(select(Invitation)) is None


def test_a_new_invitation_replaces_the_open_one(client, login, outbox, user_factory):
    login(user_factory(staff=True))
    invite(client)
    first = path_of(outbox.link("sarah@darwin.example.au", "/invitation/"))
    invite(client)
    assert client.get(first).status_code == 400


def test_only_staff_can_invite(client, login, user_factory):
    login(user_factory(mentor=True))
    assert client.get("/staff/invitations").status_code == 403
    response = client.post("/staff/invitations", data={"name": "x", "email": "x@example.com", "role": "staff"})
    assert response.status_code in (400, 403)
    assert db.session.scalar(select(Invitation)) is None


def test_staff_sees_invitation_status(client, login, user_factory):
    staff = user_factory(staff=True)
    InvitationFactory(invited_by=staff, email="open@example.org")
    login(staff)
    html = text(client.get("/staff/invitations", headers={"Accept-Language": "en"}))
    assert "open@example.org" in html


def test_opening_an_invitation_while_logged_in_as_someone_else_asks_first(app, client, login, outbox, user_factory):
    """A link opened (GET) never logs anyone out: the page says who is logged in and offers a POST."""
    login(user_factory(staff=True))
    invite(client)
    link = path_of(outbox.link("sarah@darwin.example.au", "/invitation/"))
    someone = user_factory(name="Wayan Sari", email="wayan@example.com", locale="en")
    browser = app.test_client()
    login(someone, on=browser)

    page = browser.get(link, headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "wayan@example.com" in text(page) and "Log out and continue" in text(page)
    assert_valid(text(page), "invitation, someone else logged in")
    assert browser.get("/account").status_code == 200  # still logged in

    response = submit(browser, link, {"action": "log_out"}, page=link)
    assert response.status_code == 302 and response.headers["Location"].endswith(link)
    assert browser.get("/account").status_code == 302  # logged out, on their own choice
    assert 'name="password"' in text(browser.get(link))  # and the invitation form is there for the invitee


def test_an_account_accepts_an_extra_role_while_logged_in(app, client, login, outbox, user_factory):
    """Staff give a Darwin mentor the reviewer role: an invitation to the account's e-mail, accepted logged in."""
    mentor = user_factory(mentor=True, email="sarah@darwin.example.au")
    login(user_factory(staff=True))
    assert invite(client, role="reviewer").status_code == 302
    link = path_of(outbox.link("sarah@darwin.example.au", "/invitation/"))

    browser = app.test_client()
    first = browser.get(link, headers={"Accept-Language": "en"})
    assert first.status_code == 200 and "Log in" in text(first) and 'name="password"' not in text(first)
    login(mentor, on=browser)
    page = browser.get(link, headers={"Accept-Language": "en"})
    assert "Accept the role of" in text(page)
    assert_valid(text(first), "invitation, log in first")
    assert_valid(text(page), "invitation, accept while logged in")
    response = submit(browser, link, {}, page=link)
    assert response.status_code == 302 and response.headers["Location"].endswith("/home")

    db.session.refresh(mentor)
    assert mentor.roles == {Role.MENTOR, Role.REVIEWER}
    home = text(browser.get("/home", headers={"Accept-Language": "en"}))
    assert "Your mentees" in home and "Applications to review" in home
    assert browser.get("/review").status_code == 200 and browser.get("/mentor").status_code == 200
    assert browser.get(link).status_code == 400  # used


def test_only_the_invitee_can_accept_while_logged_in(app, client, login, outbox, user_factory):
    login(user_factory(staff=True))
    invite(client, role="reviewer")
    link = path_of(outbox.link("sarah@darwin.example.au", "/invitation/"))
    intruder = user_factory()
    browser = app.test_client()
    login(intruder, on=browser)
    submit(browser, link, {}, page=link)  # the accept button is not theirs: this is the "other account" page
    db.session.refresh(intruder)
    assert intruder.roles == {Role.APPLICANT}
    assert db.session.scalar(select(Invitation)).accepted_at is None
