"""`flask reminders send` (issue 12, item 9): one command for cron runs every domain's reminder jobs; each reminder
goes through the outbox once, in the person's language and time zone."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.core.mail import OutboxMessage
from app.core.reminders import reminder_jobs
from app.extensions import db
from app.festival.models.application import ApplicationStatus as S
from app.festival.models.review import AssignmentStatus
from tests.factories import ApplicationFactory, AssignmentFactory, UserFactory

CLOSE = datetime(2027, 5, 31, 15, 59, tzinfo=UTC)  # the factories' deadline: 23.59 in Denpasar


def send(app) -> str:
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def mails(template: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == template)
                                   .order_by(OutboxMessage.id)))


def test_every_domains_jobs_are_registered(app):
    assert set(reminder_jobs()) >= {"cohorts", "mentoring.quiet", "festival.drafts", "festival.reviews"}
    output = send(app)
    for name in ("cohorts", "mentoring.quiet", "festival.drafts", "festival.reviews"):
        assert f"{name}: queued 0" in output


def test_a_draft_is_reminded_three_days_and_one_day_before_the_deadline_once_each(app, frozen_clock):
    draft = ApplicationFactory(applicant=UserFactory(locale="id", email="wayan@example.com"))
    ApplicationFactory(submitted=True, status=S.SUBMITTED)  # already sent: no reminder
    frozen_clock(CLOSE - timedelta(days=4))
    assert "festival.drafts: queued 0" in send(app)

    frozen_clock(CLOSE - timedelta(days=2, hours=12))
    assert "festival.drafts: queued 1" in send(app)
    assert "festival.drafts: queued 0" in send(app)  # idempotent: nothing new the second time
    (first,) = mails("festival/mail/draft_reminder")
    assert first.to_address == "wayan@example.com" and first.locale == "id"
    assert "31 Mei 2027 23.59" in first.body_text and "23.59.00" not in first.body_text  # Denpasar, to the minute
    assert f"/applications/{draft.id}/step/" in first.body_text

    frozen_clock(CLOSE - timedelta(hours=20))
    assert "festival.drafts: queued 1" in send(app)
    assert "festival.drafts: queued 0" in send(app)
    frozen_clock(CLOSE + timedelta(minutes=1))  # closed: nothing more
    assert "festival.drafts: queued 0" in send(app)
    assert len(mails("festival/mail/draft_reminder")) == 2


def test_a_draft_reminder_is_in_the_persons_language_and_time_zone(app, frozen_clock):
    ApplicationFactory(applicant=UserFactory(locale="en", timezone="Australia/Darwin"))
    frozen_clock(CLOSE - timedelta(hours=5))  # inside the last day: only the last-day reminder
    send(app)
    (mail,) = mails("festival/mail/draft_reminder")
    assert mail.locale == "en" and "is still a draft" in mail.body_text
    assert "Jun 1, 2027, 1:29" in mail.body_text and "Darwin time" in mail.body_text  # 15:59 UTC in Darwin


def test_a_reviewer_with_unscored_assignments_is_reminded_once_a_week(app, frozen_clock):
    now = datetime(2027, 6, 9, 2, 0, tzinfo=UTC)  # a Wednesday
    reviewer = UserFactory(reviewer=True, locale="en", email="juri@example.com")
    AssignmentFactory(reviewer=reviewer, assigned_at=now - timedelta(days=4))
    AssignmentFactory(reviewer=reviewer, assigned_at=now - timedelta(days=5))
    AssignmentFactory(reviewer=reviewer, assigned_at=now - timedelta(days=5), status=AssignmentStatus.SUBMITTED)
    AssignmentFactory(reviewer=UserFactory(reviewer=True), assigned_at=now - timedelta(days=1))  # too new
    frozen_clock(now)
    assert "festival.reviews: queued 1" in send(app)
    assert "festival.reviews: queued 0" in send(app)
    frozen_clock(now + timedelta(days=3))  # the same week
    assert "festival.reviews: queued 1" in send(app)  # the new one is now three days old
    assert "festival.reviews: queued 0" in send(app)
    frozen_clock(now + timedelta(days=7))  # next week
    assert "festival.reviews: queued 2" in send(app)
    first = mails("festival/mail/review_reminder")[0]
    assert first.to_address == "juri@example.com" and first.locale == "en"
    assert first.subject == "2 applications wait for your review" and "/review" in first.body_text


@pytest.mark.parametrize("status", [S.ACCEPTED, S.WITHDRAWN])
def test_no_review_reminder_for_a_decided_or_withdrawn_application(app, frozen_clock, status):
    now = datetime(2027, 6, 9, 2, 0, tzinfo=UTC)
    AssignmentFactory(application=ApplicationFactory(submitted=True, status=status),
                      assigned_at=now - timedelta(days=5))
    frozen_clock(now)
    assert "festival.reviews: queued 0" in send(app)
