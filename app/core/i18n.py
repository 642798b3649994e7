"""Locale and time-zone selection, and the formatters templates use for dates, times and money."""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from flask import Flask, current_app, has_request_context, request
from flask_babel import format_currency, format_date, format_datetime, format_time, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.core.forms import format_phone

LANGUAGE_COOKIE = "lang"
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}
ROLE_LABELS = {
    "applicant": _l("applicant"),
    "staff": _l("staff"),
    "mentor": _l("mentor"),
    "reviewer": _l("reviewer"),
}
TIMEZONE_LABELS = {
    "Asia/Makassar": _l("Denpasar time (WITA, UTC+8)"),
    "Australia/Darwin": _l("Darwin time (ACST, UTC+9:30)"),
}


def select_locale() -> str:
    """The user's preference, else the switcher's cookie, else the browser's languages, else Indonesian."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI, cron: the default, unless a caller forces a locale
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in languages:
        return user_locale
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in languages:
        return cookie
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_TIMEZONE"]
    zone = getattr(current_user, "timezone", None) if current_user else None
    if zone in current_app.config["TIMEZONES"]:
        return zone
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def money(amount: int, currency: str = "IDR") -> str:
    """Whole rupiah, formatted for the viewer's locale (no decimals)."""
    return format_currency(amount, currency, format="¤ #,##0", currency_digits=False)


def format_datetime_in(moment: datetime, zone: str = "Asia/Makassar", format: str = "medium") -> str:
    """A moment shown in a fixed zone (e.g. Denpasar time for deadlines), in the viewer's language."""
    return babel_dates.format_datetime(moment, format, tzinfo=ZoneInfo(zone), locale=get_locale())


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(str(role), role))


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(
        format_datetime=format_datetime,
        format_date=format_date,
        format_time=format_time,
        format_datetime_in=format_datetime_in,
        money=money,
        format_phone=format_phone,
        role_label=role_label,
        current_locale=lambda: str(get_locale()),
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        TIMEZONE_LABELS=TIMEZONE_LABELS,
    )
