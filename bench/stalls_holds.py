"""Stall holds through HTTP under gunicorn on PostgreSQL: 500 accepted applicants, logged in through the real form,
send one hold each (their CSRF token taken from a page first) at stalls picked at random among 100, from
CONCURRENCY client connections released together; then the SVG map page of a 300-stall ground.

Records `stalls.double_bookings` (stalls or applications with two live bookings: must be 0), `stalls.holds_per_s`
(hold requests answered per second), `stalls.hold_p99_ms` / `stalls.hold_p50_ms` (latency of one hold request as
the client sees it, queueing included), `stalls.holds_won` (how many holds succeeded: at most 100) and
`stalls.map_p50_ms` (the "choose your stall" page with the map of 300 stalls).

Needs PostgreSQL (BENCH_DATABASE_URL): row locks are the point. Its tables are dropped and recreated.
Run alone: `BENCH_DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/stalls_holds.py`.
"""

import http.client
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

APPLICANTS = 500
STALLS = 100
MAP_STALLS = 300
CONCURRENCY = int(os.environ.get("BENCH_HOLD_CONCURRENCY", "32"))
MAP_RUNS = 40
PASSWORD = "bench stalls password"  # noqa: S105 (a throwaway database)


def _seed(url: str) -> tuple[list[tuple[str, int]], list[int], tuple[str, int]]:
    """The two grounds and the applicants; returns [(email, application id)], the stall ids, and the map viewer."""
    from werkzeug.security import generate_password_hash

    from app import create_app
    from app.accounts.models import User
    from app.core.permissions import Role
    from app.extensions import db
    from app.festival.models import Application, Call, Edition, EditionStatus
    from app.festival.models.application import ApplicationStatus
    from app.festival.vocab import CallKind
    from app.stalls.models import Stall, StallSettings, Zone
    from config import TestingConfig

    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url})
    password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    now = datetime.now(UTC)
    with app.app_context():
        db.drop_all()
        db.create_all()

        def ground(index: int, stalls: int) -> Call:
            edition = Edition(name=f"Bench festival {index}", slug=f"bench-{index}", code=f"BEN{index}",
                              starts_on=date.today() + timedelta(days=60), ends_on=date.today() + timedelta(days=62),
                              venue="Lapangan Puputan", applications_open_at=now - timedelta(days=90),
                              applications_close_at=now - timedelta(days=30), status=EditionStatus.PUBLISHED)
            call = Call(edition=edition, kind=CallKind.BAZAAR, name_ind="Bazar", name_en="Bazaar")
            db.session.add_all([edition, call])
            db.session.flush()
            db.session.add(StallSettings(edition_id=edition.id))
            zones = [Zone(edition_id=edition.id, code=f"z{z}", name_ind=f"Zona {z}", name_en=f"Zone {z}",
                          position=z) for z in range(5)]
            db.session.add_all(zones)
            db.session.flush()
            per_row = 20
            db.session.add_all([
                Stall(edition_id=edition.id, zone_id=zones[n * 5 // stalls].id,
                      code=f"{chr(65 + n // per_row)}-{n:03d}",
                      price=500_000 + 50_000 * (n % 4), power_watts=900 if n % 3 == 0 else 0,
                      power_surcharge=100_000 if n % 3 == 0 else 0, corner=n % per_row in (0, per_row - 1),
                      grid_x=(n % per_row) * 2, grid_y=(n // per_row) * 3, grid_w=2, grid_h=2)
                for n in range(stalls)])
            return call

        def applicant(call: Call, n: int) -> Application:
            user = User(email=f"stall{call.edition_id}-{n}@bench.example", name=f"Pedagang {n}",
                        password_hash=password_hash, roles={Role.APPLICANT}, email_confirmed_at=now,
                        date_of_birth=date(2003, 1, 1), locale="id")
            application = Application(call=call, applicant=user, full_name=user.name,
                                      status=ApplicationStatus.ACCEPTED, submitted_at=now, decided_at=now,
                                      business_name=f"Usaha {n}")
            db.session.add(application)
            return application

        holds_call = ground(1, STALLS)
        applications = [applicant(holds_call, n) for n in range(APPLICANTS)]
        map_call = ground(2, MAP_STALLS)
        viewer = applicant(map_call, 0)
        db.session.commit()
        people = [(a.applicant.email, a.id) for a in applications]
        stall_ids = list(db.session.scalars(db.select(Stall.id).where(Stall.edition_id == holds_call.edition_id)))
        seen_by = (viewer.applicant.email, viewer.id)
        db.session.remove()
        db.engine.dispose()
    return people, stall_ids, seen_by


def _post(connection: http.client.HTTPConnection, path: str, cookie: str, token: str) -> int:
    connection.request("POST", path, body=urlencode({"csrf_token": token}), headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = connection.getresponse()
    response.read()
    return response.status


def _sessions(port: int, people: list[tuple[str, int]], stall_ids: list[int]) -> list[tuple[str, str]]:
    """(cookie, CSRF token) per applicant: logged in through the form, the token from a stall page."""
    from bench.throughput import _get, log_in
    from tests.helpers import csrf_token

    sessions = []
    for email, application_id in people:
        cookie = log_in(port, email, PASSWORD)
        page = _get(port, f"/applications/{application_id}/stalls/{stall_ids[0]}", cookie)
        assert page.status == 200, f"stall page → {page.status}"
        sessions.append((cookie, csrf_token(page.body)))
    return sessions


def _fire(port: int, people, sessions, targets) -> tuple[list[float], list[int], float]:
    """Every hold, from CONCURRENCY keep-alive connections released together; latencies (ms), statuses, seconds."""
    latencies: list[float] = [0.0] * len(people)
    codes: list[int] = [0] * len(people)
    queue = list(range(len(people)))
    lock = threading.Lock()
    barrier = threading.Barrier(CONCURRENCY + 1)

    def work() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        barrier.wait()
        while True:
            with lock:
                if not queue:
                    break
                index = queue.pop()
            cookie, token = sessions[index]
            path = f"/applications/{people[index][1]}/stalls/{targets[index]}/hold"
            started = time.perf_counter()
            try:
                codes[index] = _post(connection, path, cookie, token)
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                codes[index] = -1
            latencies[index] = (time.perf_counter() - started) * 1000
        connection.close()

    threads = [threading.Thread(target=work) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return latencies, codes, time.perf_counter() - started


def _double_bookings(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.execute(text(
            "SELECT (SELECT count(*) FROM (SELECT stall_id FROM stalls_booking WHERE status IN ('held', 'confirmed')"
            " GROUP BY stall_id HAVING count(*) > 1) s) + (SELECT count(*) FROM (SELECT application_id"
            " FROM stalls_booking WHERE status IN ('held', 'confirmed') GROUP BY application_id"
            " HAVING count(*) > 1) a)")).scalar_one()
    engine.dispose()
    return int(count)


def _map_p50(port: int, viewer: tuple[str, int]) -> float:
    from bench.throughput import _get, log_in

    cookie = log_in(port, viewer[0], PASSWORD)
    path = f"/applications/{viewer[1]}/stalls"
    page = _get(port, path, cookie)
    assert page.status == 200 and page.body.count('class="stall stall-') == MAP_STALLS, "the map lacks stalls"
    times = []
    for _ in range(MAP_RUNS):
        started = time.perf_counter()
        assert _get(port, path, cookie).status == 200
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(url: str | None) -> dict[str, float]:
    if not url or not url.startswith("postgresql"):
        print("stalls holds benchmark skipped: set BENCH_DATABASE_URL to a PostgreSQL database", file=sys.stderr)
        return {}
    from bench.throughput import gunicorn, portal_env

    people, stall_ids, viewer = _seed(url)
    rng = random.Random(27)
    targets = [rng.choice(stall_ids) for _ in people]
    folder = tempfile.mkdtemp(prefix="dyouth-bench-stalls-")
    env = {**portal_env(url, folder), "LOGIN_LIMIT_PER_IP": "100000 per minute"}
    with gunicorn("wsgi:app", env) as port:
        sessions = _sessions(port, people, stall_ids)
        latencies, codes, seconds = _fire(port, people, sessions, targets)
        map_ms = _map_p50(port, viewer)
    won = codes.count(302)
    unexpected = [code for code in codes if code not in (302, 409)]
    assert not unexpected, f"holds answered {sorted(set(unexpected))}"
    ordered = sorted(latencies)
    results = {
        "stalls.double_bookings": _double_bookings(url),
        "stalls.holds_won": won,
        "stalls.holds_per_s": round(len(codes) / seconds, 1),
        "stalls.hold_p50_ms": round(statistics.median(ordered), 1),
        "stalls.hold_p99_ms": round(ordered[int(len(ordered) * 0.99) - 1], 1),
        "stalls.hold_concurrency": CONCURRENCY,
        "stalls.map_p50_ms": round(map_ms, 1),
    }
    assert won == len(set(targets)), f"{won} holds won for {len(set(targets))} stalls tried"
    return results


if __name__ == "__main__":
    print(json.dumps(measure(os.environ.get("BENCH_DATABASE_URL")), indent=2, sort_keys=True))
