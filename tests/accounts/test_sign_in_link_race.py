"""Ten parallel openings of one sign-in link sign in once: the link's row is locked and re-read, so all but the first
find it used. The control run switches the locks off and widens the gap between the check and the write: PostgreSQL
then signs in more than once; on SQLite the unguarded transactions fail as busy instead."""

from tests.conftest import POSTGRES
from tests.factories import UserFactory
from tests.helpers import path_of
from tests.live import fire, shows_race, statuses

CROWD = 10


def _openings(visitor, outbox) -> list:
    user = UserFactory(locale="en")
    asker = visitor()
    response = asker.post("/login/link", {"email": user.email, "password": ""}, token=asker.token("/login"))
    assert response.status_code == 302
    link = path_of(outbox.link(user.email, "/sign-in/"))
    browsers = [visitor() for _ in range(CROWD)]  # the link pasted in ten tabs, or a mail scanner and the person
    return fire(CROWD, lambda i: browsers[i].get(link))


def test_ten_parallel_openings_of_one_link_sign_in_once(visitor, outbox, app, monkeypatch):
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.05)
    codes = statuses(_openings(visitor, outbox))
    assert codes.count(302) == 1 and codes.count(400) == CROWD - 1, codes


def test_control_without_locks_the_link_is_not_guarded(visitor, outbox, app, monkeypatch, locks_off, quiet_server):
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CHECK_S", 0.3)

    def round_() -> bool:
        codes = statuses(_openings(visitor, outbox))
        if POSTGRES:
            return codes.count(302) > 1  # signed in more than once with a one-time link
        return codes.count(503) > 0 and codes.count(302) + codes.count(400) != CROWD  # SQLite: busy failures

    assert shows_race(round_)
