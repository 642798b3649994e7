"""What the balancer costs, and the booking invariant through it (tests/scale/cluster.py starts the processes).

- `scale.rps_one_instance`: the staff list page (bench/run.py's: filtered, 50 rows, logged in as staff) from ONE
  gunicorn instance (gunicorn.conf.py, production settings, WORKERS workers), addressed directly over plain HTTP.
- `scale.rps_two_instances`: the same page through haproxy (deploy/haproxy.cfg: TLS, round-robin) to TWO instances of
  WORKERS / 2 workers each: the same processes in all, so on one machine the figure cannot be higher, and
  `scale.ratio` (two / one, target ≥ 0.8) is what haproxy and TLS cost.
- `scale.double_bookings`: stalls or applications with two live bookings after 500 holds over 100 stalls sent through
  haproxy to the two instances by 500 applicants logged in through the real form, 32 at a time (must be 0), with
  `scale.holds_per_s` and `scale.holds_won`.

Load by wrk (bench/throughput.py installs it) over 16 keep-alive connections for 10 s, TLS included for the balancer;
the Python threads of bench/throughput.py without wrk. Needs PostgreSQL, haproxy and Redis; skipped otherwise.
"""

import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import throughput  # noqa: E402

WORKERS = int(os.environ.get("BENCH_SCALE_WORKERS", "4"))
HOLD_APPLICANTS = 500
HOLD_STALLS = 100


def _wrk_https(wrk: str, url: str, cookie: str, certificate: str) -> float:
    """wrk does not check certificates; the page is checked through a verified connection before and after."""
    command = [wrk, "-t", "2", "-c", str(throughput.CONNECTIONS), "-d", f"{throughput.SECONDS}s", "-H",
               f"Cookie: {cookie}", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    assert not failed, f"{url}: {failed.group(1)} failed responses\n{output}"
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def _python_https(url: str, cookie: str, certificate: str) -> float:
    import requests

    counts = [0] * throughput.CONNECTIONS
    stop = time.perf_counter() + throughput.SECONDS
    start = time.perf_counter()

    def load(slot: int) -> None:
        with requests.Session() as session:
            while time.perf_counter() < stop:
                response = session.get(url, headers={"Cookie": cookie}, verify=certificate, allow_redirects=False)
                assert response.status_code == 200, response.status_code
                counts[slot] += 1

    threads = [threading.Thread(target=load, args=(slot,)) for slot in range(throughput.CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - start)


def _check_list(browser, path: str) -> None:
    page = browser.get(path)
    rows = len(set(re.findall(r"DYFB-\d{5}", page.text)))
    assert page.status_code == 200 and rows == 50, f"the list through haproxy: {page.status_code}, {rows} rows"


def _rps(url: str, staff: tuple[str, str], list_path: str, wrk: str | None) -> dict[str, float]:
    from tests.scale.browser import Browser
    from tests.scale.cluster import Cluster, Instance, free_port

    results: dict[str, float] = {}
    redis = throughput.redis_url()
    one = Cluster(url, {}, workers=WORKERS, migrate=False, redis_url=redis)
    single = Instance("one", free_port(), one.production_env(), one.folder / "gunicorn-one.log")
    single.start()
    try:
        cookie = throughput.log_in(single.port, *staff)
        throughput.check_full_list(single.port, list_path, cookie)
        results["scale.rps_one_instance"] = throughput.requests_per_second(single.port, list_path, cookie, wrk)
        throughput.check_full_list(single.port, list_path, cookie)
    finally:
        single.stop()
        shutil.rmtree(one.folder, ignore_errors=True)

    two = Cluster(url, {}, workers=max(1, WORKERS // 2), migrate=False, redis_url=redis).start()
    try:
        staff_browser = Browser(two).login(*staff)
        _check_list(staff_browser, list_path)
        cookie = "; ".join(f"{k}={v}" for k, v in staff_browser.cookies.items())
        if wrk:
            rps = _wrk_https(wrk, two.url + list_path, cookie, two.certificate)
        else:
            rps = _python_https(two.url + list_path, cookie, two.certificate)
        _check_list(staff_browser, list_path)  # still logged in: the figure counts list pages
        results["scale.rps_two_instances"] = round(rps, 1)
        results.update(_holds(two, url))
    finally:
        two.stop()
        shutil.rmtree(two.folder, ignore_errors=True)
    results["scale.ratio"] = round(results["scale.rps_two_instances"] / results["scale.rps_one_instance"], 3)
    results["scale.workers"] = WORKERS
    return results


def _holds(cluster, url: str) -> dict[str, float]:
    from app import create_app
    from app.extensions import db
    from bench.stalls_holds import _double_bookings
    from config import TestingConfig
    from tests.scale.holds import fire_holds, log_in_all
    from tests.scale.world import seeding, stall_ground

    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": cluster.redis_url})
    with seeding(app):
        people, stalls = stall_ground(HOLD_STALLS, HOLD_APPLICANTS)
    with app.app_context():
        db.engine.dispose()
    targets = [random.Random(27 + i).choice(stalls) for i in range(len(people))]
    sent, seconds = fire_holds(log_in_all(cluster, people), people, targets)
    statuses = {s.status for s in sent}
    assert statuses <= {302, 409}, f"holds answered {sorted(statuses, key=str)}"
    return {"scale.double_bookings": _double_bookings(url),
            "scale.holds_won": sum(s.status == 302 for s in sent),
            "scale.holds_per_s": round(len(sent) / seconds, 1)}


def available(url: str | None) -> str:
    """Why the benchmark cannot run here ('' when it can)."""
    if not url or not url.startswith("postgresql"):
        return "set BENCH_DATABASE_URL to a PostgreSQL database"
    if not shutil.which("haproxy"):
        return "haproxy is not installed (apt-get install haproxy)"
    if not throughput.redis_url():
        return "no Redis answers on loopback"
    return ""


def measure(url: str | None, staff: tuple[str, str], list_path: str) -> dict[str, float]:
    """The figures above, on bench/run.py's database (10,000 applications, its staff user and list page)."""
    missing = available(url)
    if missing:
        print(f"scale benchmark skipped: {missing}", file=sys.stderr)
        return {}
    wrk = throughput.ensure_wrk()
    print(f"scale: {WORKERS} workers, {throughput.CONNECTIONS} connections, {throughput.SECONDS} s per figure, "
          f"load by {wrk or 'Python threads'}", file=sys.stderr)
    return _rps(url, staff, list_path, wrk)  # no uploads here: the instances get no bucket (tests/scale has one)


def main() -> None:
    """Alone: `BENCH_DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/scale.py` (its tables are dropped and
    recreated with bench/run.py's 10,000 applications)."""
    import json

    from sqlalchemy import select

    from app import create_app
    from app.core.permissions import Role
    from app.extensions import db
    from app.festival.models import Call
    from bench.generate import generate
    from bench.run import list_url, make_user, settle
    from config import TestingConfig

    url = os.environ.get("BENCH_DATABASE_URL")
    if available(url):
        sys.exit(f"scale benchmark: {available(url)}")
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.drop_all()
        db.create_all()
        generate()
        make_user("staff@bench.example", Role.STAFF, "bench password")
        call_id = db.session.scalar(select(Call.id).order_by(Call.id))
        settle(url)
        db.session.remove()
        db.engine.dispose()
    print(json.dumps(measure(url, ("staff@bench.example", "bench password"), list_url(call_id)), indent=2))


if __name__ == "__main__":
    main()
