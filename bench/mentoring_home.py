"""The mentor's home page (`/mentoring`) with 8 mentees (7 active with meetings, 1 offered) and a few sessions of the
cohort they serve: median server time over ~200 in-process requests (Flask's test client, after a warm-up), and the
number of SQL statements it runs.

Records `mentoring.home_p50_ms`, `mentoring.home_p95_ms` and `mentoring.home_queries`. Runs on its own SQLite file,
or on PostgreSQL (BENCH_DATABASE_URL; its tables are dropped and recreated).
Run alone: `.venv/bin/python bench/mentoring_home.py`.
"""

import json
import statistics
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MENTEES = 8
SESSIONS = 4
RUNS = 200


def _seed() -> str:
    """The cohort, its sessions and the mentor's pairs; returns the mentor's e-mail."""
    from app.mentoring.models import MentorshipStatus
    from tests.cohorts.factories import TEN_IN_DENPASAR, SessionFactory
    from tests.mentoring.factories import MeetingFactory
    from tests.mentoring.pair_world import a_pair

    first = a_pair()
    for n in range(SESSIONS):
        SessionFactory(cohort=first.cohort, starts_at=TEN_IN_DENPASAR + timedelta(days=7 * n),
                       online_url="https://meet.example.org/dyouth" if n % 2 else "")
    worlds = [first] + [a_pair(cohort=first.cohort, mentor=first.mentor) for _ in range(MENTEES - 2)]
    for world in worlds:
        for day in (3, 10, 17):
            MeetingFactory(mentorship=world.pair, held_on=world.cohort.starts_on + timedelta(days=day))
    a_pair(cohort=first.cohort, mentor=first.mentor, status=MentorshipStatus.OFFERED)
    return first.mentor.email


def measure(url: str | None = None) -> dict[str, float]:
    from app import create_app
    from app.extensions import db
    from bench.run import counting_queries, log_in, timed
    from config import TestingConfig
    from tests.factories import PASSWORD

    folder = tempfile.mkdtemp(prefix="dyouth-bench-mentoring-")
    url = url or f"sqlite:///{folder}/mentoring.sqlite3"
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.drop_all()
        db.create_all()
        email = _seed()
    client = app.test_client()
    log_in(client, email, PASSWORD)
    page = client.get("/mentoring").get_data(as_text=True)
    assert page.count("Log a meeting with") == MENTEES - 1, "the page does not show the active mentees"
    for _ in range(10):
        timed(client, "GET", "/mentoring")
    times = [timed(client, "GET", "/mentoring") for _ in range(RUNS)]
    with app.app_context(), counting_queries() as statements:
        timed(client, "GET", "/mentoring")
    with app.app_context():
        if url.startswith("postgresql"):
            db.drop_all()
        db.engine.dispose()
    return {
        "mentoring.home_p50_ms": round(statistics.median(times), 2),
        "mentoring.home_p95_ms": round(statistics.quantiles(times, n=20)[18], 2),
        "mentoring.home_queries": len(statements),
    }


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2, sort_keys=True))
