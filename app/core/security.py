"""Security headers on every response, the check that keeps `next=` redirects on this site, the client's address
behind trusted proxies, and attempt limits counted before the work they guard."""

import math
import time
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from limits import parse_many
from limits.strategies import FixedWindowRateLimiter
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def add_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def safe_next_url(target: str | None) -> str | None:
    """Return `target` only if it is a path on this site; anything else (other hosts, `//evil`, schemes) is None."""
    if not target:
        return None
    target = target.strip()
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def trust_proxies(app: Flask) -> None:
    """Behind `TRUSTED_PROXIES` reverse proxies, take the client's address and scheme from the headers they add.

    Without proxies the headers are ignored: anyone can send X-Forwarded-For, and a limit keyed on it would be evaded
    by changing it on every request. The Host is never taken from X-Forwarded-Host (links come from BASE_URL).
    """
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def client_address() -> str:
    """The connection's address, or the client's as the trusted proxies report it (see `trust_proxies`)."""
    return request.remote_addr or "unknown"


def _counter() -> FixedWindowRateLimiter:
    from app.extensions import limiter

    # Fixed windows, whatever strategy Flask-Limiter is set to: only they can give an attempt back (`give_back`).
    return FixedWindowRateLimiter(limiter.storage)


def _identifiers(key: str) -> tuple[str, str]:
    return current_app.config.get("RATELIMIT_KEY_PREFIX") or "dyouth", key


def spend_attempt(limits: str, key: str) -> bool:
    """Count one attempt for `key` against each of `limits` ("5 per 15 minutes; 50 per day"); False when one is used
    up, and the work must not be done.

    Counted before the work, in one atomic increment (memory or Redis): parallel attempts each take their own place
    in the count, so no more than the limit get through, however many arrive at once.
    """
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    counter = _counter()
    return all(counter.hit(item, *_identifiers(key)) for item in parse_many(limits))


def seconds_until_free(limits: str, key: str) -> int:
    """How long until every one of `limits` lets `key` try again (for the Retry-After header of a 429)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return 0
    counter = _counter()
    windows = [counter.get_window_stats(item, *_identifiers(key)) for item in parse_many(limits)]
    waits = [window.reset_time - time.time() for window in windows if window.remaining <= 0]
    return max(1, math.ceil(max(waits, default=0)))


def give_back(limits: str, key: str) -> None:
    """Return an attempt spent on something that turned out not to be a guess (the right password)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    counter = _counter()
    for item in parse_many(limits):
        if counter.get_window_stats(item, *_identifiers(key)).remaining < item.amount:  # not in a window begun since
            counter.hit(item, *_identifiers(key), cost=-1)
