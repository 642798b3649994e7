"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app` (what `make serve`, deploy/dyouth.service
and the several-hosts tests in tests/scale run). Every value can be changed from the environment, so one file serves
a laptop, a host behind haproxy and the test cluster."""

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _cpus() -> int:
    # The CPUs this process may run on (a container or systemd's CPUAffinity may allow fewer than the machine has).
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# Where to listen. Loopback by default: only the local haproxy talks to gunicorn (X-Forwarded-* headers are trusted
# from it, TRUSTED_PROXIES). A host behind a balancer on another machine sets BIND to its private address.
bind = os.environ.get("BIND") or f"127.0.0.1:{_int('PORT', 8000)}"

# (2 × CPUs) + 1 processes, gunicorn's own rule of thumb: one computes while another waits on PostgreSQL.
# WEB_CONCURRENCY (the usual name) overrides it, e.g. to fit the PostgreSQL connection budget (config.py).
workers = _int("WEB_CONCURRENCY", 2 * _cpus() + 1)
# Threads, not sync workers: a phone uploading a 10 MB PDF over a slow line, or a call to Stripe (up to 20 s),
# would hold a sync worker for all that time (haproxy passes the body on as it arrives; it does not buffer it as
# nginx does). A thread waiting on the network lets the process's other threads work. Each thread may hold one
# database connection: keep GUNICORN_THREADS at or under DB_POOL_SIZE + DB_MAX_OVERFLOW.
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)

# A worker whose main loop does not check in for this long is killed and replaced (a hung process, not a slow
# request: with threads a request is bounded by haproxy's `timeout server`).
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM or a reload (SIGHUP), requests in flight get this long to finish before their worker is killed;
# haproxy stops sending new ones once /healthz fails.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Idle keep-alive connections from haproxy are kept this long (haproxy closes its side after each response:
# `option http-server-close`, so no request is ever sent on a connection gunicorn is closing).
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Replace each worker after about 1000 requests: memory a worker grows (decoded photos, fragmentation) goes back to
# the system. The jitter spreads the restarts so that the workers never all restart at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# Each worker imports the app itself (no preload): no database connection or Redis socket opened before the fork
# can end up shared by two processes.
preload_app = False

# X-Forwarded-Proto is believed only from the local proxy (haproxy on this host); FORWARDED_ALLOW_IPS names
# another balancer's address. The app reads the client's address through TRUSTED_PROXIES (app.core.security).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stdout/stderr (the journal under systemd). The access log adds the request time in milliseconds (%(M)s)
# and the client's address as haproxy reports it, so slow pages can be found without another tool.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# The heartbeat files live in memory: a worker writing them to a busy or read-only disk would look hung.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# No runtime control socket: its default path ($HOME/.gunicorn/gunicorn.ctl) is one per user, so two instances on
# one machine would take it from each other; signals (HUP, TERM, TTIN/TTOU) do the same job.
control_socket_disable = True
proc_name = os.environ.get("INSTANCE_NAME") or "dyouth"

INSTANCE = os.environ.get("INSTANCE_NAME", "")


def post_worker_init(worker) -> None:
    """With INSTANCE_NAME set, every response says which instance answered (`X-Instance`): the several-hosts tests
    check that both served, and an operator can see which host a complaint came through. Off by default."""
    if not INSTANCE:
        return
    application = worker.wsgi
    header = ("X-Instance", INSTANCE)

    def named(environ, start_response):
        return application(environ, lambda status, headers, *exc: start_response(status, [*headers, header], *exc))

    worker.wsgi = named
