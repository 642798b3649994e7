"""Reminders sent at most once: a row per (kind, subject, person, key) marks a reminder as sent, in the transaction
that queues its mail, and the unique index makes a second sender (a cron job running twice, two workers) skip it.

    remind_once(user, "cohorts.session", session.id, "cohorts/mail/session_reminder", session=session)

`key` tells apart reminders that may repeat for one subject (the date of the last meeting, for a pair that has been
quiet for 30 days: a new quiet spell is a new key).

Each domain registers its reminder jobs here (`register_reminder_job`, from its own package: core imports no domain);
`flask reminders send` runs them all, for cron. A job takes no arguments and returns how many mails it queued.
"""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import now_utc
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


def remind_once(user, kind: str, subject_id: int, template: str, *, key: str = "", **context: object) -> bool:
    """Queue `template` to `user` in their language unless this reminder was sent already; True when queued."""
    try:
        with db.session.begin_nested():
            db.session.add(SentReminder(kind=kind, subject_id=subject_id, user_id=user.id, key=key))
    except IntegrityError:
        return False
    queue_mail(user.email, template, user.locale, user=user, **context)
    return True


ReminderJob = Callable[[], int]
_JOBS: dict[str, ReminderJob] = {}


def register_reminder_job(name: str, job: ReminderJob) -> None:
    """Add `job` to those `flask reminders send` runs (registering a name again replaces its job)."""
    _JOBS[name] = job


def reminder_jobs() -> dict[str, ReminderJob]:
    return dict(sorted(_JOBS.items()))
