"""Configuration classes, read from the environment (and `.env` when present)."""

import os
from datetime import timedelta
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
load_dotenv(BASE_DIR / ".env")

DEV_SECRET = "dev-only-not-secret"  # noqa: S105 (refused in production)


def _env(name: str, default: str) -> str:
    """The variable's value; an empty one (as in a copied .env.example) counts as unset."""
    return os.environ.get(name) or default


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _is_postgresql(url: str) -> bool:
    return url.startswith("postgresql")


def database_engine_options(url: str) -> dict:
    """Engine options for `url`. SQLite keeps its own (app.core.locking sets it up; its pools take no sizes).

    PostgreSQL's connection budget: every worker process has its own pool, so one host opens up to
    workers × (DB_POOL_SIZE + DB_MAX_OVERFLOW) connections: 5 × (5 + 10) = 75 with the defaults, and PostgreSQL
    allows 100 (`max_connections`) in all. With several hosts, either lower the sizes so that
    hosts × workers × (pool + overflow) stays under max_connections minus a few for migrations and psql, or put
    pgbouncer in transaction mode in front and count against its `max_client_conn` instead (its `default_pool_size`
    is then what reaches PostgreSQL). DB_PGBOUNCER=1 says the URL is pgbouncer's: it cannot be detected from a
    connection (pgbouncer answers as the server does), and pgbouncer 1.18 (Debian 12) in transaction mode gives
    each transaction whichever server connection is free, where a statement psycopg prepared on another one is
    missing (psycopg prepares a query run 5 times): `prepare_threshold=None` never prepares.
    """
    options: dict = {"pool_pre_ping": True}  # a connection the server or pgbouncer closed is replaced, not used
    if not _is_postgresql(url):
        return options
    options.update(
        pool_size=int(_env("DB_POOL_SIZE", "5")),
        max_overflow=int(_env("DB_MAX_OVERFLOW", "10")),
        pool_timeout=float(_env("DB_POOL_TIMEOUT", "30")),  # seconds a request waits for a free connection
        pool_recycle=int(_env("DB_POOL_RECYCLE", "1800")),  # seconds; older connections are reopened (-1: never)
    )
    if _env_bool("DB_PGBOUNCER"):
        options["connect_args"] = {"prepare_threshold": None}
    return options


def _replica_binds(url: str) -> dict:
    """The read replica as a second engine (app.core.replica), when REPLICA_DATABASE_URL is set."""
    return {"replica": {"url": url, **database_engine_options(url)}} if url else {}


class Config:
    SECRET_KEY = _env("SECRET_KEY", DEV_SECRET)
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'dyouth.sqlite3'}")
    SQLALCHEMY_ENGINE_OPTIONS = database_engine_options(SQLALCHEMY_DATABASE_URI)
    # Staff dashboards and exports only read there (may lag behind the primary by a moment): app/core/replica.py.
    SQLALCHEMY_BINDS = _replica_binds(_env("REPLICA_DATABASE_URL", ""))
    # A 10 MB PDF plus the rest of the form fits; anything larger is refused with a 413 page.
    MAX_CONTENT_LENGTH = int(_env("MAX_CONTENT_LENGTH", str(12 * 1024 * 1024)))
    UPLOAD_FOLDER = _env("UPLOAD_FOLDER", str(BASE_DIR / "instance" / "uploads"))  # outside static/
    UPLOAD_MAX_PIXELS = int(_env("UPLOAD_MAX_PIXELS", "16000000"))  # the most pixels a photo is decoded at
    # Uploads in a private S3 bucket instead of UPLOAD_FOLDER once S3_BUCKET is set (app.core.storage); credentials
    # come from the standard AWS_* variables. S3_SERVE: "stream" sends files through the app after its access check;
    # "redirect" answers that check with a 302 to a URL signed for S3_SIGNED_URL_SECONDS.
    S3_BUCKET = _env("S3_BUCKET", "")
    S3_ENDPOINT_URL = _env("S3_ENDPOINT_URL", "")  # empty: AWS itself; set for another S3 API (moto, MinIO, …)
    S3_REGION = _env("S3_REGION", "us-east-1")
    S3_PREFIX = _env("S3_PREFIX", "")  # e.g. "dyouth/": several sites or test runs in one bucket
    S3_SIGNED_URL_SECONDS = int(_env("S3_SIGNED_URL_SECONDS", "60"))
    S3_SERVE = _env("S3_SERVE", "stream")

    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Makassar"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "app" / "translations")
    LANGUAGES = ("id", "en")
    TIMEZONES = ("Asia/Makassar", "Australia/Darwin")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    WTF_CSRF_TIME_LIMIT = 4 * 3600

    REDIS_URL = _env("REDIS_URL", "")
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_KEY_PREFIX = _env("RATELIMIT_KEY_PREFIX", "dyouth")  # one Redis for several sites or test runs
    # Attempts are counted before the password is checked; a login whose password is right gives its count back, so
    # these count wrong passwords. A class of 30 behind one wifi address may each mistype once (per IP); one account
    # gets 5 guesses per quarter hour (per account, the e-mail as normalised).
    LOGIN_LIMIT_PER_IP = _env("LOGIN_LIMIT_PER_IP", "30 per 10 minutes")
    LOGIN_LIMIT_PER_ACCOUNT = _env("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes")
    # Every registration hashes a password and sends a mail. A workshop of 30 registering from one wifi, with
    # retries, stays under 60 an hour; one address gets at most 3 mails an hour from this form.
    REGISTER_LIMIT_PER_IP = _env("REGISTER_LIMIT_PER_IP", "60 per hour")
    REGISTER_LIMIT_PER_EMAIL = _env("REGISTER_LIMIT_PER_EMAIL", "3 per hour")
    # Every reset request sends a mail: a whole class may forget its passwords once (per IP); one inbox gets at most
    # 3 links an hour (per e-mail).
    RESET_LIMIT_PER_IP = _env("RESET_LIMIT_PER_IP", "30 per hour")
    RESET_LIMIT_PER_EMAIL = _env("RESET_LIMIT_PER_EMAIL", "3 per hour")
    # How many reverse proxies (nginx, a load balancer) stand in front of the app. 0: the address the connection
    # comes from is the client's and X-Forwarded-* headers are ignored; n: the n-th last X-Forwarded-For entry and
    # X-Forwarded-Proto are trusted. The Host is never taken from a header (links in mails come from BASE_URL).
    TRUSTED_PROXIES = int(_env("TRUSTED_PROXIES", "0"))

    MAIL_SERVER = _env("MAIL_SERVER", "")
    MAIL_PORT = int(_env("MAIL_PORT", "587"))
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", True)
    MAIL_USERNAME = _env("MAIL_USERNAME", "")
    MAIL_PASSWORD = _env("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = _env("MAIL_DEFAULT_SENDER", "D'Youth <no-reply@dyouth.denpasarkota.go.id>")
    MAIL_MAX_ATTEMPTS = int(_env("MAIL_MAX_ATTEMPTS", "5"))
    # The outbox page lets staff read queued mail in the browser; off in production.
    MAIL_OUTBOX_VIEW = _env_bool("MAIL_OUTBOX_VIEW", True)

    # Every absolute link in e-mails (confirmation, reset, invitation) starts with this, never with the request's Host.
    BASE_URL = _env("BASE_URL", "http://127.0.0.1:5000")
    SERVER_NAME = os.environ.get("SERVER_NAME") or None
    PREFERRED_URL_SCHEME = _env("PREFERRED_URL_SCHEME", "http")

    # Stripe. With no secret key set, development (`make run`) starts localstripe on loopback and points both the
    # server (STRIPE_API_BASE) and the pay page (STRIPE_JS_URL) at it; real keys switch to Stripe itself.
    STRIPE_SECRET_KEY = _env("STRIPE_SECRET_KEY", "")
    STRIPE_PUBLISHABLE_KEY = _env("STRIPE_PUBLISHABLE_KEY", "")
    STRIPE_WEBHOOK_SECRET = _env("STRIPE_WEBHOOK_SECRET", "")
    STRIPE_API_BASE = _env("STRIPE_API_BASE", "")  # empty: Stripe's own https://api.stripe.com
    STRIPE_JS_URL = _env("STRIPE_JS_URL", "https://js.stripe.com/v3/")
    STRIPE_TIMEOUT_S = float(_env("STRIPE_TIMEOUT_S", "20"))
    # Retries of a request that could not reach Stripe (safe: every request carries an Idempotency-Key).
    STRIPE_MAX_NETWORK_RETRIES = int(_env("STRIPE_MAX_NETWORK_RETRIES", "1"))
    # The smallest card payment in whole rupiah: Stripe's minimum is the settlement currency's (A$0.50), converted.
    STRIPE_MIN_AMOUNT_IDR = int(_env("STRIPE_MIN_AMOUNT_IDR", "10000"))
    # Test configuration only: a PaymentMethod the server attaches to every new PaymentIntent (localstripe's fake
    # Stripe.js ignores typed card data; see tests/browser).
    STRIPE_TEST_PAYMENT_METHOD = _env("STRIPE_TEST_PAYMENT_METHOD", "")
    # Seconds a request waits for a row another request has locked before it answers "busy, try again".
    LOCK_TIMEOUT_S = float(_env("LOCK_TIMEOUT_S", "3"))

    CONFIRM_TOKEN_MAX_AGE = int(_env("CONFIRM_TOKEN_MAX_AGE", str(3 * 24 * 3600)))
    RESET_TOKEN_MAX_AGE = int(_env("RESET_TOKEN_MAX_AGE", str(2 * 3600)))
    INVITATION_MAX_AGE = int(_env("INVITATION_MAX_AGE", str(14 * 24 * 3600)))
    PASSWORD_MIN_LENGTH = 10
    # Werkzeug's scrypt (memory-hard); tests lower the cost through this setting.
    PASSWORD_HASH_METHOD = _env("PASSWORD_HASH_METHOD", "scrypt")
    PRIVACY_CONTACT_EMAIL = _env("PRIVACY_CONTACT_EMAIL", "privasi@dyouth.denpasarkota.go.id")  # the privacy page
    # Applications are anonymised this many months after their edition's last day (`flask privacy purge`).
    PRIVACY_RETENTION_MONTHS = int(_env("PRIVACY_RETENTION_MONTHS", "24"))


class DevelopmentConfig(Config):
    DEBUG = True


class TestingConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL", "sqlite://")
    SQLALCHEMY_ENGINE_OPTIONS = database_engine_options(SQLALCHEMY_DATABASE_URI)
    SQLALCHEMY_BINDS: dict = {}  # no replica unless a test asks for one (tests/staff/test_dashboards_replica.py)
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 (cheap hashing keeps tests fast)
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_SERVER = ""
    REDIS_URL = ""  # no page cache unless a test asks for one (tests/core/test_pagecache.py)
    S3_BUCKET = S3_ENDPOINT_URL = ""  # uploads in a folder unless a test asks for S3 (tests/storage_server.py)


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    MAIL_OUTBOX_VIEW = _env_bool("MAIL_OUTBOX_VIEW", False)

    @classmethod
    def check(cls) -> None:
        """Refuse to start without a real secret key."""
        key = _env("SECRET_KEY", "")
        if not key or key == DEV_SECRET or len(key) < 32:
            raise RuntimeError("SECRET_KEY must be set to a random value of at least 32 characters in production.")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    return CONFIGS[_env("APP_ENV", "development")]
