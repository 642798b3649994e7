"""Ten parallel acceptances of one invitation: one account, and the others told the invitation is used."""

import pytest
from sqlalchemy import func, select

from app.accounts.models import User, UserRole
from app.accounts.tokens import make_token
from app.core.permissions import Role
from app.extensions import db
from tests.factories import InvitationFactory
from tests.live import fire, shows_race


def test_ten_parallel_acceptances_make_one_account(visitor, app):
    invitation = InvitationFactory()
    with app.test_request_context():
        token = make_token("invite", {"iid": invitation.id, "email": invitation.email})
    browser = visitor()
    browser.http.headers["Accept-Language"] = "en"
    url = f"/invitation/{token}"
    csrf = browser.token(url)
    data = {"name": "Darwin Mentor", "password": "a long enough password", "password_confirm": "a long enough password",
            "locale": "en", "timezone": "Australia/Darwin"}

    responses = fire(10, lambda _: browser.post(url, data, token=csrf))

    codes = [r.status_code for r in responses]
    assert codes.count(302) == 1 and codes.count(200) + codes.count(400) == 9, codes
    texts = [r.text for r in responses if r.status_code != 302]
    assert all("already been used" in t for t in texts)
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email == invitation.email)) == 1


def _accept_ten_times_logged_in(visitor, app) -> tuple[list, object]:
    from tests.factories import UserFactory

    mentor = UserFactory(mentor=True)
    invitation = InvitationFactory(email=mentor.email, role=Role.REVIEWER)
    with app.test_request_context():
        token = make_token("invite", {"iid": invitation.id, "email": invitation.email})
    browser = visitor().login(mentor)
    browser.http.headers["Accept-Language"] = "en"
    url = f"/invitation/{token}"
    csrf = browser.token(url)
    return fire(10, lambda _: browser.post(url, {}, token=csrf)), mentor


def _one_grant(responses, mentor) -> bool:
    codes = [getattr(r, "status_code", repr(r)) for r in responses]
    grants = db.session.scalar(select(func.count()).select_from(UserRole).where(UserRole.user_id == mentor.id))
    told = all("already been used" in r.text for r in responses if getattr(r, "status_code", 0) == 400)
    return codes.count(302) == 1 and codes.count(400) == 9 and told and grants == 2


def test_ten_parallel_acceptances_while_logged_in_grant_the_role_once(visitor, app):
    """The invitee, logged in, clicks "accept" ten times at once: one grant, nine "already used", no error."""
    responses, mentor = _accept_ten_times_logged_in(visitor, app)
    assert _one_grant(responses, mentor), [getattr(r, "status_code", r) for r in responses]
    db.session.refresh(mentor)
    assert mentor.roles == {Role.MENTOR, Role.REVIEWER}


@pytest.mark.usefixtures("locks_off", "quiet_server")
def test_control_without_locks_the_logged_in_acceptance_races(visitor, app):
    def round_() -> bool:
        responses, mentor = _accept_ten_times_logged_in(visitor, app)
        return not _one_grant(responses, mentor)

    assert shows_race(round_)
