"""Ten parallel acceptances of one invitation: one account, and the others told the invitation is used."""

from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.tokens import make_token
from app.extensions import db
from tests.factories import InvitationFactory
from tests.live import fire


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
