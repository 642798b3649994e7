"""The read replica (REPLICA_DATABASE_URL, app/core/replica.py): the dashboards and the exports' rows read it, the
rest of the app reads and writes the primary.

The replica is a second database with the same schema, filled here as streaming replication would fill it, then left
behind while the primary moves on, so the two hold different rows and each page shows which one it read. On
PostgreSQL it is a second database on the same server (`<test database>_replica`); on SQLite a second file.
"""

import csv
import io
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import Engine, create_engine, event, make_url, text

from app import create_app
from app.core.replica import REPLICA
from app.extensions import db, limiter
from config import TestingConfig, database_engine_options
from tests.conftest import POSTGRES
from tests.exports.conftest import entries
from tests.factories import ApplicationFactory, CallFactory, EditionFactory, UserFactory
from tests.helpers import text as page_text
from tests.staff.test_dashboards import chart, number, tips

SKIPPED = frozenset({"audit_entry"})  # append-only (a trigger refuses DELETE); nothing here reads it from a replica


def _create_database(url: str) -> None:
    server = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        name = make_url(url).database
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()


@pytest.fixture(scope="module")
def replica_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not POSTGRES:
        yield f"sqlite:///{tmp_path_factory.mktemp('replica') / 'replica.sqlite3'}"
        return
    url = make_url(database_url)
    url = url.set(database=f"{url.database}_replica").render_as_string(hide_password=False)
    _create_database(url)
    yield url


@pytest.fixture(scope="module")
def replica_engine(replica_url: str) -> Iterator[Engine]:
    """The replica's schema: the primary's tables (a replica copies the schema with the rows)."""
    engine = create_engine(replica_url)
    db.metadata.drop_all(engine)
    db.metadata.create_all(engine)
    yield engine
    db.metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def replicated_app(app: Flask, database_url: str, replica_url: str, replica_engine: Engine) -> Iterator[Flask]:
    """The app as deployed with a replica: the primary is the test database, the replica the second one."""
    with replica_engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in SKIPPED:
                connection.execute(table.delete())
    other = create_app(TestingConfig, {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_BINDS": {REPLICA: {"url": replica_url, **database_engine_options(replica_url)}},
    })
    other.test_client_class = app.test_client_class  # each request in a fresh context
    yield other
    with other.app_context():
        for engine in db.engines.values():
            engine.dispose()
    db.metadatas.pop(REPLICA, None)  # `db` is one object: the test app has no replica, so no tables to make there
    limiter.init_app(app)  # the limiter is one object: give the test app its own storage back


def replicate(replica_engine: Engine) -> None:
    """What streaming replication does, once: the replica becomes a copy of the primary as committed now."""
    db.session.commit()
    with db.engine.connect() as source, replica_engine.begin() as target:
        for table in db.metadata.sorted_tables:
            rows = [dict(row._mapping) for row in source.execute(table.select())]
            if rows and table.name not in SKIPPED:
                target.execute(table.insert(), rows)


class Statements:
    """The SQL statements each engine ran while it listened."""

    def __init__(self, **engines: Engine) -> None:
        self.engines = engines
        self.seen: dict[str, list[str]] = {name: [] for name in engines}

    def __enter__(self) -> "Statements":
        for name, engine in self.engines.items():
            event.listen(engine, "before_cursor_execute", self._recorder(name))
        return self

    def _recorder(self, name: str):
        def record(conn, cursor, statement, parameters, context, executemany) -> None:
            if not statement.startswith(("BEGIN", "SET LOCAL")):
                self.seen[name].append(statement)

        setattr(self, f"_record_{name}", record)
        return record

    def __exit__(self, *exc: object) -> None:
        for name, engine in self.engines.items():
            event.remove(engine, "before_cursor_execute", getattr(self, f"_record_{name}"))


@pytest.fixture
def lagging(replicated_app: Flask, replica_engine: Engine):
    """An edition with three submitted applications on both databases, and two more only on the primary (sent
    after the replica's last copy)."""
    call = CallFactory(edition=EditionFactory())
    early = [ApplicationFactory(call=call, submitted=True) for _ in range(3)]
    replicate(replica_engine)
    late = [ApplicationFactory(call=call, submitted=True) for _ in range(2)]
    staff = UserFactory(staff=True, locale="en")  # signs in on the primary, which the replica has not seen yet
    db.session.commit()
    return call, early, late, staff


def _engines(replicated_app: Flask) -> dict[str, Engine]:
    with replicated_app.app_context():
        return {"primary": db.engine, "replica": db.engines[REPLICA]}


def test_the_dashboard_counts_from_the_replica_and_signs_in_on_the_primary(replicated_app, lagging, login):
    call, _early, _late, staff = lagging
    client = replicated_app.test_client()
    login(staff, on=client)
    with Statements(**_engines(replicated_app)) as seen:
        response = client.get(f"/staff/dashboards/{call.edition_id}")
    assert response.status_code == 200
    funnel = [number(v.split(" · ")[0]) for v in tips(chart(page_text(response), "chart-funnel")).values()]
    assert funnel[:2] == [3, 3]  # started, submitted: the replica's three, not the primary's five
    # Every grouped figure and the picker went to the replica; the primary served the user and the edition.
    assert len(seen.seen["replica"]) == 10 and all(s.startswith("SELECT") for s in seen.seen["replica"])
    assert len(seen.seen["primary"]) == 2
    assert re.search(r"FROM user_account\b", seen.seen["primary"][0])


def test_an_export_streams_its_rows_from_the_replica_and_logs_on_the_primary(replicated_app, lagging, login):
    call, early, _late, staff = lagging
    client = replicated_app.test_client()
    login(staff, on=client)
    with Statements(**_engines(replicated_app)) as seen:
        response = client.get("/staff/exports/applications", query_string={"format": "csv", "call": call.id,
                                                                            "sort": "oldest"})
        body = response.get_data()
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert [row[0] for row in rows[1:]] == [a.reference for a in early]  # the replica's rows
    assert len(seen.seen["replica"]) == 1 and seen.seen["replica"][0].startswith("SELECT")
    assert any(s.startswith("INSERT INTO audit_entry") for s in seen.seen["primary"])
    (entry,) = entries("exports.applications")  # written on the primary, with the primary's count
    assert entry.after["rows"] == 5


def test_an_xlsx_export_reads_the_replica_too(replicated_app, lagging, login):
    from openpyxl import load_workbook

    call, early, _late, staff = lagging
    client = replicated_app.test_client()
    login(staff, on=client)
    response = client.get("/staff/exports/applications", query_string={"format": "xlsx", "call": call.id,
                                                                        "sort": "oldest"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    try:
        references = [row[0] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    finally:
        workbook.close()
    assert references == [a.reference for a in early]


def test_the_rest_of_the_app_reads_the_primary(replicated_app, lagging, login):
    call, early, late, staff = lagging
    client = replicated_app.test_client()
    login(staff, on=client)
    with Statements(**_engines(replicated_app)) as seen:
        page = page_text(client.get("/staff/applications", query_string={"call": call.id}))
    assert all(a.reference in page for a in early + late)  # the staff list: all five
    assert seen.seen["replica"] == []
    applicant = replicated_app.test_client()
    login(late[0].applicant, on=applicant)  # an applicant the replica has never seen signs in and sees their own
    with Statements(**_engines(replicated_app)) as seen:
        assert late[0].reference in page_text(applicant.get(f"/applications/{late[0].id}"))
    assert seen.seen["replica"] == []


def test_without_a_replica_the_dashboards_and_exports_read_the_primary(client, login):
    call = CallFactory(edition=EditionFactory())
    applications = [ApplicationFactory(call=call, submitted=True) for _ in range(2)]
    login(UserFactory(staff=True, locale="en"))
    assert db.engines.keys() == {None}
    html = page_text(client.get(f"/staff/dashboards/{call.edition_id}"))
    assert [number(v.split(" · ")[0]) for v in tips(chart(html, "chart-funnel")).values()][:2] == [2, 2]
    body = client.get("/staff/exports/applications", query_string={"format": "csv", "call": call.id}).get_data()
    assert len(body.decode("utf-8-sig").splitlines()) == 1 + len(applications)
