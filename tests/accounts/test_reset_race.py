"""Ten parallel submissions of one password-reset link: one new password, one "password changed" mail, and nine
told the link is used — the fingerprint is checked on the user's locked row."""

from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from app.core.mail import OutboxMessage
from app.extensions import db
from tests.factories import UserFactory
from tests.helpers import path_of
from tests.live import fire, shows_race, statuses


def _ten_resets(visitor, outbox) -> tuple[list, object]:
    user = UserFactory(locale="en")
    browser = visitor()
    browser.http.headers["Accept-Language"] = "en"
    assert browser.post("/password/forgot", {"email": user.email}, token=browser.token("/password/forgot")
                        ).status_code == 302
    link = path_of(outbox.link(user.email, "/password/reset/"))
    csrf = browser.token(link)
    passwords = [f"new password number {i}" for i in range(10)]
    responses = fire(10, lambda i: browser.post(link, {"password": passwords[i], "password_confirm": passwords[i]},
                                                token=csrf))
    return responses, user


def _changed_mails(user) -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.to_address == user.email, OutboxMessage.template == "accounts/mail/password_changed"))


def test_ten_parallel_resets_with_one_link_change_the_password_once(visitor, outbox):
    responses, user = _ten_resets(visitor, outbox)
    codes = statuses(responses)
    assert codes.count(302) == 1 and codes.count(400) == 9, codes
    assert all("already been used" in r.text for r in responses if r.status_code == 400)
    assert _changed_mails(user) == 1
    db.session.refresh(user)
    winner = next(i for i, r in enumerate(responses) if r.status_code == 302)
    assert check_password_hash(user.password_hash, f"new password number {winner}")


def test_control_without_locks_one_link_resets_several_times(visitor, outbox, locks_off, quiet_server):
    def round_() -> bool:
        responses, user = _ten_resets(visitor, outbox)
        # PostgreSQL: several resets go through; SQLite: writers collide ("database is locked" errors).
        return statuses(responses).count(302) > 1 or _changed_mails(user) > 1 or not set(statuses(responses)) <= {
            302, 400}

    assert shows_race(round_)
