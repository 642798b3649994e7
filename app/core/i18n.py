"""Locale and time-zone selection, and the formatters templates use for dates, times and money.

Templates translate and format through a `PageI18n` made once per rendered page: Flask-Babel's own `gettext` and
`format_*` look the locale, zone and catalogue up again on every call (about 1,200 times on a 50-row list page),
which was most of the page's time.
"""

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import Flask, current_app, has_request_context, request
from flask_babel import (
    format_currency,
    format_date,
    get_locale,
    get_timezone,
    get_translations,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from app.core.forms import format_phone
from app.core.vocab import Vocabulary, declare_labels

NAMED_FORMATS = ("short", "medium", "long", "full")
# Times are shown to the minute ("23.59", not "23.59.00"): the locale's named time patterns lose their seconds.
_SECONDS = re.compile(r"[.:]ss(?:\.S+)?")
LANGUAGE_COOKIE = "lang"
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}


class TimeZone(Vocabulary):
    """The zones a user may see times in (`TIMEZONES` in the config)."""

    DENPASAR = "Asia/Makassar"
    DARWIN = "Australia/Darwin"


declare_labels(TimeZone, {
    TimeZone.DENPASAR: _l("Denpasar time (WITA, UTC+8)"),
    TimeZone.DARWIN: _l("Darwin time (ACST, UTC+9:30)"),
})


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


def current_locale() -> str:
    """The language of this request ("id" or "en"), for bilingual columns (`in_language`) and choices."""
    return str(get_locale())


def time_pattern(format: str, locale: Any) -> babel_dates.DateTimePattern:
    """The locale's named time pattern without seconds (a custom pattern such as "HH:mm" is parsed as it is)."""
    if format not in NAMED_FORMATS:
        return babel_dates.parse_pattern(format)
    return babel_dates.parse_pattern(_SECONDS.sub("", babel_dates.get_time_format(format, locale=locale).pattern))


def _datetime_in(moment: datetime | None, format: str, tzinfo: Any, locale: Any) -> str:
    """babel's format_datetime, with a named format's time to the minute."""
    if not isinstance(moment, datetime) or format not in NAMED_FORMATS:
        return babel_dates.format_datetime(moment, format, tzinfo=tzinfo, locale=locale)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(tzinfo)
    joined = babel_dates.get_datetime_format(format, locale=locale).replace("'", "")
    clock = time_pattern(format, locale).apply(local.timetz(), locale, reference_date=local.date())
    return joined.replace("{0}", clock).replace("{1}", babel_dates.format_date(local.date(), format, locale=locale))


def format_datetime(moment: datetime | None = None, format: str = "medium") -> str:
    """Flask-Babel's format_datetime in the viewer's zone and language, with times to the minute."""
    return _datetime_in(moment, format, get_timezone(), get_locale())


def format_time(moment: time | datetime | None = None, format: str = "medium") -> str:
    return PageI18n().format_time(moment, format)


def money(amount: int, currency: str = "IDR") -> str:
    """Whole rupiah, formatted for the viewer's locale (no decimals)."""
    return format_currency(amount, currency, format="¤ #,##0", currency_digits=False)


def format_datetime_in(moment: datetime, zone: str = "Asia/Makassar", format: str = "medium") -> str:
    """A moment shown in a fixed zone (e.g. Denpasar time for deadlines), in the viewer's language."""
    return _datetime_in(moment, format, ZoneInfo(zone), get_locale())


class PageI18n:
    """The viewer's catalogue, locale and zone, looked up once for a page, and the translating and formatting
    functions its template calls per row. Output is Flask-Babel's: same catalogue, same Babel formatters, same
    rebasing of datetimes into the viewer's zone (naive ones are UTC)."""

    def __init__(self) -> None:
        self.locale = get_locale()  # honours force_locale (mails rendered in the recipient's language)
        self.tzinfo = get_timezone()
        self.translations = get_translations()
        self.locale_code = str(self.locale)
        self._patterns: dict[str, tuple[str, babel_dates.DateTimePattern, babel_dates.DateTimePattern]] = {}

    def format_datetime(self, moment: datetime | None = None, format: str = "medium") -> str:
        if not isinstance(moment, datetime) or format not in NAMED_FORMATS:
            return babel_dates.format_datetime(moment, format, tzinfo=self.tzinfo, locale=self.locale)
        # What babel.dates.format_datetime does for a named format, with the locale's patterns parsed once a page.
        joined, time_pattern, date_pattern = self._datetime_patterns(format)
        local = self._local(moment)
        day = local.date()
        return (joined.replace("{0}", time_pattern.apply(local.timetz(), self.locale, reference_date=day))
                .replace("{1}", date_pattern.apply(day, self.locale)))

    def _datetime_patterns(self, format: str) -> tuple[str, babel_dates.DateTimePattern, babel_dates.DateTimePattern]:
        if format not in self._patterns:
            self._patterns[format] = (
                babel_dates.get_datetime_format(format, locale=self.locale).replace("'", ""),
                time_pattern(format, self.locale),
                babel_dates.parse_pattern(babel_dates.get_date_format(format, locale=self.locale)),
            )
        return self._patterns[format]

    def format_date(self, day: date | datetime | None = None, format: str = "medium") -> str:
        if isinstance(day, datetime):
            day = self._local(day)
        return babel_dates.format_date(day, format, locale=self.locale)

    def format_time(self, moment: time | datetime | None = None, format: str = "medium") -> str:
        if isinstance(moment, datetime):
            moment = self._local(moment)
        if isinstance(moment, time | datetime):
            return time_pattern(format, self.locale).apply(moment, self.locale)
        return babel_dates.format_time(moment, format, tzinfo=self.tzinfo, locale=self.locale)

    def format_datetime_in(self, moment: datetime, zone: str = "Asia/Makassar", format: str = "medium") -> str:
        return _datetime_in(moment, format, ZoneInfo(zone), self.locale)

    def money(self, amount: int, currency: str = "IDR") -> str:
        return babel_numbers.format_currency(amount, currency, format="¤ #,##0", locale=self.locale,
                                            currency_digits=False)

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return self.tzinfo.normalize(moment.astimezone(self.tzinfo))

    def template_functions(self) -> dict[str, Any]:
        """What the template context gets; Jinja's `_` calls the context's `gettext`."""
        return {
            "gettext": _newstyle_gettext(self.translations.ugettext),
            "ngettext": _newstyle_ngettext(self.translations.ungettext),
            "format_datetime": self.format_datetime, "format_date": self.format_date,
            "format_time": self.format_time, "format_datetime_in": self.format_datetime_in, "money": self.money,
            "current_locale": lambda: self.locale_code,
        }


def _newstyle_gettext(translate: Callable[[str], str]) -> Callable[..., str]:
    """Jinja's "new style" gettext (as Flask-Babel installs it): the translation is a %-format escaped by
    autoescaping."""

    @pass_context
    def gettext(context: Context, string: str, /, **variables: Any) -> str:
        text = translate(string)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables  # noqa: S704 (our catalogue)

    return gettext


def _newstyle_ngettext(translate: Callable[[str, str, int], str]) -> Callable[..., str]:
    @pass_context
    def ngettext(context: Context, singular: str, plural: str, num: int, /, **variables: Any) -> str:
        variables.setdefault("num", num)
        text = translate(singular, plural, num)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables  # noqa: S704 (our catalogue)

    return ngettext


def register_template_helpers(app: Flask) -> None:
    # Globals serve macros imported without context; rendered pages get their PageI18n's functions instead.
    app.jinja_env.globals.update(
        format_datetime=format_datetime,
        format_date=format_date,
        format_time=format_time,
        format_datetime_in=format_datetime_in,
        money=money,
        format_phone=format_phone,
        current_locale=current_locale,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        TimeZone=TimeZone,
    )
    app.context_processor(lambda: PageI18n().template_functions())
