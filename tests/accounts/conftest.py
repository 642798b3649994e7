"""`make_app`: another app on the test database, configured as a deployment would be (production, proxies, Redis)."""

from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from app import create_app
from app.extensions import db, limiter
from config import Config, ProductionConfig, TestingConfig


@pytest.fixture
def make_app(app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Flask]]:
    made: list[Flask] = []

    def _make(config: type[Config] = TestingConfig, **overrides: object) -> Flask:
        if issubclass(config, ProductionConfig):
            monkeypatch.setenv("SECRET_KEY", "a-test-secret-that-is-long-enough-for-production")
        other = create_app(config, {"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_STORAGE_URI": "memory://",
                                    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", **overrides})
        other.test_client_class = app.test_client_class  # each request in a fresh context
        made.append(other)
        return other

    yield _make
    for other in made:
        with other.app_context():
            db.engine.dispose()
    limiter.init_app(app)  # the limiter is one object: give the test app its own storage back
