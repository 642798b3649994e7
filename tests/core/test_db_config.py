"""Database connections from the environment (config.py): pool sizes for PostgreSQL, pgbouncer's setting, the read
replica as a second bind, and SQLite left with its own options."""

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy.pool import QueuePool

from app import create_app
from app.extensions import db, limiter
from config import BASE_DIR, TestingConfig, database_engine_options
from tests.conftest import POSTGRES

PG = "postgresql+psycopg://dyouth@db.internal:5432/dyouth"
DB_VARIABLES = ("DB_POOL_SIZE", "DB_MAX_OVERFLOW", "DB_POOL_TIMEOUT", "DB_POOL_RECYCLE", "DB_PGBOUNCER",
                "REPLICA_DATABASE_URL")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in DB_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_postgresql_defaults_are_sqlalchemys_sizes_with_pre_ping_and_recycling(clean_env):
    assert database_engine_options(PG) == {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 10,
                                           "pool_timeout": 30.0, "pool_recycle": 1800}


def test_pool_sizes_and_pgbouncer_come_from_the_environment(clean_env):
    for name, value in (("DB_POOL_SIZE", "2"), ("DB_MAX_OVERFLOW", "3"), ("DB_POOL_TIMEOUT", "4.5"),
                        ("DB_POOL_RECYCLE", "600"), ("DB_PGBOUNCER", "1")):
        clean_env.setenv(name, value)
    assert database_engine_options(PG) == {"pool_pre_ping": True, "pool_size": 2, "max_overflow": 3,
                                           "pool_timeout": 4.5, "pool_recycle": 600,
                                           "connect_args": {"prepare_threshold": None}}
    clean_env.setenv("DB_PGBOUNCER", "0")
    assert "connect_args" not in database_engine_options(PG)


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:////srv/dyouth/instance/dyouth.sqlite3"])
def test_sqlite_keeps_its_own_options_whatever_the_environment(clean_env, url):
    clean_env.setenv("DB_POOL_SIZE", "2")
    clean_env.setenv("DB_PGBOUNCER", "1")
    assert database_engine_options(url) == {"pool_pre_ping": True}  # its pools take no sizes


def test_the_app_builds_its_pool_from_the_options(app, clean_env):
    clean_env.setenv("DB_POOL_SIZE", "2")
    clean_env.setenv("DB_MAX_OVERFLOW", "1")
    clean_env.setenv("DB_POOL_TIMEOUT", "7")
    other = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": PG,
                                       "SQLALCHEMY_ENGINE_OPTIONS": database_engine_options(PG)})
    with other.app_context():
        pool = db.engine.pool  # made without connecting: the host need not exist
        assert isinstance(pool, QueuePool)
        assert (pool.size(), pool._max_overflow, pool._timeout, pool._recycle, pool._pre_ping) == (2, 1, 7.0, 1800,
                                                                                                     True)
        db.engine.dispose()
    limiter.init_app(app)  # the limiter is one object: give the test app its own storage back


@pytest.mark.postgres
def test_with_db_pgbouncer_psycopg_never_prepares(app, database_url, clean_env):
    clean_env.setenv("DB_PGBOUNCER", "1")
    other = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url,
                                       "SQLALCHEMY_ENGINE_OPTIONS": database_engine_options(database_url)})
    with other.app_context():
        with db.engine.connect() as connection:
            assert connection.connection.driver_connection.prepare_threshold is None
        db.engine.dispose()
    limiter.init_app(app)
    with app.app_context(), db.engine.connect() as connection:  # the test app: psycopg's default
        assert connection.connection.driver_connection.prepare_threshold == 5


def _configured(env: dict[str, str]) -> dict:
    """The configuration classes as a fresh process reads them from `env` (config.py reads it on import)."""
    code = ("import json, config; print(json.dumps({name: {key: getattr(cls, key) for key in "
            "('SQLALCHEMY_DATABASE_URI', 'SQLALCHEMY_ENGINE_OPTIONS', 'SQLALCHEMY_BINDS')} "
            "for name, cls in config.CONFIGS.items()}))")
    # Empty counts as unset, and keeps a developer's .env from filling them in (load_dotenv overrides nothing).
    base = {**os.environ, **dict.fromkeys((*DB_VARIABLES, "DATABASE_URL"), "")}
    result = subprocess.run([sys.executable, "-c", code], env={**base, **env}, cwd=BASE_DIR, capture_output=True,
                            text=True, check=True, timeout=60)
    return json.loads(result.stdout)


def test_a_deployment_through_pgbouncer_with_a_replica():
    replica = "postgresql+psycopg://reader@replica.internal:5432/dyouth"
    configs = _configured({"DATABASE_URL": PG, "DB_PGBOUNCER": "1", "DB_POOL_SIZE": "3", "DB_MAX_OVERFLOW": "2",
                           "REPLICA_DATABASE_URL": replica})
    production = configs["production"]
    assert production["SQLALCHEMY_DATABASE_URI"] == PG
    expected = {"pool_pre_ping": True, "pool_size": 3, "max_overflow": 2, "pool_timeout": 30.0,
                "pool_recycle": 1800, "connect_args": {"prepare_threshold": None}}
    assert production["SQLALCHEMY_ENGINE_OPTIONS"] == expected
    assert production["SQLALCHEMY_BINDS"] == {"replica": {"url": replica, **expected}}
    assert configs["testing"]["SQLALCHEMY_BINDS"] == {}  # tests never read a replica unless they ask for one


def test_without_a_replica_there_is_no_second_bind():
    configs = _configured({})
    assert configs["production"]["SQLALCHEMY_BINDS"] == {}
    assert configs["development"]["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": True}  # SQLite in instance/
    if not POSTGRES:
        assert configs["testing"]["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": True}
