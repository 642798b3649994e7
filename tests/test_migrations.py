"""Migrations: empty database → head, one head, and no difference between models and migrations."""

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import CheckConstraint, create_engine, inspect, make_url, text

from app import create_app
from app.extensions import db
from config import TestingConfig


@pytest.fixture
def empty_database_url(tmp_path) -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"dyouth_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_from_empty_to_head_matches_the_models(empty_database_url):
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        assert len(script.get_heads()) == 1
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert context.get_current_revision() == script.get_current_head()
            diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def _check_constraints(connection, tables) -> dict[str, set[str]]:
    inspector = inspect(connection)
    return {table.name: {c["name"] for c in inspector.get_check_constraints(table.name)} for table in tables}


def test_migrations_make_every_check_constraint_of_the_models(empty_database_url):
    """Autogenerate does not compare CHECK constraints: this does, by name, on the migrated database."""
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        tables = db.metadata.sorted_tables
        expected = {table.name: {c.name for c in table.constraints if isinstance(c, CheckConstraint)}
                    for table in tables}
        with db.engine.connect() as connection:
            got = _check_constraints(connection, tables)
        db.engine.dispose()
    assert got == expected
    assert "ck_festival_application_event_from_status_enum" in got["festival_application_event"]


USERS_BEFORE = [  # e-mail, the role the account had before roles became a set
    ("staf@example.com", "staff"), ("sarah@example.au", "mentor"), ("juri@example.id", "reviewer"),
    ("made@example.id", "applicant"), ("ayu@example.id", "applicant"),
]


def test_upgrade_keeps_every_account_role(empty_database_url):
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="a9d20261203a")  # user_account.role: one role per account
        with db.engine.begin() as connection:
            for email, role in USERS_BEFORE:
                connection.execute(text(
                    "INSERT INTO user_account (email, name, password_hash, role, locale, timezone, active,"
                    " created_at, updated_at, session_version) VALUES (:email, 'Someone', 'x', :role, 'id',"
                    " 'Asia/Makassar', :active, :now, :now, 0)"
                ), {"email": email, "role": role, "active": True, "now": datetime(2026, 12, 1, tzinfo=UTC)})
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT user_account.email, user_role.role FROM user_role"
                " JOIN user_account ON user_account.id = user_role.user_id"
            )).all()
            columns = {c["name"] for c in inspect(connection).get_columns("user_account")}
        db.engine.dispose()
    assert sorted(rows) == sorted(USERS_BEFORE)
    assert "role" not in columns
