"""Roles are a set: one account may mentor and review; menus and the home page follow the roles held."""

import re
from pathlib import Path

import pytest

from app.accounts import services
from app.core.errors import InvalidState, NotAllowed
from app.core.permissions import Role
from app.extensions import db
from tests.helpers import text

APP = Path(__file__).resolve().parents[2] / "app"


def test_a_user_holds_several_roles_and_passes_the_checks_of_each(client, login, user_factory):
    both = user_factory(roles={Role.MENTOR, Role.REVIEWER}, locale="en")
    assert both.has_role(Role.REVIEWER) and both.has_role(Role.STAFF, Role.MENTOR) and not both.has_role(Role.STAFF)
    login(both)
    assert client.get("/review").status_code == 200
    assert client.get("/mentor").status_code == 200
    assert client.get("/staff/").status_code == 403
    home = text(client.get("/home", headers={"Accept-Language": "en"}))
    assert "Your mentees" in home and "Applications to review" in home and "Staff desk" not in home


def test_grant_is_idempotent_and_revoke_is_staff_only(user_factory):
    staff, mentor = user_factory(staff=True), user_factory(mentor=True)
    services.grant_role(mentor, Role.REVIEWER)
    services.grant_role(mentor, Role.REVIEWER)
    db.session.commit()
    assert mentor.roles == {Role.MENTOR, Role.REVIEWER}
    with pytest.raises(NotAllowed):
        services.revoke_role(mentor, mentor, Role.REVIEWER)
    with pytest.raises(InvalidState):
        services.revoke_role(staff, staff, Role.STAFF)
    services.revoke_role(staff, mentor, Role.REVIEWER)
    db.session.commit()
    db.session.refresh(mentor)
    assert mentor.roles == {Role.MENTOR}


def test_staff_counts_people_per_role_they_hold(client, login, user_factory):
    user_factory(roles={Role.MENTOR, Role.REVIEWER})
    user_factory(reviewer=True)
    assert services.count_users_by_role() == {Role.MENTOR: 1, Role.REVIEWER: 2}


@pytest.mark.parametrize(("roles", "shown", "hidden"), [
    ({Role.APPLICANT}, ["My applications"], ["Reviews", "Editions", "Staff desk"]),
    ({Role.REVIEWER}, ["Reviews"], ["My applications", "Editions"]),
    ({Role.STAFF, Role.REVIEWER}, ["Applications", "Editions", "Reviews", "Staff desk"], ["My applications"]),
])
def test_the_menu_shows_the_items_of_the_roles_held(client, login, user_factory, roles, shown, hidden):
    login(user_factory(roles=roles, locale="en"))
    menu = text(client.get("/account", headers={"Accept-Language": "en"})).split("</nav>")[0]
    links = re.findall(r"<li><a href=\"[^\"]+\">([^<]+)</a></li>", menu)
    assert set(shown) <= set(links) and not set(hidden) & set(links), links


def test_the_layout_and_accounts_name_no_domain():
    """Domains register their menu items and panels (app/core/navigation.py); core and accounts import none."""
    base = (APP / "core/templates/core/base.html").read_text()
    assert "festival." not in base
    for path in [*(APP / "core").glob("*.py"), *(APP / "accounts").glob("*.py")]:
        assert not re.search(r"^\s*(from|import) app\.festival", path.read_text(), re.M), path.name
