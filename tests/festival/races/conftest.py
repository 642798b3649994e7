"""Race tests of the festival: real parallel requests against the served app, on SQLite and PostgreSQL alike.

The control-run helpers (`locks_off`, `quiet_server`, `shows_race`, `statuses`) live in `tests/live.py`.
"""


import pytest

from app.festival.models.application import ApplicationStatus as S
from tests.factories import ApplicationFactory, CallFactory, UserFactory


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
