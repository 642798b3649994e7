"""The app through pgbouncer in transaction mode (Debian 12's 1.18), as production runs it with DB_PGBOUNCER=1.

pgbouncer is started here on loopback with a config of the test's own (transaction pooling, trust on loopback, fewer
server connections than the app's pool, so transactions really change server connections). psycopg prepares a
statement on its 6th run and keeps it until a rollback; through a transaction pooler the statement is then missing
on the next server connection, or already there under the same name from another client. Requests that end with a
commit (every form) and jobs that commit per row meet it; the controls show that failure without
`prepare_threshold=None`, the rest shows the app working, row locks included, with it.

PostgreSQL only; skipped when the pgbouncer program is missing (`.ci/run` installs it).
"""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from flask import Flask, got_request_exception
from sqlalchemy import Engine, make_url, text
from sqlalchemy.exc import DBAPIError
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db, limiter
from config import TestingConfig, database_engine_options
from tests.factories import UserFactory
from tests.live import LiveServer, Visitor, _QuietHandler, fire, statuses
from tests.stalls.book_world import accepted, ground
from tests.stalls.races.conftest import applicants_at
from tests.stalls.races.test_hold_races import TAKEN, live_per_stall

PGBOUNCER = shutil.which("pgbouncer") or next(
    (path for path in ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer") if os.path.exists(path)), None)
# pgbouncer's connections to PostgreSQL: fewer than the 5 the app's pool keeps (DB_POOL_SIZE), so that
# transactions change server connections, and (without the setting) at least two of the app's connections prepare
# their first statement, under the same name, on the same server connection.
SERVER_CONNECTIONS = 3
APP_POOL = "5"

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(PGBOUNCER is None, reason="pgbouncer is not installed (apt-get install pgbouncer)")]


def _version() -> tuple[int, ...]:
    out = subprocess.run([PGBOUNCER, "--version"], capture_output=True, text=True, check=True).stdout
    return tuple(int(n) for n in re.search(r"PgBouncer (\d+)\.(\d+)", out).groups())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Bouncer:
    url: str  # the test database, through pgbouncer
    port: int
    version: tuple[int, ...]

    def stats(self) -> dict[str, int]:
        """The test database's line of SHOW STATS (pgbouncer's admin console speaks only psql's simple protocol)."""
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-AF", "|",
                              "-c", "SHOW STATS", "pgbouncer"], capture_output=True, text=True, check=True).stdout
        header, *lines = out.splitlines()
        names = header.split("|")
        database = make_url(self.url).database
        for line in lines:
            values = line.split("|")
            if values[0] == database:
                return {name: int(value) for name, value in zip(names[1:], values[1:], strict=True)}
        raise AssertionError(f"no stats for {database}: {out}")


@pytest.fixture(scope="module")
def bouncer(database_url: str) -> Iterator[Bouncer]:
    direct = make_url(database_url)
    port = _free_port()
    folder = tempfile.mkdtemp(prefix="pgbouncer-")
    # pgbouncer refuses to run as root: it runs as postgres, and reads its files as postgres.
    os.chmod(folder, 0o755)  # noqa: S103 (a config without secrets: trust on loopback)
    user = direct.username or "postgres"
    config = os.path.join(folder, "pgbouncer.ini")
    with open(os.path.join(folder, "users.txt"), "w") as users:
        users.write(f'"{user}" ""\n')
    with open(config, "w") as ini:
        ini.write(f"""[databases]
{direct.database} = host={direct.host or '127.0.0.1'} port={direct.port or 5432} dbname={direct.database} user={user}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {folder}/users.txt
admin_users = {user}
pool_mode = transaction
default_pool_size = {SERVER_CONNECTIONS}
max_client_conn = 500
log_connections = 0
log_disconnections = 0
""")
    for name in os.listdir(folder):
        os.chmod(os.path.join(folder, name), 0o644)
    command = [PGBOUNCER, *(["-u", "postgres"] if os.geteuid() == 0 else []), config]
    log_path = os.path.join(folder, "pgbouncer.log")  # its log on stderr, written by us: postgres may not write here
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=log)
    try:
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert process.poll() is None, open(log_path).read()
            time.sleep(0.1)
        url = direct.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
        yield Bouncer(url, port, _version())
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def bounced(app: Flask, bouncer: Bouncer, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """`bounced(pgbouncer_mode)`: an app on the test database through pgbouncer, its engine options built by
    config.py from the environment as in production (DB_PGBOUNCER=1 or not)."""
    made: list[Flask] = []

    def _make(pgbouncer_mode: bool) -> Flask:
        monkeypatch.setenv("DB_PGBOUNCER", "1" if pgbouncer_mode else "0")
        monkeypatch.setenv("DB_POOL_SIZE", APP_POOL)
        other = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": bouncer.url,
                                           "SQLALCHEMY_ENGINE_OPTIONS": database_engine_options(bouncer.url)})
        other.test_client_class = app.test_client_class
        made.append(other)
        return other

    yield _make
    for other in made:
        with other.app_context():
            db.engine.dispose()
    limiter.init_app(app)  # the limiter is one object: give the test app its own storage back


@contextmanager
def served(app: Flask) -> Iterator[LiveServer]:
    """`app` over real HTTP on loopback in threads, with the exceptions its requests raised."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    live = LiveServer(url=f"http://127.0.0.1:{server.server_port}")

    def record(sender: Flask, exception: BaseException, **extra: object) -> None:
        live.errors.append(exception)

    got_request_exception.connect(record, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield live
    finally:
        got_request_exception.disconnect(record, app)
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _alternate(engine: Engine, runs: int = 8) -> None:
    """Two of the app's connections run the same query by turns, each in transactions of its own."""
    query = text("SELECT count(*) FROM user_account WHERE locale = :locale")
    first, second = engine.connect(), engine.connect()
    try:
        for _ in range(runs):
            for connection in (first, second):
                connection.execute(query, {"locale": "id"}).scalar()
                connection.commit()
    finally:
        first.close()
        second.close()


def test_control_psycopg_prepared_statements_break_through_pgbouncer_without_the_setting(bounced, bouncer):
    if bouncer.version >= (1, 21):
        pytest.skip("pgbouncer 1.21+ can track prepared statements (max_prepared_statements)")
    plain = bounced(pgbouncer_mode=False)
    with plain.app_context(), pytest.raises(DBAPIError, match="prepared statement"):
        _alternate(db.engine)


def test_with_db_pgbouncer_nothing_is_prepared_and_the_same_runs_pass(bounced):
    app = bounced(pgbouncer_mode=True)
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.connection.driver_connection.prepare_threshold is None
        _alternate(db.engine, runs=20)


def _crowd(app: Flask, users: list) -> tuple[list, list]:
    """8 signed-in people save their profile 15 times each, at once. Each request ends with a commit, after which
    psycopg keeps what it prepared (a rollback would clear it): the same statements run again and again on each of
    the app's connections."""
    with served(app) as live:
        browsers = [Visitor(live).login(user) for user in users]
        tokens = [browser.token("/account") for browser in browsers]

        def save(i: int) -> list[int]:
            form = {"name": f"Staf {i}", "phone": "", "locale": "en", "timezone": "Asia/Makassar"}
            return [browsers[i].post("/account", form, token=tokens[i]).status_code for _ in range(15)]

        results = fire(len(browsers), save)
        return results, list(live.errors)


def _staff(count: int) -> list:
    users = [UserFactory(staff=True, locale="en") for _ in range(count)]
    db.session.commit()
    return users


def test_many_requests_through_pgbouncer_all_answer(bounced, bouncer):
    app = bounced(pgbouncer_mode=True)
    users = _staff(8)
    before = bouncer.stats()["total_xact_count"]
    results, errors = _crowd(app, users)
    assert errors == []
    assert results == [[302] * 15] * 8
    # Every request went through pgbouncer, whose few server connections served the app's many transactions.
    assert bouncer.stats()["total_xact_count"] - before >= 8 * 15


def test_control_the_same_crowd_fails_without_the_setting(bounced, bouncer):
    if bouncer.version >= (1, 21):
        pytest.skip("pgbouncer 1.21+ can track prepared statements (max_prepared_statements)")
    app = bounced(pgbouncer_mode=False)
    users = _staff(8)
    results, errors = _crowd(app, users)
    assert any("prepared statement" in str(error) for error in errors), errors
    assert any(code == 500 for codes in results if isinstance(codes, list) for code in codes)


def test_fifty_holds_on_one_stall_through_pgbouncer_make_exactly_one(bounced):
    app = bounced(pgbouncer_mode=True)
    app.config["TEST_SLEEP_AFTER_CHECK_S"] = 0.05  # widen the race, as the direct race test does
    edition, (stall,) = ground(1)
    applications = [accepted(edition, locale="en") for _ in range(50)]
    db.session.commit()
    with served(app) as live:
        browsers = applicants_at(lambda: Visitor(live), applications, lambda a: f"/applications/{a.id}/stalls")
        urls = [f"/applications/{a.id}/stalls/{stall.id}/hold" for a in applications]
        responses = fire(50, lambda i: browsers[i][0].post(urls[i], token=browsers[i][1]))
        live.check_no_errors()
    codes = statuses(responses)
    assert codes.count(302) == 1 and codes.count(409) == 49, codes
    assert all(TAKEN in r.text for r in responses if r.status_code == 409)
    assert live_per_stall() == {stall.id: 1}
