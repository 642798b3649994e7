"""Meetings a pair logs (either side) and the participant's rating of each.

A double submit of the meeting form makes one meeting: the mentorship's row is locked, and an identical meeting the
same person logged in the last minute is returned instead of a second one (a repeated request is a no-op).
"""

import time as pytime
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.cohorts.models import CohortParticipant
from app.core.clock import now_utc
from app.core.errors import InvalidState, NotAllowed
from app.core.locking import relock
from app.extensions import db
from app.mentoring.models import Meeting, Mentorship, MentorshipStatus

DURATIONS = (15, 30, 45, 60, 90, 120)  # minutes, the form's preset choices
DEFAULT_DURATION = 30
RATINGS = range(1, 6)
REPEAT_WINDOW = timedelta(minutes=1)


def today_for(user) -> date:
    """Today's date where `user` lives (a Darwin evening is already tomorrow in UTC)."""
    return now_utc().astimezone(ZoneInfo(user.timezone or "Asia/Makassar")).date()


def _is_side_of(user, pair: Mentorship) -> bool:
    return user.id in (pair.mentor_id, pair.participant.user_id)


def check_loggable(pair: Mentorship) -> None:
    if pair.status != MentorshipStatus.ACCEPTED:
        raise InvalidState(_l("Meetings can only be logged for an active pair; this one is %(status)s.",
                              status=pair.status.label))


def _pause_for_race_tests() -> None:
    pause = current_app.config.get("TEST_SLEEP_AFTER_CHECK_S")
    if pause:
        pytime.sleep(float(pause))


def log_meeting(actor, pair: Mentorship, *, held_on: date, duration_minutes: int, topics: str = "",
                notes: str = "", next_steps: str = "") -> Meeting:
    """Log a meeting of an active pair, by its mentor or its participant."""
    pair = relock(pair)
    if not _is_side_of(actor, pair):
        raise NotAllowed(_l("Only the mentor and the participant of this pair can log its meetings."))
    check_loggable(pair)
    if held_on > today_for(actor):
        raise InvalidState(_l("The date cannot be in the future."), field="held_on")
    if held_on < pair.cohort.starts_on:
        raise InvalidState(_l("The date cannot be before the cohort starts (%(day)s).",
                              day=pair.cohort.starts_on.isoformat()), field="held_on")
    if duration_minutes not in DURATIONS:
        raise InvalidState(_l("Choose one of the durations offered."), field="duration_minutes")
    values = {"held_on": held_on, "duration_minutes": duration_minutes, "topics": topics, "notes": notes,
              "next_steps": next_steps}
    repeated = db.session.scalar(select(Meeting).where(
        Meeting.mentorship_id == pair.id, Meeting.logged_by_id == actor.id,
        Meeting.created_at >= now_utc() - REPEAT_WINDOW,
        *(getattr(Meeting, name) == value for name, value in values.items())))
    if repeated is not None:  # the same form sent twice (a double tap, a reload): one meeting
        return repeated
    _pause_for_race_tests()
    meeting = Meeting(mentorship_id=pair.id, logged_by_id=actor.id, created_at=now_utc(), **values)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def rate_meeting(actor, meeting: Meeting, rating: int | None) -> Meeting:
    """The participant rates a meeting 1–5 (and may change it later)."""
    if meeting.mentorship.participant.user_id != actor.id:
        raise NotAllowed(_l("Only the participant rates a meeting."))
    if rating not in RATINGS:
        raise InvalidState(_l("Choose from 1 to 5 stars."), field="rating")
    meeting.rating = rating
    meeting.rated_at = now_utc()
    db.session.flush()
    return meeting


def meetings_of(pair: Mentorship) -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).where(Meeting.mentorship_id == pair.id)
                                   .order_by(Meeting.held_on.desc(), Meeting.id.desc())))


def mentor_of(user_id: int) -> Mentorship | None:
    """The participant's active mentorship, else their latest one (offered or ended, shown with its status)."""
    pairs = list(db.session.scalars(
        select(Mentorship).join(Mentorship.participant)
        .where(CohortParticipant.user_id == user_id, Mentorship.status != MentorshipStatus.DECLINED)
        .order_by(Mentorship.offered_at.desc(), Mentorship.id.desc())))
    active = [pair for pair in pairs if pair.status == MentorshipStatus.ACCEPTED]
    return (active or pairs or [None])[0]


def is_participant_of(user, pair: Mentorship) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and pair.participant.user_id == user.id


def may_rate(user, meeting: Meeting) -> bool:
    return is_participant_of(user, meeting.mentorship)


def is_pairs_mentor(user, pair: Mentorship) -> bool:
    """The mentor of an offered or active pair (a declined or ended pair is no longer theirs to see)."""
    from app.mentoring.services.access import SEEN_BY_MENTOR

    return (bool(getattr(user, "is_authenticated", False)) and pair.mentor_id == user.id
            and pair.status in SEEN_BY_MENTOR)
