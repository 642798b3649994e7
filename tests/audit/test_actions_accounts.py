"""Account staff actions leave one audit entry each: invitations sent, replaced and withdrawn (never the invitee's
name or address in the log), and role changes."""

import pytest
from sqlalchemy import select

from app.accounts.models import Invitation
from app.core.permissions import Role
from app.extensions import db
from tests.audit.action_checks import entries, entry_count, the_entry
from tests.factories import UserFactory
from tests.helpers import submit


@pytest.fixture
def staff(login):
    user = UserFactory(staff=True, locale="en")
    login(user)
    return user


def invite(client, email: str = "sarah@darwin.example.au") -> None:
    response = submit(client, "/staff/invitations", {"name": "Sarah Mitchell", "email": email, "role": "mentor",
                                                     "locale": "en"})
    assert response.status_code == 302
    db.session.expire_all()


def test_an_invitation_is_sent_and_withdrawn(client, staff):
    invite(client)
    invitation = db.session.scalar(select(Invitation))
    entry = the_entry("accounts.invitation.sent", staff, invitation, after={"role": "mentor", "locale": "en"})
    assert "Sarah" not in str(entry.after) and "darwin" not in str(entry.after)
    response = submit(client, f"/staff/invitations/{invitation.id}/revoke", {}, page="/staff/invitations")
    assert response.status_code == 302
    entry = the_entry("accounts.invitation.revoked", staff, invitation, before={"revoked_at": None})
    assert entry.after["revoked_at"] is not None


def test_a_new_invitation_to_the_same_address_withdraws_the_open_one(client, staff):
    invite(client)
    invite(client)
    first, second = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
    the_entry("accounts.invitation.revoked", staff, first, before={"revoked_at": None})
    assert [e.target_id for e in entries("accounts.invitation.sent")] == [first.id, second.id]
    assert entry_count() == 3


def test_a_role_change_records_the_roles_before_and_after(client, staff):
    person = UserFactory(roles={Role.REVIEWER, Role.MENTOR})
    response = submit(client, f"/staff/people/{person.id}", {"mentor": "y"})  # the reviewer role is taken away
    assert response.status_code == 302
    [entry] = entries()
    assert (entry.actor_id, entry.target_type, entry.target_id, entry.address) == (
        staff.id, "user_account", person.id, "127.0.0.1")
    assert (entry.before, entry.after) == ({"roles": ["mentor", "reviewer"]}, {"roles": ["mentor"]})
