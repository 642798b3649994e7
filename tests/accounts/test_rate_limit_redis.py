"""With REDIS_URL set, the limits are shared by every worker (two apps stand in for two workers).

Each run counts under its own RATELIMIT_KEY_PREFIX and removes only its own keys, so two runs at once (two
checkouts, CI and a developer) on the same Redis do not count each other's attempts or wipe each other's counts.
"""

import uuid
from types import SimpleNamespace

import pytest
import redis

from tests.factories import PASSWORD
from tests.helpers import csrf_token, submit, text
from tests.live import fire
from tests.redis_server import REDIS_URL, needs_redis

pytestmark = needs_redis


@pytest.fixture
def redis_workers(make_app):
    """Two workers sharing Redis under a key prefix of this run's own; its keys are deleted afterwards."""
    prefix = f"dyouth-test-{uuid.uuid4().hex}"
    connection = redis.Redis.from_url(REDIS_URL)
    yield SimpleNamespace(
        apps=[make_app(RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix) for _ in range(2)],
        keys=lambda: list(connection.scan_iter(f"*{prefix}*")),
    )
    for key in connection.scan_iter(f"*{prefix}*"):
        connection.delete(key)


def test_account_limit_is_shared_between_workers(redis_workers, user_factory):
    # Read now: touching a test-session object inside a worker's context would borrow that worker's engine.
    email = user_factory().email
    for attempt in range(5):
        worker = redis_workers.apps[attempt % 2]
        response = submit(worker.test_client(), "/login", {"email": email, "password": "wrong one!!"})
        assert response.status_code == 200
    blocked = submit(redis_workers.apps[1].test_client(), "/login", {"email": email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert redis_workers.keys(), "the counts are not in Redis"


def test_parallel_wrong_passwords_are_counted_atomically_in_redis(redis_workers, user_factory):
    email = user_factory().email
    clients = [redis_workers.apps[i % 2].test_client() for i in range(20)]  # one browser per thread
    tokens = [csrf_token(text(client.get("/login"))) for client in clients]

    def guess(i: int):
        return clients[i].post("/login", data={"csrf_token": tokens[i], "email": email, "password": "wrong one!!"})

    codes = [r.status_code for r in fire(20, guess)]
    assert codes.count(200) == 5 and codes.count(429) == 15, codes


def test_runs_do_not_share_counts(make_app, redis_workers, user_factory):
    """Another run (another prefix) on the same Redis starts from zero for the same address."""
    email = user_factory().email
    for _ in range(5):
        submit(redis_workers.apps[0].test_client(), "/login", {"email": email, "password": "wrong one!!"})
    other_run = make_app(RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=f"dyouth-test-{uuid.uuid4().hex}")
    try:
        assert submit(other_run.test_client(), "/login", {"email": email, "password": PASSWORD}).status_code == 302
    finally:
        connection = redis.Redis.from_url(REDIS_URL)
        for key in connection.scan_iter(f"*{other_run.config['RATELIMIT_KEY_PREFIX']}*"):
            connection.delete(key)
