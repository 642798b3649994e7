"""The Redis tests use: database 15 of the server on loopback, and a mark that skips them when none runs."""

import pytest
import redis

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(not redis_available(), reason="Redis is not running on 127.0.0.1:6379")
