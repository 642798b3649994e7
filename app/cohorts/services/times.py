"""Session times as people read them: in one zone, start and end ("Sel 1 Sep 2027, 10.00–12.00"), in the page's
language; cross-border sessions in Denpasar and Darwin time side by side."""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from flask_babel import get_locale

from app.core.i18n import TimeZone, select_timezone

DAY_AND_TIME = "EEE d MMM y, HH:mm"
TIME = "HH:mm"
BOTH = (TimeZone.DENPASAR, TimeZone.DARWIN)


def span(starts_at: datetime, ends_at: datetime, zone: str) -> str:
    """"<day>, <start>–<end>" in `zone` (the end with its day when it falls on another day there)."""
    tz, locale = ZoneInfo(zone), get_locale()
    start, end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    first = babel_dates.format_datetime(start, DAY_AND_TIME, tzinfo=tz, locale=locale)
    last_format = TIME if start.date() == end.date() else DAY_AND_TIME
    return f"{first}–{babel_dates.format_datetime(end, last_format, tzinfo=tz, locale=locale)}"


def zones_for(session) -> list[TimeZone]:
    """The zones a session is shown in: the viewer's own, then (for a cross-border session) the other of Denpasar and
    Darwin — a mentor in Darwin reads Darwin time first."""
    own = TimeZone(select_timezone())
    return [own, *(zone for zone in BOTH if zone != own)] if session.cross_border else [own]
