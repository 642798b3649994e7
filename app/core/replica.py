"""Reads that may lag: the read replica (REPLICA_DATABASE_URL, the `replica` bind), or the primary when none is set.

Only for the staff dashboards (app/staff/dashboards) and the exports' lazily read rows (app/exports/tabular.py:
applications, payments, refunds, meetings; the short lists an export reads whole, and every export's row count for
the audit log, come from the primary): figures and lists a person looks at, where a replica a second behind is
harmless. Never for holds, payments, drafts, logins or anything a request reads back after writing it
(read-your-writes): a replica has not seen the write yet, and it refuses every write.

The replica has the primary's schema; the models carry no bind key, so the same select runs on either engine.
"""

from typing import Any

from sqlalchemy import Engine, Result
from sqlalchemy.orm import Session

from app.extensions import db

REPLICA = "replica"


def replica_engine() -> Engine:
    """The replica's engine when one is configured, else the primary's."""
    return db.engines.get(REPLICA, db.engine)


class _Reads:
    """The request's own session (db.session) with its statements sent to the replica's connection: that
    connection's transaction ends with the request like the primary's. Rows, not ORM objects: an object read from
    the replica must not mix in the session's identity map with the primary's rows."""

    def execute(self, statement: Any, params: Any = None) -> Result[Any]:
        return db.session.execute(statement, params, bind_arguments={"bind": replica_engine()})

    def get_bind(self) -> Engine:
        return replica_engine()


def reads() -> _Reads:
    """Where a dashboard's GROUP BY statements go (see the module's note on what may read here)."""
    return _Reads()


def reading_session() -> Session:
    """A session of its own on the replica (or the primary) for reading a long export while it streams; the caller
    closes it."""
    return Session(replica_engine())
