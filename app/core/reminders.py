"""Reminders sent at most once: a row per (kind, subject, person, key) marks a reminder as sent, in the transaction
that queues its mail, and the unique index makes a second sender (a cron job running twice, two workers) skip it.

    remind_once(user, "cohorts.session", session.id, "cohorts/mail/session_reminder", session=session)

`key` tells apart reminders that may repeat for one subject (the date of the last meeting, for a pair that has been
quiet for 30 days: a new quiet spell is a new key).

Each domain registers its reminder jobs here (`register_reminder_job`, from its own package: core imports no domain);
`flask reminders send` runs them all, for cron. A job takes no arguments and returns how many mails it queued.

Several runners at once (cron on two hosts): each reminder is queued by one of them and neither waits for the other.
On PostgreSQL a runner first takes a transaction-level advisory lock named after the reminder, without waiting: a
reminder another runner is queuing right now (its row not committed yet) is skipped, since that runner sends it, and
the insert then never waits on the other's uncommitted row (which is how two runners going through their subjects in
different orders would deadlock). The insert does nothing on a reminder already sent. A job commits every
JOB_BATCH_SIZE reminders (`app.core.jobs.checkpoint`), so its claims are short and what it queued survives a
crash further on.
"""

import hashlib
from collections.abc import Callable, Iterator
from datetime import datetime

from flask import current_app
from sqlalchemy import ForeignKey, String, UniqueConstraint, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import now_utc
from app.core.jobs import checkpoint, committing_every, on_postgresql, row_locks_on
from app.core.locking import write_transactions
from app.core.mail import queue_mail
from app.extensions import db


class SentReminder(db.Model):
    __tablename__ = "sent_reminder"
    __table_args__ = (UniqueConstraint("kind", "subject_id", "user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40), default="")
    sent_at: Mapped[datetime] = mapped_column(default=now_utc)


def _advisory_key(kind: str, subject_id: int, user_id: int, key: str) -> int:
    """A signed 64-bit name for one reminder (a collision only makes a runner leave a reminder to the other)."""
    digest = hashlib.blake2b(f"reminder\x1f{kind}\x1f{subject_id}\x1f{user_id}\x1f{key}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


def _claim(kind: str, subject_id: int, user_id: int, key: str) -> bool:
    """Record this reminder as sent; False if it was sent already or another runner is sending it now."""
    if on_postgresql():
        if row_locks_on() and not db.session.scalar(
                select(func.pg_try_advisory_xact_lock(_advisory_key(kind, subject_id, user_id, key)))):
            return False
        insert = postgresql.insert(SentReminder)
    else:
        insert = sqlite.insert(SentReminder)
    statement = (insert.values(kind=kind, subject_id=subject_id, user_id=user_id, key=key, sent_at=now_utc())
                 .on_conflict_do_nothing().returning(SentReminder.id))
    return db.session.scalar(statement) is not None


def remind_once(user, kind: str, subject_id: int, template: str, *, key: str = "", **context: object) -> bool:
    """Queue `template` to `user` in their language unless this reminder was sent already; True when queued."""
    if not _claim(kind, subject_id, user.id, key):
        return False
    queue_mail(user.email, template, user.locale, user=user, **context)
    checkpoint()
    return True


ReminderJob = Callable[[], int]
_JOBS: dict[str, ReminderJob] = {}


def register_reminder_job(name: str, job: ReminderJob) -> None:
    """Add `job` to those `flask reminders send` runs (registering a name again replaces its job)."""
    _JOBS[name] = job


def reminder_jobs() -> dict[str, ReminderJob]:
    return dict(sorted(_JOBS.items()))


def run_reminder_jobs() -> Iterator[tuple[str, int]]:
    """Run every registered job, each in its own transactions (one job's failure keeps what the others queued),
    committing every JOB_BATCH_SIZE reminders; yields each job's name and how many mails it queued."""
    size = int(current_app.config.get("JOB_BATCH_SIZE", 20))
    for name, job in reminder_jobs().items():
        with write_transactions(), committing_every(size):
            queued = job()
            db.session.commit()
        yield name, queued
