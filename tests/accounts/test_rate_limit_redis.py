"""With REDIS_URL set, the login limits are shared by every worker (two apps stand in for two workers)."""

import pytest
import redis

from app import create_app
from app.extensions import db, limiter
from config import TestingConfig
from tests.factories import PASSWORD
from tests.helpers import submit

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(not redis_available(), reason="Redis is not running on 127.0.0.1:6379")
def test_account_limit_is_shared_between_workers(app, database_url, user_factory):
    redis.Redis.from_url(REDIS_URL).flushdb()  # database 15 belongs to these tests
    overrides = {"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_STORAGE_URI": REDIS_URL}
    workers = [create_app(TestingConfig, overrides) for _ in range(2)]
    # Read now: touching a test-session object inside a worker's context would borrow that worker's engine.
    email = user_factory().email
    try:
        for attempt in range(5):
            worker = workers[attempt % 2]
            with worker.app_context():
                response = submit(worker.test_client(), "/login", {"email": email, "password": "wrong one!!"})
            assert response.status_code == 200
        with workers[1].app_context():
            blocked = submit(workers[1].test_client(), "/login", {"email": email, "password": PASSWORD})
        assert blocked.status_code == 429
    finally:
        redis.Redis.from_url(REDIS_URL).flushdb()
        for worker in workers:
            with worker.app_context():
                db.engine.dispose()
        limiter.init_app(app)  # the limiter is one object: give the test app its memory storage back
