"""Private calendar feeds and `.ics` files of cohort sessions, built with the `icalendar` library.

A user's feed lives at `/calendar/<token>.ics`: the token (random, 256 bits) is the only secret. It lists the
sessions of the cohorts the user is admitted to and of those they serve as a mentor (`access.sessions_for`).
Resetting it replaces the token in the user's one row, so the old address answers 404 at once. Times are written in
UTC (`Z`); calendar programs show them in their own zone. A session's UID stays the same for its life, so a changed
session updates the event a calendar already holds.
"""

import re
import secrets
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import select

from app.accounts.models import User
from app.cohorts.models import CalendarFeed, CohortSession
from app.cohorts.services.access import sessions_for
from app.core.clock import now_utc
from app.extensions import db

TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32,64}")


def feed_of(user_id: int) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user_id))


def new_token(actor) -> CalendarFeed:
    """Give `actor` a new private feed address; an earlier one stops working."""
    # Two resets at once: the unique user_id makes the second insert fail, and it runs again as a replacement.
    feed = feed_of(actor.id)
    if feed is None:
        feed = CalendarFeed(user_id=actor.id)
        db.session.add(feed)
    feed.token = secrets.token_urlsafe(32)
    feed.created_at = now_utc()
    db.session.flush()
    return feed


def user_of_token(token: str) -> User | None:
    if not TOKEN_SHAPE.fullmatch(token or ""):
        return None
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == token))
    if feed is None:
        return None
    user = db.session.get(User, feed.user_id)
    return user if user is not None and user.active else None


def _host() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "dyouth.local"


def _event(session: CohortSession, locale: str, host: str) -> Event:
    event = Event()
    event.add("uid", f"cohort-session-{session.id}@{host}")
    event.add("dtstamp", session.updated_at or now_utc())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", session.title(locale))
    lines = [f"{session.kind.label} · {session.cohort.name(locale)}"]
    if session.facilitator:
        lines.append(_("Facilitator: %(name)s", name=session.facilitator))
    lines.append(_("Language: %(language)s", language=session.language.label))
    event.add("description", "\n".join(lines))
    if session.place:
        event.add("location", session.place)
    if session.online_url:
        event.add("url", session.online_url)
        if not session.place:
            event.add("location", session.online_url)
    return event


def build_calendar(sessions: list[CohortSession], user: User, name: str | None = None) -> bytes:
    """An iCalendar document of `sessions`, its texts in `user`'s language."""
    host = _host()
    with force_locale(user.locale):
        calendar = Calendar()
        calendar.add("prodid", "-//D'Youth Denpasar//Cohorts//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", name or _("D'Youth sessions"))
        for session in sessions:
            calendar.add_component(_event(session, user.locale, host))
        return calendar.to_ical()


def feed_calendar(user: User) -> bytes:
    return build_calendar(sessions_for(user.id), user)


def session_calendar(session: CohortSession, user: User) -> bytes:
    return build_calendar([session], user, name=session.title(user.locale))
