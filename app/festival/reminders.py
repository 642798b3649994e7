"""The festival's reminders, run by `flask reminders send` (each sent at most once, in the person's language and zone):

- an unsubmitted draft, 3 days and again 1 day before its call's deadline (a job that first runs inside the last day
  sends only the last-day one);
- a reviewer with unscored assignments: once a calendar week (Denpasar), for assignments at least 3 days old. Calls
  have no review deadline, so the weekly reminder is the rule.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.accounts.models import User
from app.core.clock import now_utc
from app.core.reminders import register_reminder_job, remind_once
from app.extensions import db
from app.festival.models import Application, Call, Edition, ReviewAssignment
from app.festival.models.application import ApplicationStatus as S
from app.festival.models.review import AssignmentStatus

DRAFT_REMINDERS = ((timedelta(days=1), "1d"), (timedelta(days=3), "3d"))  # nearest first
REVIEW_GRACE = timedelta(days=3)  # a new assignment has its own mail; the weekly reminder waits this long
DENPASAR = ZoneInfo("Asia/Makassar")


def remind_drafts(now: datetime | None = None) -> int:
    now = now or now_utc()
    drafts = db.session.scalars(
        select(Application).join(Call, Application.call_id == Call.id).join(Edition, Call.edition_id == Edition.id)
        .join(User, Application.applicant_id == User.id)
        .where(Application.status == S.DRAFT, User.active.is_(True), Edition.applications_close_at > now,
               Edition.applications_close_at <= now + DRAFT_REMINDERS[-1][0])
        .order_by(Application.id))
    queued = 0
    for application in drafts:
        left = application.call.edition.applications_close_at - now
        key = next(key for ahead, key in DRAFT_REMINDERS if left <= ahead)
        user = application.applicant
        queued += remind_once(user, "festival.draft", application.id, "festival/mail/draft_reminder", key=key,
                              application=application, call=application.call, zone=user.timezone)
    return queued


def remind_reviewers(now: datetime | None = None) -> int:
    now = now or now_utc()
    rows = db.session.execute(
        select(ReviewAssignment.reviewer_id, Application.call_id)
        .join(Application, ReviewAssignment.application_id == Application.id)
        .where(ReviewAssignment.status == AssignmentStatus.ASSIGNED, ReviewAssignment.assigned_at <= now - REVIEW_GRACE,
               Application.status.in_((S.SUBMITTED, S.UNDER_REVIEW))))
    waiting: dict[int, int] = {}
    for reviewer_id, _call_id in rows:
        waiting[reviewer_id] = waiting.get(reviewer_id, 0) + 1
    year, week, _day = now.astimezone(DENPASAR).isocalendar()
    queued = 0
    for reviewer in db.session.scalars(select(User).where(User.id.in_(waiting), User.active.is_(True))
                                       .order_by(User.id)):
        queued += remind_once(reviewer, "festival.review", reviewer.id, "festival/mail/review_reminder",
                              key=f"{year}-W{week:02d}", count=waiting[reviewer.id])
    return queued


register_reminder_job("festival.drafts", remind_drafts)
register_reminder_job("festival.reviews", remind_reviewers)
