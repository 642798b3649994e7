"""Exporting the staff list of 10,000 applications (bench/generate.py's data set) as XLSX and as CSV, through the
test client, the streamed body read to its end chunk by chunk (as a browser saving the file would).

Records `exports.applications_10k_s` (XLSX, median of 3), `exports.applications_csv_10k_s` (CSV, median of 3), the
files' sizes, and the peak Python heap of one download (tracemalloc, measured in a separate run because tracing slows
it): `exports.applications_10k_peak_mb` / `exports.applications_csv_10k_peak_mb`, and the same for a third of the rows
(one call) to show the peak does not grow with the rows. The exporter is a data officer (NIK and phone columns
included: the widest file). Runs on its own SQLite file, or on PostgreSQL (BENCH_DATABASE_URL; its tables are dropped
and recreated). Run alone: `.venv/bin/python bench/exports.py`.
"""

import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

URL = "/staff/exports/applications"
RUNS = 3
PASSWORD = "bench exports password"  # noqa: S105 (a throwaway database)


def _download(client, query: dict) -> tuple[float, int]:
    """Seconds to take the whole file, and its size in bytes (read a chunk at a time, never held whole)."""
    start = time.perf_counter()
    response = client.get(URL, query_string=query)
    assert response.status_code == 200, response.status_code
    size = 0
    try:
        for chunk in response.response:
            size += len(chunk)
    finally:
        response.close()
    return time.perf_counter() - start, size


def _peak_mb(client, query: dict) -> float:
    tracemalloc.start()
    try:
        _download(client, query)
        return round(tracemalloc.get_traced_memory()[1] / 1e6, 1)
    finally:
        tracemalloc.stop()


def measure(url: str | None = None) -> dict[str, float]:
    from sqlalchemy import func, select

    from app import create_app
    from app.core.permissions import Role
    from app.extensions import db
    from app.festival.models import Application, Call
    from bench.generate import generate
    from bench.run import log_in, make_user, settle
    from config import TestingConfig

    folder = tempfile.mkdtemp(prefix="dyouth-bench-exports-")
    url = url or f"sqlite:///{folder}/exports.sqlite3"
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.drop_all()
        db.create_all()
        count = generate()["applications"]
        officer = make_user("officer@bench.example", Role.STAFF, PASSWORD)
        officer.roles = {Role.STAFF, Role.DATA_OFFICER}
        db.session.commit()
        call_id = db.session.scalar(select(Call.id).order_by(Call.id))
        in_call = db.session.scalar(select(func.count()).select_from(Application).where(Application.call_id == call_id))
        settle(url)
    client = app.test_client()
    log_in(client, "officer@bench.example", PASSWORD)
    everything = {"format": "xlsx"}
    _download(client, everything)  # warm-up: imports, caches
    xlsx = [_download(client, everything) for _ in range(RUNS)]
    csv = [_download(client, {"format": "csv"}) for _ in range(RUNS)]
    results = {
        "exports.applications_10k_s": round(statistics.median(t for t, _ in xlsx), 2),
        "exports.applications_csv_10k_s": round(statistics.median(t for t, _ in csv), 2),
        "exports.applications_10k_kb": round(xlsx[0][1] / 1024),
        "exports.applications_csv_10k_kb": round(csv[0][1] / 1024),
        "exports.applications_rows": count,
        "exports.applications_10k_peak_mb": _peak_mb(client, everything),
        "exports.applications_csv_10k_peak_mb": _peak_mb(client, {"format": "csv"}),
        "exports.applications_call_rows": in_call,
        "exports.applications_call_peak_mb": _peak_mb(client, {"format": "xlsx", "call": call_id}),
        "exports.applications_csv_call_peak_mb": _peak_mb(client, {"format": "csv", "call": call_id}),
    }
    with app.app_context():
        if url.startswith("postgresql"):
            db.drop_all()
        db.engine.dispose()
    return results


if __name__ == "__main__":
    print(json.dumps(measure(os.environ.get("BENCH_DATABASE_URL")), indent=2, sort_keys=True))
