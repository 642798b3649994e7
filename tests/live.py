"""The session app served over real HTTP on loopback, for browser tests and for tests that fire parallel requests.

`Visitor` is one browser (its own cookies) driving the real forms over HTTP; `fire` sends requests from several
threads that start together, as a double-click or a crowd would.
"""

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from flask import Flask, got_request_exception, has_app_context
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from app.extensions import db
from tests.factories import PASSWORD

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def end_snapshot() -> None:
    """End the test's own transaction, so that its next read sees what the server committed meanwhile.

    A transaction reads one snapshot (PostgreSQL's repeatable reads within a statement, SQLite's WAL snapshot for the
    whole transaction); the test's session would otherwise keep reading the state from before the requests.
    """
    if threading.current_thread() is threading.main_thread() and has_app_context():
        db.session.commit()


class _QuietHandler(WSGIRequestHandler):
    """No access log for each request; errors are still logged."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@dataclass
class LiveServer:
    url: str
    errors: list[BaseException] = field(default_factory=list)

    def check_no_errors(self) -> None:
        """Fail with the server-side exception if a request crashed (the client only sees a 500 page)."""
        if self.errors:
            error = self.errors[0]
            raise AssertionError(f"the server raised {type(error).__name__}: {error}") from error


@pytest.fixture(scope="session")
def live_server_instance(app: Flask) -> Iterator[LiveServer]:
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    live = LiveServer(url=f"http://127.0.0.1:{server.server_port}")

    def record(sender: Flask, exception: BaseException, **extra: object) -> None:
        live.errors.append(exception)

    got_request_exception.connect(record, app)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield live
    finally:
        got_request_exception.disconnect(record, app)
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def live_server(live_server_instance: LiveServer) -> Iterator[LiveServer]:
    """The running server, with the record of server-side exceptions fresh for each test."""
    live_server_instance.errors.clear()
    yield live_server_instance
    live_server_instance.check_no_errors()


class Visitor:
    """One browser over real HTTP: its own cookie jar, the real forms with their CSRF tokens."""

    def __init__(self, server: LiveServer):
        self.server = server
        self.http = requests.Session()

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        response = self.http.get(self.server.url + path, allow_redirects=False, timeout=60, **kwargs)
        end_snapshot()
        return response

    def token(self, page: str) -> str:
        response = self.get(page)
        assert response.status_code == 200, f"{page} answered {response.status_code}"
        match = CSRF_RE.search(response.text)
        assert match, f"{page} has no CSRF token"
        return match.group(1)

    def post(self, path: str, data: dict | None = None, token: str | None = None, **kwargs: Any) -> requests.Response:
        payload = {"csrf_token": token, **(data or {})} if token else (data or {})
        response = self.http.post(self.server.url + path, data=payload, allow_redirects=False, timeout=60, **kwargs)
        end_snapshot()
        return response

    def login(self, user_or_email: Any, password: str = PASSWORD) -> "Visitor":
        email = getattr(user_or_email, "email", user_or_email)
        response = self.post("/login", {"email": email, "password": password}, token=self.token("/login"))
        assert response.status_code == 302, f"login of {email} answered {response.status_code}"
        return self


@pytest.fixture
def visitor(live_server: LiveServer) -> Callable[[], Visitor]:
    """Make as many independent browsers as a test needs."""
    return lambda: Visitor(live_server)


def fire(count: int, send: Callable[[int], Any]) -> list[Any]:
    """Call `send(i)` from `count` threads released together; return what each returned (or raised), in order."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = send(index)
        except Exception as error:  # noqa: BLE001 (reported to the test, which decides)
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    end_snapshot()
    return results


# Control runs ------------------------------------------------------------------------------------------------
# Each race test has a control run (`locks_off`): the same requests with the row locks (PostgreSQL) and IMMEDIATE
# write transactions (SQLite) switched off, which shows the race the locks prevent. A race is a matter of timing, so
# a control run repeats its round a few times and passes as soon as one round shows the race.

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
