"""Stall holds sent through the balancer by many logged-in applicants at once (the tests here and bench/scale.py)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests

from tests.scale.browser import Browser
from tests.scale.cluster import Cluster

LOGIN_THREADS = 12


def hold_path(application_id: int, stall_id: int) -> str:
    return f"/applications/{application_id}/stalls/{stall_id}/hold"


def log_in_all(cluster: Cluster, people: list[tuple[str, int]]) -> list[tuple[Browser, str]]:
    """A browser per applicant, logged in through the real form (via haproxy), with its CSRF token."""

    def one(person: tuple[str, int]) -> tuple[Browser, str]:
        browser = Browser(cluster).login(person[0])
        return browser, browser.csrf

    with ThreadPoolExecutor(LOGIN_THREADS) as pool:
        return list(pool.map(one, people))


@dataclass
class Sent:
    """One hold request: when it left and came back (monotonic seconds), and what answered."""

    application_id: int
    stall_id: int
    started: float
    ended: float
    status: int | None  # None: no answer at all (the connection failed)
    instance: str
    error: str = ""

    @property
    def answered_by_the_app(self) -> bool:
        """An instance answered (302 held or changed, 409 taken meanwhile, 503 busy: try again), not haproxy alone
        (its own 502/503 pages carry no X-Instance) and not a dropped connection."""
        return self.status is not None and self.instance in ("a", "b")


def send_hold(browser: Browser, token: str, application_id: int, stall_id: int, retries: int = 3) -> Sent:
    """One click on "hold", clicked again (after the second the page asks for) while the portal answers "busy"
    (503 with Retry-After: the stall's row stayed locked longer than LOCK_TIMEOUT_S)."""
    started = time.monotonic()
    for attempt in range(retries + 1):
        try:
            response = browser.post(hold_path(application_id, stall_id), token=token)
        except requests.RequestException as error:
            return Sent(application_id, stall_id, started, time.monotonic(), None, "", type(error).__name__)
        instance = response.headers.get("X-Instance", "?")
        if response.status_code != 503 or instance == "?" or attempt == retries:
            return Sent(application_id, stall_id, started, time.monotonic(), response.status_code, instance)
        time.sleep(float(response.headers.get("Retry-After", "1")))
    raise AssertionError("unreachable")


def fire_holds(sessions: list[tuple[Browser, str]], people: list[tuple[str, int]], targets: list[int],
               concurrency: int = 32) -> tuple[list[Sent], float]:
    """Every applicant's hold on its target, from `concurrency` threads released together; (results, seconds)."""
    results: list[Sent | None] = [None] * len(people)
    queue = list(range(len(people)))
    lock = threading.Lock()
    barrier = threading.Barrier(concurrency + 1)

    def work() -> None:
        barrier.wait()
        while True:
            with lock:
                if not queue:
                    return
                index = queue.pop()
            browser, token = sessions[index]
            results[index] = send_hold(browser, token, people[index][1], targets[index])

    threads = [threading.Thread(target=work) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=300)
    return [r for r in results if r is not None], time.perf_counter() - started
