"""Numbers, shares, rupiah and days in the viewer's language, for the charts and the tables beside them (Indonesian
writes 1.234 and Rp 1.500.000, English 1,234 and IDR 1,500,000). Made once per page: the locale is looked up once."""

from datetime import date

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask_babel import get_locale


class Formats:
    def __init__(self) -> None:
        self.locale = get_locale()
        self._group = babel_numbers.get_group_symbol(self.locale)

    def number(self, value: int | float) -> str:
        if isinstance(value, int):  # a page shows hundreds: Babel's pattern machinery costs ~50 µs a number
            return f"{value:,}".replace(",", self._group)
        return babel_numbers.format_decimal(value, locale=self.locale)

    def percent(self, part: int, whole: int) -> str:
        """`part` of `whole` as a whole percentage ("–" when there is no whole)."""
        if not whole:
            return "–"
        return f"{self.number(round(100 * part / whole))}%"  # Indonesian and English both write "84%"

    def money(self, amount: int) -> str:
        return babel_numbers.format_currency(amount, "IDR", format="¤ #,##0", locale=self.locale,
                                            currency_digits=False)

    def day(self, value: date, format: str = "medium") -> str:
        return babel_dates.format_date(value, format, locale=self.locale)

    def short_day(self, value: date) -> str:
        """Day and month, for an axis ("3 Mar")."""
        return babel_dates.format_skeleton("MMMd", value, locale=self.locale)
