"""Row locks that hold on both databases: the one way to change what two requests could race.

The pattern (docs/architecture.md, "Row locks and atomic changes"):

    application = lock(Application, application_id)   # or relock(application) for a row already loaded
    if application.status != expected: ...             # decide on the state read under the lock
    ...change it...                                    # the route commits once; the lock ends with the commit

- PostgreSQL: `SELECT … FOR UPDATE` with `populate_existing`, so the object in the session is re-read from the locked
  row, not left as it was loaded earlier in the request. Two rows: lock them in id order (`lock_all`).
- SQLite has no row locks. Every transaction of a request that may write (POST, PUT, PATCH, DELETE, or a GET view
  marked `@writes_on_get`, such as the confirmation link) and of a command marked with `write_transactions()` begins
  `IMMEDIATE`: it takes the database's single write lock before its first read, so one writer at a time reads and
  writes, which keeps the same invariants. SQLite cannot turn a reading transaction into a writing one once another
  writer has committed, hence the mark. The database runs in WAL mode (reads
  never wait for that lock) with a busy timeout (a writer waits its turn instead of failing).
- The schema is the backstop: unique and partial unique indexes refuse a second claim even if code forgets the lock.

`ROW_LOCKS = False` (config) switches both off; only the control runs of the race tests use it, to show the race the
locks prevent.
"""

import contextvars
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import Engine, event, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from app.core.errors import DomainError

M = TypeVar("M")

# Whether transactions begun in this context should take SQLite's write lock at once.
_writing: contextvars.ContextVar[bool] = contextvars.ContextVar("writing", default=False)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


BUSY_MESSAGE = _l("Someone else is changing this right now. Please try again in a moment.")


class Busy(DomainError):
    """Another request held the row longer than LOCK_TIMEOUT_S: nothing was written; the person tries again."""


def _locks_on() -> bool:
    return bool(current_app.config.get("ROW_LOCKS", True))


def is_lock_timeout(error: OperationalError) -> bool:
    """PostgreSQL's lock_timeout (SQLSTATE 55P03) or a deadlock it broke (40P01: two requests took the same rows in
    opposite orders, e.g. a withdrawal and a payment webhook), or SQLite's busy timeout ("database is locked").
    Either way nothing was written and the same request, sent again, goes through."""
    return (getattr(error.orig, "sqlstate", None) in ("55P03", "40P01")
            or "database is locked" in str(error.orig))


def _select_for_update(query: Any) -> Any:
    """Run a locking query; waiting longer than LOCK_TIMEOUT_S for another request's lock raises Busy."""
    from app.extensions import db

    if db.session.get_bind().dialect.name == "postgresql":
        timeout_ms = int(float(current_app.config.get("LOCK_TIMEOUT_S", 3)) * 1000)
        db.session.execute(text(f"SET LOCAL lock_timeout = {timeout_ms}"))
    try:
        return db.session.execute(query.with_for_update())
    except OperationalError as error:
        if is_lock_timeout(error):
            raise Busy(BUSY_MESSAGE) from error
        raise


def lock(model: type[M], ident: Any) -> M | None:
    """Load row `ident` of `model` locked until the transaction ends, with its current state (None if missing)."""
    from app.extensions import db

    query = select(model).where(model.id == ident).execution_options(populate_existing=True)  # type: ignore[attr-defined]
    if _locks_on():
        return _select_for_update(query).scalar()
    return db.session.scalar(query)


def lock_or_404(model: type[M], ident: Any) -> M:
    obj = lock(model, ident)
    if obj is None:
        abort(404)
    return obj


def relock(obj: M) -> M:
    """Lock a row already loaded in this session and refresh the object from it."""
    locked = lock(type(obj), obj.id)  # type: ignore[attr-defined]
    if locked is None:  # deleted meanwhile: nothing to decide on
        abort(404)
    return locked


def lock_all(model: type[M], idents: Iterable[Any], *options: Any) -> list[M]:
    """Lock several rows in id order (the order every caller uses, so that two requests never deadlock);
    `options` are loader options (selectinload…) for what the caller reads next."""
    from app.extensions import db

    query = (select(model).where(model.id.in_(sorted(set(idents))))  # type: ignore[attr-defined]
             .order_by(model.id).options(*options)  # type: ignore[attr-defined]
             .execution_options(populate_existing=True))
    if _locks_on():
        return list(_select_for_update(query).scalars())
    return list(db.session.scalars(query))


def writes_on_get(view: Any) -> Any:
    """Mark a GET view that writes (a link in a mail that confirms something): it takes the write lock at once."""
    view.writes_on_get = True
    return view


def reads_from_now() -> None:
    """This request's writing is committed: transactions begun from here on only read (a long download streamed
    after its audit entry must not hold SQLite's write lock while the client reads)."""
    _writing.set(False)


@contextmanager
def write_transactions() -> Iterator[None]:
    """Transactions begun inside take SQLite's write lock at once (for commands run outside a request)."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def _sqlite_setup(engine: Engine, busy_timeout_ms: int) -> None:
    """Let SQLAlchemy, not the driver, begin transactions, so that a writing one can begin IMMEDIATE."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # the driver's own implicit BEGIN would come too late
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")  # RESTRICT and CASCADE hold on SQLite too (off by default there)
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _writing.get() else "BEGIN")


def init_write_transactions(app: Flask) -> None:
    """Configure SQLite's engine and mark the requests that may write."""
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _sqlite_setup(engine, app.config.get("SQLITE_BUSY_TIMEOUT_MS", 30_000))

    @app.errorhandler(IntegrityError)
    def answer_as_if_sequential(error: IntegrityError):
        """Two requests claimed the same unique value at once (PostgreSQL; SQLite's writers take turns): the loser
        runs again, once, on the committed state, and so gets the same clear answer as a second request would."""
        db.session.rollback()
        if request.method in SAFE_METHODS or g.get("ran_again") or request.endpoint is None:
            raise error
        g.ran_again = True
        return app.make_response(app.view_functions[request.endpoint](**(request.view_args or {})))

    @app.errorhandler(OperationalError)
    def busy(error: OperationalError):
        """A lock wait ran out outside a service that turns it into Busy (SQLite's write lock at BEGIN): 503 with
        the same message, and Retry-After, never a hang."""
        db.session.rollback()
        if not is_lock_timeout(error):
            raise error
        _writing.set(False)  # the error page only reads (the signed-in user, the menu): no write lock for it
        from app.core.errors import render_error

        body, _code = render_error(503, str(BUSY_MESSAGE))
        return body, 503, {"Retry-After": "1"}

    @app.before_request
    def mark_writing_request() -> None:
        # Set on every request: a server thread that handles many requests keeps its context between them.
        view = app.view_functions.get(request.endpoint or "")
        writes = request.method not in SAFE_METHODS or getattr(view, "writes_on_get", False)
        _writing.set(bool(writes and app.config.get("ROW_LOCKS", True)))

    @app.teardown_request
    def end_writing_request(error: BaseException | None = None) -> None:
        _writing.set(False)  # whoever runs in this context next (a test, a command) starts from the default
