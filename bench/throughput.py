"""Requests per second through HTTP: a hello-world Flask app and the portal, each under gunicorn (2 sync workers) on
loopback, loaded for 10 s with 16 keep-alive connections by `wrk` (installed with apt-get when missing and
possible), else by a Python load generator (threads with keep-alive http.client connections)."""

import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 16
SECONDS = 10
WORKERS = 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, cookie: str = "") -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    response.body = response.read().decode()  # type: ignore[attr-defined]
    connection.close()
    return response


@contextmanager
def gunicorn(target: str, env: dict[str, str] | None = None):
    """`target` ("module:app") served by gunicorn with 2 sync workers on a free loopback port; yields the port."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--worker-class", "sync",
               "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT), "--log-level", "warning", target]
    process = subprocess.Popen(command, env={**os.environ, **(env or {})}, cwd=ROOT)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn {target} exited with {process.returncode}")
            try:
                _get(port, "/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn {target} did not answer on port {port}") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


def redis_url() -> str:
    """Redis as production has it (shared rate limits, the visitors' page cache), when one answers on loopback."""
    import redis

    try:
        connection = redis.Redis.from_url(BENCH_REDIS_URL, socket_connect_timeout=0.5)
        connection.flushdb()  # the benchmark's own database number: no stale pages or counts from a last run
        return BENCH_REDIS_URL
    except redis.RedisError:
        return ""


def portal_env(database_url: str, upload_folder: str) -> dict[str, str]:
    """Production settings (DEBUG off, a real secret key, Redis when there is one) on the benchmark's database."""
    return {"APP_ENV": "production", "SECRET_KEY": secrets.token_hex(32), "DATABASE_URL": database_url,
            "UPLOAD_FOLDER": upload_folder, "MAIL_SERVER": "", "REDIS_URL": redis_url()}


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    jar = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def log_in(port: int, email: str, password: str) -> str:
    """Log in through the real login form; returns the Cookie header of the logged-in session."""
    from tests.helpers import csrf_token

    page = _get(port, "/login")
    cookies = _cookies(page)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = urlencode({"csrf_token": csrf_token(page.body), "email": email, "password": password})
    connection.request("POST", "/login", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 302, f"login failed ({response.status})"
    cookies.update(_cookies(response))
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def check_page(port: int, path: str, cookie: str = "", contains: str = "") -> str:
    response = _get(port, path, cookie)
    assert response.status == 200, f"GET {path} → {response.status}"
    assert contains in response.body, f"GET {path} does not show {contains!r}"
    return response.body


def ensure_wrk() -> str | None:
    """The wrk binary, installing the Debian package when it is missing and apt-get can (as root); None when
    BENCH_LOAD=python asks for the Python load generator or wrk cannot be had."""
    if os.environ.get("BENCH_LOAD") == "python":
        return None
    apt_get = shutil.which("apt-get")
    if not shutil.which("wrk") and apt_get and os.geteuid() == 0:
        subprocess.run([apt_get, "install", "-y", "-q", "wrk"], stdout=subprocess.DEVNULL,  # noqa: S603
                       stderr=subprocess.DEVNULL, check=False)
    return shutil.which("wrk")


def _wrk_rps(wrk: str, port: int, path: str, cookie: str) -> float:
    command = [wrk, "-t", "2", "-c", str(CONNECTIONS), "-d", f"{SECONDS}s", f"http://127.0.0.1:{port}{path}"]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    assert not failed, f"{path}: {failed.group(1)} failed responses\n{output}"
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def _python_rps(port: int, path: str, cookie: str) -> float:
    """16 threads, each with one keep-alive connection, as many requests as they can for 10 s."""
    counts = [0] * CONNECTIONS
    failures: list[str] = []
    start = time.perf_counter()
    stop = start + SECONDS
    headers = {"Cookie": cookie} if cookie else {}

    def load(slot: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(f"{response.status}")
                return
            counts[slot] += 1
        connection.close()

    threads = [threading.Thread(target=load, args=(slot,)) for slot in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, f"{path}: failed responses {failures}"
    return sum(counts) / (time.perf_counter() - start)


def requests_per_second(port: int, path: str, cookie: str = "", wrk: str | None = None) -> float:
    """Requests per second answered 200 (wrk counts 3xx as answered: callers check the page before and after)."""
    rps = _wrk_rps(wrk, port, path, cookie) if wrk else _python_rps(port, path, cookie)
    return round(rps, 1)


def check_full_list(port: int, path: str, cookie: str) -> None:
    rows = len(set(re.findall(r"DYFB-\d{5}", check_page(port, path, cookie))))
    assert rows == 50, f"the list page shows {rows} rows, not 50"  # logged in, and a full page


def measure(database_url: str, upload_folder: str, staff_email: str, staff_password: str,
            list_path: str) -> dict[str, float]:
    """bench.hello_rps, bench.landing_rps, bench.staff_list_rps and their ratios to hello_rps, in one run."""
    wrk = ensure_wrk()
    print(f"throughput: {CONNECTIONS} connections, {SECONDS} s per page, load by {wrk or 'Python threads'}",
          file=sys.stderr)
    results: dict[str, float] = {}
    with gunicorn("bench.hello:app") as port:
        results["bench.hello_rps"] = requests_per_second(port, "/", wrk=wrk)
    portal = portal_env(database_url, upload_folder)
    with gunicorn("wsgi:app", portal) as port:
        check_page(port, "/", contains="D'Youth")
        results["bench.landing_rps"] = requests_per_second(port, "/", wrk=wrk)
        cookie = log_in(port, staff_email, staff_password)
        check_full_list(port, list_path, cookie)
        results["bench.staff_list_rps"] = requests_per_second(port, list_path, cookie, wrk=wrk)
        check_full_list(port, list_path, cookie)  # still logged in: the figure counts list pages, not redirects
    results["bench.staff_list_ratio"] = round(results["bench.staff_list_rps"] / results["bench.hello_rps"], 3)
    results["bench.landing_ratio"] = round(results["bench.landing_rps"] / results["bench.hello_rps"], 3)
    results["bench.redis"] = 1 if portal["REDIS_URL"] else 0
    return results
