"""Jobs that several runners may run at once (cron on two hosts, a second `flask mail send` started by hand): every
row is taken by one runner only, and no runner waits for another.

    rows = claim_batch(select(Booking).where(...).order_by(Booking.id), 50)   # locked until the commit
    ...change them so that they leave the query...
    db.session.commit()                                                       # one commit per batch

- PostgreSQL: `FOR UPDATE SKIP LOCKED`. A row another runner (or a request) holds is skipped, not waited for, so two
  runners share the rows between them; a row committed meanwhile is re-checked against the query, so a row one runner
  just finished does not come back to the other. Small batches with a commit each: no lock is held for long.
- SQLite has no row locks. Jobs run inside `write_transactions()` (BEGIN IMMEDIATE): one runner at a time reads and
  changes rows, the same result by taking turns.
- Work that needs a network call (SMTP, Stripe) must not run under a lock (nor SQLite's write lock): the claim writes
  a lease instead (a time before which the row is not due again) and commits; the call runs outside any transaction
  and its outcome is written in a transaction of its own. A runner that dies in between leaves a lease that runs out:
  the row is due again and a later run does it (late, never lost).

`ROW_LOCKS = False` (the control runs of the race tests) claims without any lock, to show the duplicates;
`JOB_SKIP_LOCKED = False` waits for locked rows instead of skipping them, to show the waiting.
"""

import contextvars
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app
from sqlalchemy import Select

from app.extensions import db

# (done since the last commit, batch size) of the job running in this context, if it commits in batches.
_batch: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("job_batch", default=None)


def on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def row_locks_on() -> bool:
    return bool(current_app.config.get("ROW_LOCKS", True))


def claim_batch(query: Select, size: int | None, *, of: Any = None) -> list[Any]:
    """The first `size` rows of `query` (all when None), locked until the transaction ends, skipping rows another
    transaction holds (PostgreSQL). `of`: the entity whose rows to lock when the query joins others."""
    if size is not None:
        query = query.limit(size)
    if on_postgresql() and row_locks_on():
        query = query.with_for_update(skip_locked=bool(current_app.config.get("JOB_SKIP_LOCKED", True)), of=of)
    rows = list(db.session.scalars(query))
    pause = current_app.config.get("TEST_SLEEP_AFTER_CLAIM_S")
    if pause and rows:  # race tests widen the window between the claim and its commit (see holds' TEST_SLEEP_…)
        time.sleep(pause)
    return rows


def in_batches(step: Callable[[], int], *, most: int = 100_000) -> int:
    """Run `step` (claim a batch, work on it; return how many rows it took) and commit, until a batch comes back empty.
    Returns the rows taken. `most` bounds the batches, should a step ever leave its rows in its own query."""
    total = 0
    for _ in range(most):
        taken = step()
        db.session.commit()
        if not taken:
            break
        total += taken
    return total


@contextmanager
def committing_every(size: int) -> Iterator[None]:
    """Inside, `checkpoint()` commits after every `size` units of work (for jobs that go through many subjects, such
    as reminders): what a job did survives its crash further on, and its row locks and claims are short."""
    token = _batch.set([0, max(1, int(size))])
    try:
        yield
    finally:
        _batch.reset(token)


def checkpoint() -> None:
    """One unit of work done: commit if the batch is full (a no-op outside `committing_every`, e.g. in a request)."""
    state = _batch.get()
    if state is None:
        return
    state[0] += 1
    if state[0] >= state[1]:
        db.session.commit()
        state[0] = 0
