"""Jobs run once with several runners (issue 14): two mail senders started together deliver each outbox message once
(counted by a real SMTP server), two `flask reminders send` started together queue each reminder once and neither
fails; a row another runner holds is skipped, not waited for. Control runs show the duplicates without the locks and
the waiting without SKIP LOCKED. The concurrent runs need PostgreSQL's row locks; what a crashed sender leaves
behind is tested on both databases."""

import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, text

from app.core.jobs import claim_batch, committing_every
from app.core.locking import write_transactions
from app.core.mail import MailStatus, OutboxMessage, _claim, send_pending
from app.core.reminders import SentReminder, _advisory_key, run_reminder_jobs
from app.extensions import db
from tests.factories import ApplicationFactory, CallFactory, UserFactory
from tests.live import fire, shows_race
from tests.smtp_sink import smtp_server_fixture  # noqa: F401  (fixture smtp_server)

NOW = datetime(2027, 5, 29, 3, 0, tzinfo=UTC)  # 2.5 days before the factories' deadline: drafts get a reminder
MESSAGES = 300


@pytest.fixture
def small_batches(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_BATCH_SIZE", 10)


def outbox_rows(count: int) -> list[str]:
    """`count` pending messages, each to its own address, inserted in one statement."""
    addresses = [f"person{i}@example.com" for i in range(count)]
    db.session.execute(insert(OutboxMessage), [
        {"to_address": address, "subject": f"Message {i}", "body_text": "Halo", "body_html": "<p>Halo</p>",
         "locale": "id", "template": "test/bulk", "status": MailStatus.PENDING, "attempts": 0,
         "next_attempt_at": NOW - timedelta(minutes=1), "created_at": NOW - timedelta(minutes=1)}
        for i, address in enumerate(addresses)])
    db.session.commit()
    return addresses


def together(app, work, runners: int = 2, stagger: float = 0) -> list:
    """Run `work()` in `runners` threads released together (the i-th `stagger` × i seconds later: cron on another
    host), each with its own app context (its own session)."""
    db.session.commit()

    def run(index: int):
        time.sleep(stagger * index)
        with app.app_context(), write_transactions():
            return work()

    results = fire(runners, run)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    return results


def in_thread(app, work) -> tuple[threading.Thread, list]:
    """Start `work()` in a thread with its own app context; the list receives its result."""
    out: list = []

    def run() -> None:
        with app.app_context(), write_transactions():
            out.append(work())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, out


# The outbox ------------------------------------------------------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.parametrize("stagger", [0, 0.1])
def test_two_senders_at_once_deliver_each_message_exactly_once(app, smtp_server, small_batches, frozen_clock, stagger):
    """(Before issue 14 the sender committed after each message, which freed the rest of its claim: a second sender
    started 0.1 s later delivered 296 of 300 messages a second time.)"""
    frozen_clock(NOW)
    addresses = outbox_rows(MESSAGES)
    results = together(app, lambda: send_pending(limit=10_000), stagger=stagger)
    assert sorted(smtp_server.recipients) == sorted(addresses)  # each delivered once, none lost
    assert sum(sent for sent, _failed in results) == MESSAGES
    assert all(sent > 0 for sent, _failed in results), results  # the two shared the work
    rows = db.session.execute(select(OutboxMessage.status, OutboxMessage.attempts)).all()
    assert Counter(rows) == {(MailStatus.SENT, 1): MESSAGES}


@pytest.mark.postgres
def test_control_without_row_locks_two_senders_deliver_twice(app, smtp_server, small_batches, frozen_clock,
                                                              locks_off, monkeypatch):
    frozen_clock(NOW)
    monkeypatch.setitem(app.config, "TEST_SLEEP_AFTER_CLAIM_S", 0.05)

    def round_() -> bool:
        db.session.execute(OutboxMessage.__table__.delete())
        smtp_server.recipients.clear()
        outbox_rows(60)
        together(app, lambda: send_pending(limit=10_000))
        return max(Counter(smtp_server.recipients).values()) > 1

    assert shows_race(round_)


@pytest.mark.postgres
def test_a_message_another_sender_holds_is_skipped_not_waited_for(app, smtp_server, frozen_clock):
    frozen_clock(NOW)
    addresses = outbox_rows(5)
    with db.engine.connect() as other:  # another sender, in the middle of its claim of the first message
        other.execute(text("SELECT id FROM outbox_message WHERE to_address = :a FOR UPDATE"), {"a": addresses[0]})
        thread, out = in_thread(app, send_pending)
        thread.join(timeout=20)
        assert not thread.is_alive() and out == [(4, 0)]
        other.rollback()
    assert sorted(smtp_server.recipients) == addresses[1:]


@pytest.mark.postgres
def test_control_without_skip_locked_the_sender_waits(app, smtp_server, frozen_clock, monkeypatch):
    frozen_clock(NOW)
    monkeypatch.setitem(app.config, "JOB_SKIP_LOCKED", False)
    addresses = outbox_rows(5)
    with db.engine.connect() as other:
        other.execute(text("SELECT id FROM outbox_message WHERE to_address = :a FOR UPDATE"), {"a": addresses[0]})
        thread, out = in_thread(app, send_pending)
        thread.join(timeout=1.5)
        assert thread.is_alive() and smtp_server.recipients == []  # stuck behind the other's lock: nothing sent
        other.rollback()
    thread.join(timeout=20)
    assert out == [(5, 0)] and sorted(smtp_server.recipients) == addresses


def test_a_sender_that_dies_after_its_claim_leaves_the_messages_to_a_later_run(app, smtp_server, frozen_clock):
    frozen_clock(NOW)
    addresses = outbox_rows(3)
    with write_transactions():
        claimed = _claim(2)  # ...and the process is killed before it sends
    assert len(claimed) == 2
    assert send_pending() == (1, 0)  # the other one; the claimed two are leased, not sent twice
    assert smtp_server.recipients == [addresses[2]]
    frozen_clock(NOW + timedelta(minutes=11))  # the lease has run out: due again, not lost
    assert send_pending() == (2, 0)
    assert sorted(smtp_server.recipients) == sorted(addresses)
    assert db.session.scalar(select(func.count()).where(OutboxMessage.status == MailStatus.SENT)) == 3


def test_claim_batch_takes_at_most_the_batch_and_the_loop_goes_on(app, smtp_server, small_batches, frozen_clock):
    frozen_clock(NOW)
    outbox_rows(25)
    with write_transactions():
        assert len(claim_batch(select(OutboxMessage).order_by(OutboxMessage.id), 10)) == 10
        db.session.rollback()
        assert send_pending(limit=25) == (25, 0)  # three claims of 10, 10 and 5
    assert len(smtp_server.recipients) == 25


# Reminders -------------------------------------------------------------------------------------------------------

def drafts(count: int) -> list:
    call = CallFactory()
    return [ApplicationFactory(call=call, applicant=UserFactory(locale="en")) for _ in range(count)]


def draft_reminders() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.template == "festival/mail/draft_reminder")))


@pytest.mark.postgres
def test_two_reminder_runs_at_once_queue_each_reminder_once_and_neither_fails(app, small_batches, frozen_clock):
    frozen_clock(NOW)
    applications = drafts(200)
    results = together(app, lambda: dict(run_reminder_jobs()))
    assert sum(result["festival.drafts"] for result in results) == 200
    mails = draft_reminders()
    assert sorted(m.to_address for m in mails) == sorted(a.applicant.email for a in applications)
    assert db.session.scalar(select(func.count(SentReminder.id))) == 200
    assert [dict(run_reminder_jobs())["festival.drafts"]] == [0]  # and a third run finds nothing new


def _half_sent_by_another_runner(connection, application) -> None:
    """What a runner in the middle of its batch leaves: the reminder's lock and its row, not committed yet."""
    connection.execute(select(func.pg_try_advisory_xact_lock(
        _advisory_key("festival.draft", application.id, application.applicant_id, "3d"))))
    connection.execute(insert(SentReminder).values(kind="festival.draft", subject_id=application.id,
                                                   user_id=application.applicant_id, key="3d", sent_at=NOW))


@pytest.mark.postgres
def test_a_reminder_another_run_is_queuing_is_left_to_it_without_waiting(app, frozen_clock):
    frozen_clock(NOW)
    first, *others = drafts(4)
    db.session.commit()
    with db.engine.connect() as other:
        _half_sent_by_another_runner(other, first)
        thread, out = in_thread(app, lambda: dict(run_reminder_jobs()))
        thread.join(timeout=20)
        assert not thread.is_alive() and out[0]["festival.drafts"] == 3
        other.commit()  # the other runner queues it
    assert sorted(m.to_address for m in draft_reminders()) == sorted(a.applicant.email for a in others)
    assert db.session.scalar(select(func.count(SentReminder.id))) == 4


@pytest.mark.postgres
def test_control_without_the_reminder_locks_a_run_waits_for_the_other(app, frozen_clock, locks_off):
    frozen_clock(NOW)
    first, *_others = drafts(4)
    db.session.commit()
    with db.engine.connect() as other:
        _half_sent_by_another_runner(other, first)
        thread, out = in_thread(app, lambda: dict(run_reminder_jobs()))
        thread.join(timeout=1.5)
        assert thread.is_alive()  # its insert waits on the other runner's uncommitted row
        other.commit()
    thread.join(timeout=20)
    assert out[0]["festival.drafts"] == 3
    assert db.session.scalar(select(func.count(SentReminder.id))) == 4  # still once: the unique key


def test_reminders_commit_in_batches_so_a_crash_keeps_what_was_queued(app, frozen_clock, monkeypatch):
    frozen_clock(NOW)
    drafts(5)
    from app.festival import reminders as festival_reminders

    real = festival_reminders.remind_once
    calls = []

    def crashing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("the job dies on its fifth reminder")
        return real(*args, **kwargs)

    monkeypatch.setattr(festival_reminders, "remind_once", crashing)
    with write_transactions(), committing_every(2), pytest.raises(RuntimeError):
        festival_reminders.remind_drafts()
    db.session.rollback()
    assert len(draft_reminders()) == 4  # two batches of two committed; the fifth never was
    monkeypatch.setattr(festival_reminders, "remind_once", real)
    assert dict(run_reminder_jobs())["festival.drafts"] == 1  # the next run sends only the one left
