"""`make bench`: generate 10,000 applications and 30 reviewers, measure the staff list and draft saving, then
requests per second through HTTP under gunicorn (bench/throughput.py), write bench/results.json."""

import json
import os
import re
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.accounts.models import User  # noqa: E402
from app.core.permissions import Role  # noqa: E402
from app.extensions import db  # noqa: E402
from app.festival.models import Application, Call  # noqa: E402
from app.festival.models.application import ApplicationStatus  # noqa: E402
from bench import dashboard, exports, matching, mentoring_home, scale, stalls_holds, throughput, uploads_peak  # noqa: E402
from bench.generate import generate, generate_unreviewed_call  # noqa: E402
from config import TestingConfig  # noqa: E402
from tests.helpers import csrf_token  # noqa: E402

RUNS = 40
RESULTS = ROOT / "bench" / "results.json"


@contextmanager
def counting_queries():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def timed(client, method: str, url: str, **kwargs) -> float:
    start = time.perf_counter()
    response = client.open(url, method=method, **kwargs)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code in (200, 302), f"{method} {url} → {response.status_code}"
    return elapsed


def log_in(client, email: str, password: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"csrf_token": csrf_token(page), "email": email, "password": password})
    assert response.status_code == 302, "login failed"


def make_user(email: str, role: Role, password: str) -> User:
    from app.accounts.services import hash_password
    from app.core.clock import now_utc

    user = User(email=email, name=email.split("@")[0], roles={role}, password_hash=hash_password(password),
                email_confirmed_at=now_utc(), date_of_birth=None)
    db.session.add(user)
    db.session.commit()
    return user


def list_url(call_id: int) -> str:
    return f"/staff/applications?call={call_id}&status=under_review"


def measure_list(app, client, call_id: int) -> dict[str, float]:
    url = list_url(call_id)
    page = client.get(url).get_data(as_text=True)
    rows = len(set(re.findall(r"DYFB-\d{5}", page)))
    assert rows == 50, f"the list page shows {rows} rows, not 50"  # measure a real, full page
    for _ in range(3):
        timed(client, "GET", url)
    times = [timed(client, "GET", url + f"&page={1 + n % 3}") for n in range(RUNS)]
    with app.app_context(), counting_queries() as statements:
        timed(client, "GET", url)
    return {
        "applications.list_p50_ms": round(statistics.median(times), 2),
        "applications.list_p95_ms": round(statistics.quantiles(times, n=20)[18], 2),
        "applications.list_queries": len(statements),
    }


def settle(url: str) -> None:
    """After the bulk insert, PostgreSQL's statistics and visibility map as autovacuum leaves them on a live
    database (without this, counts read every row from the heap and plans are guessed)."""
    if url.startswith("postgresql"):
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))


def measure_draft_save(client, application_id: int) -> dict[str, float]:
    url = f"/applications/{application_id}/step/2"
    page = client.get(url).get_data(as_text=True)
    token = csrf_token(page)
    times = []
    for n in range(RUNS):
        data = {"csrf_token": token, "business_name": f"Usaha Bench {n}", "subsector": "crafts", "stage": "started",
                "founded_on": "2024-02-01", "team_size": "3", "description": f"Kerajinan bambu, versi {n}.",
                "instagram": "@usaha", "tiktok": "", "website": "https://example.com", "action": "save"}
        times.append(timed(client, "POST", url, data=data))
    return {"applications.submit_p50_ms": round(statistics.median(times), 2)}


def check_draft_saved(draft_id: int) -> None:
    saved = db.session.get(Application, draft_id)
    assert saved.description == f"Kerajinan bambu, versi {RUNS - 1}.", "the draft step was not saved"


def measure_distribution() -> dict[str, float]:
    """Staff press "distribute evenly" on a call of 10,000 submitted applications with 30 reviewers."""
    from app.festival.services.assignment import distribute

    call = generate_unreviewed_call()
    staff = db.session.scalar(select(User).where(User.email == "staff@bench.example"))
    start = time.perf_counter()
    result = distribute(call, staff)
    db.session.commit()
    elapsed = time.perf_counter() - start
    assert result.assigned == 2 * result.applications and result.unfilled == 0, result
    return {"reviewers.distribute_10k_s": round(elapsed, 2), "reviewers.distribute_assignments": result.assigned}


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL")
    folder = tempfile.mkdtemp(prefix="dyouth-bench-")
    url = url or f"sqlite:///{folder}/bench.sqlite3"
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                                      "UPLOAD_FOLDER": folder})
    results: dict[str, float] = {}
    with app.app_context():
        db.drop_all()
        db.create_all()
        start = time.perf_counter()
        counts = generate()
        results["applications.generate_s"] = round(time.perf_counter() - start, 2)
        results["applications.count"] = counts["applications"]
        results["reviewers.count"] = counts["reviewers"]
        make_user("staff@bench.example", Role.STAFF, "bench password")
        applicant = make_user("draft@bench.example", Role.APPLICANT, "bench password")
        call = db.session.scalar(select(Call).order_by(Call.id))
        from datetime import date

        applicant.date_of_birth = date(2004, 1, 1)
        draft = Application(call=call, applicant=applicant, full_name=applicant.name, status=ApplicationStatus.DRAFT,
                            date_of_birth=applicant.date_of_birth)
        db.session.add(draft)
        db.session.commit()
        call_id, draft_id = call.id, draft.id
        settle(url)

    staff = app.test_client()
    log_in(staff, "staff@bench.example", "bench password")
    results.update(measure_list(app, staff, call_id))
    applicant_client = app.test_client()
    log_in(applicant_client, "draft@bench.example", "bench password")
    results.update(measure_draft_save(applicant_client, draft_id))
    with app.app_context():
        db.engine.dispose()  # the gunicorn workers open their own connections
    results.update(throughput.measure(url, folder, "staff@bench.example", "bench password", list_url(call_id)))
    # The same list page from one instance, then through haproxy to two; holds through haproxy (bench/scale.py:
    # PostgreSQL, haproxy and Redis only).
    results.update(scale.measure(url, ("staff@bench.example", "bench password"), list_url(call_id)))

    with app.app_context():
        check_draft_saved(draft_id)
        results.update(measure_distribution())
    results.update(stalls_holds.measure(url))  # its own schema (PostgreSQL only): holds under gunicorn, the map

    with app.app_context():
        if url.startswith("postgresql"):
            db.drop_all()
        db.engine.dispose()
    # Peak memory of a server taking five large photos at once (its own schema, after the rest is done).
    results.update(uploads_peak.measure(url if url.startswith("postgresql") else None))
    results.update(matching.measure())  # the mentor matcher: no database (bench/matching.py)
    # The mentor's home page with 8 mentees (its own schema: a fresh SQLite file, or PostgreSQL's tables recreated).
    results.update(mentoring_home.measure(url if url.startswith("postgresql") else None))
    # The staff list of 10,000 applications downloaded as XLSX and CSV (its own schema, bench/exports.py).
    results.update(exports.measure(url if url.startswith("postgresql") else None))
    # The staff dashboard of an edition over 10,000 applications, 300 stalls, 500 participants (bench/dashboard.py).
    results.update(dashboard.measure(url if url.startswith("postgresql") else None))
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(json.dumps(results, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
