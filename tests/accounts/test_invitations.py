"""Staff invite mentors and reviewers; the link sets a password and gives the role."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Invitation, User
from app.core.permissions import Role
from app.extensions import db
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


@pytest.mark.parametrize(("role", "home"), [("mentor", "/mentor"), ("reviewer", "/reviewer")])
def test_invited_person_sets_a_password_and_gets_the_role(app, client, login, outbox, user_factory, role, home):
    login(user_factory(staff=True))
    assert invite(client, role=role).status_code == 302
    mail = outbox.last("sarah@darwin.example.au")
    assert mail.locale == "en" and mail.subject == "You are invited to the D'Youth portal"
    link = path_of(outbox.link("sarah@darwin.example.au", "/invitation/"))

    visitor = app.test_client()
    response = accept(visitor, link)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "sarah@darwin.example.au"))
    assert user.role == Role(role) and user.is_confirmed and user.timezone == "Australia/Darwin"
    assert visitor.get("/home").headers["Location"].endswith(home)


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


def test_inviting_an_existing_account_is_refused_on_the_field(client, login, user_factory):
    login(user_factory(staff=True))
    taken = user_factory()
    response = invite(client, email=taken.email)
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
