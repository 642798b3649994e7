"""Race tests: real parallel requests against the served app, on SQLite and PostgreSQL alike.

Each invariant has its control run (`locks_off`): the same requests with the row locks (PostgreSQL) and IMMEDIATE
write transactions (SQLite) switched off, which shows the race the locks prevent. A race is a matter of timing, so a
control run repeats its round a few times and passes as soon as one round shows the race.
"""

from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from app.extensions import db
from app.festival.models.application import ApplicationStatus as S
from tests.factories import ApplicationFactory, CallFactory, UserFactory

CONTROL_ROUNDS = 5


@pytest.fixture
def locks_off(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "ROW_LOCKS", False)


@pytest.fixture
def quiet_server(live_server) -> Iterator[object]:
    """For control runs: without locks the server may crash (SQLite: the database is locked), which is the point."""
    yield live_server
    live_server.errors.clear()


def statuses(responses: list) -> list:
    return [getattr(r, "status_code", repr(r)) for r in responses]


def shows_race(round_: Callable[[], bool], rounds: int = CONTROL_ROUNDS) -> bool:
    """Run `round_` (True when it saw the race) until it does, at most `rounds` times."""
    for _ in range(rounds):
        if round_():
            return True
        db.session.commit()
    return False


@pytest.fixture
def accepted_with_waiting_list():
    """An accepted application of a call that promotes automatically, and three waitlisted ones (best first)."""

    def make():
        call = CallFactory(auto_promote_waitlist=True)
        accepted = ApplicationFactory(call=call, submitted=True, status=S.ACCEPTED)
        waiting = [ApplicationFactory(call=call, submitted=True, status=S.WAITLISTED, score_mean=4.0 - i / 10,
                                      review_count=2, applicant=UserFactory()) for i in range(3)]
        return accepted, waiting

    return make
