"""Staff forms that lay out the festival ground: zones, stalls (sizes in metres, amounts in whole rupiah), blocking,
the CSV import, copying a layout, the booking rules, and the overview's filters."""

from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateTimeLocalField, IntegerField, SelectField, StringField
from wtforms.fields import ColorField
from wtforms.validators import InputRequired, NumberRange, Optional, Regexp

from app.core.forms import (
    DATETIME_LOCAL_FORMATS,
    Form,
    at_most,
    choices,
    lower,
    record_id,
    strip,
    upper,
    vocabulary_choices,
)
from app.stalls.services.layout import MAX_GRID, MAX_SPAN, MAX_WATTS
from app.stalls.services.layout_csv import MAX_BYTES, format_metres, parse_metres, parse_rupiah
from app.stalls.services.map import StallState

REQUIRED = _l("This field is required.")
DENPASAR = ZoneInfo("Asia/Makassar")


def chosen_id(value: object) -> int | None:
    return None if value in ("", None) else record_id(value)


def _whole(label: str, low: int, high: int, default: int | None = None, **kwargs) -> IntegerField:
    return IntegerField(label, default=default, validators=[
        InputRequired(REQUIRED), NumberRange(min=low, max=high, message=_l(
            "Enter a whole number from %(min)d to %(max)d."))], render_kw={"inputmode": "numeric", "min": low,
                                                                          "max": high}, **kwargs)


class ParsedField(StringField):
    """A text field whose typed value is parsed into a whole number (`parse` raises ValueError with the message)
    and shown back with `show`."""

    parse = staticmethod(int)
    show = staticmethod(str)

    def process_formdata(self, valuelist: list) -> None:
        if not valuelist:
            return
        self.raw = valuelist[0]
        if not (self.raw or "").strip():
            self.data = None
            return
        try:
            self.data = self.parse(self.raw)
        except ValueError as error:
            self.data = None
            raise ValueError(error.args[0]) from error

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.show(self.data) if self.data is not None else ""


class RupiahField(ParsedField):
    parse = staticmethod(parse_rupiah)

    @staticmethod
    def show(amount: int) -> str:
        return f"{amount:,}".replace(",", ".")


class MetresField(ParsedField):
    parse = staticmethod(parse_metres)
    show = staticmethod(format_metres)


class ZoneForm(Form):
    code = StringField(_l("Code"), validators=[InputRequired(REQUIRED), at_most(12)], filters=[strip, lower],
                       description=_l("Lower-case letters, digits, - and _, such as culinary. CSV files name the "
                                      "zone by this code."))
    name_ind = StringField(_l("Name (Indonesian)"), validators=[InputRequired(REQUIRED), at_most(80)],
                           filters=[strip])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), at_most(80)], filters=[strip],
                          description=_l("Left empty, the Indonesian name is shown."))
    colour = ColorField(_l("Colour on the map"), default="#2f6f4e", validators=[
        InputRequired(REQUIRED), Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Choose a colour such as #2f6f4e."))])
    position = _whole(_l("Position in the legend"), 0, 999, default=0)


class StallForm(Form):
    zone_id = SelectField(_l("Zone"), coerce=chosen_id, validators=[InputRequired(REQUIRED)])
    code = StringField(_l("Code"), validators=[InputRequired(REQUIRED), at_most(12)], filters=[strip, upper],
                       description=_l("Such as A-01: capital letters, digits and hyphens, unique in the edition."))
    width_cm = MetresField(_l("Width (metres)"), validators=[InputRequired(REQUIRED)],
                           render_kw={"inputmode": "decimal"}, description=_l("Such as 3 or 2.5."))
    depth_cm = MetresField(_l("Depth (metres)"), validators=[InputRequired(REQUIRED)],
                           render_kw={"inputmode": "decimal"})
    price = RupiahField(_l("Price (rupiah)"), validators=[InputRequired(REQUIRED)], render_kw={"inputmode": "numeric"},
                        description=_l("Whole rupiah, such as 500000 or 500.000."))
    power_watts = _whole(_l("Power supply (watts)"), 0, MAX_WATTS, default=0,
                         description=_l("0 when the stall has no power supply."))
    power_surcharge = RupiahField(_l("Power surcharge (rupiah)"), default=0, validators=[InputRequired(REQUIRED)],
                                  render_kw={"inputmode": "numeric"},
                                  description=_l("Added to the price when the stall has power."))
    corner = BooleanField(_l("Corner stall (open on two sides)"))
    grid_x = _whole(_l("Column on the grid"), 0, MAX_GRID, default=0, description=_l("From the left, starting at 0."))
    grid_y = _whole(_l("Row on the grid"), 0, MAX_GRID, default=0, description=_l("From the top, starting at 0."))
    grid_w = _whole(_l("Width on the grid (cells)"), 1, MAX_SPAN, default=2)
    grid_h = _whole(_l("Height on the grid (cells)"), 1, MAX_SPAN, default=2)

    def set_zones(self, zones: list, locale: str) -> None:
        self.zone_id.choices = choices([("", _l("Choose a zone")),
                                        *((zone.id, f"{zone.name(locale)} ({zone.code})") for zone in zones)])


class BlockForm(Form):
    note = StringField(_l("Why is it blocked?"), validators=[Optional(), at_most(200)], filters=[strip],
                       description=_l("For staff only, such as: a tree, the stage, kept for a sponsor."))


class ImportForm(Form):
    file = FileField(_l("CSV file"), validators=[FileRequired(REQUIRED)], render_kw={"accept": ".csv,text/csv"},
                     description=_l("At most %(kb)d KB, UTF-8, with a header row.", kb=MAX_BYTES // 1024))


class CopyForm(Form):
    source = SelectField(_l("Copy the layout of"), coerce=chosen_id, validators=[InputRequired(REQUIRED)])

    def set_editions(self, editions: list) -> None:
        self.source.choices = choices([("", _l("Choose an edition")), *((e.id, e.name) for e in editions)])


def _window(label: str) -> DateTimeLocalField:
    return DateTimeLocalField(label, validators=[Optional()], format=DATETIME_LOCAL_FORMATS, tz=DENPASAR,
                              invalid_value_message=_l("Enter a date and a time, such as 2027-07-01 08:00."),
                              description=_l("Denpasar time (WITA, UTC+8). Left empty: no limit."))


class SettingsForm(Form):
    booking_opens_at = _window(_l("Booking opens"))
    booking_closes_at = _window(_l("Booking closes"))
    hold_minutes = _whole(_l("Minutes a stall is held while the applicant pays"), 5, 1440, default=30)
    hold_cap_minutes = _whole(_l("Extra minutes a change of stall may add to the first deadline, at most"), 0, 1440,
                              default=15)
    full_refund_days = _whole(_l("Full refund until this many days before the festival"), 0, 365, default=14)
    partial_refund_days = _whole(_l("Partial refund until this many days before the festival"), 0, 365, default=7)
    partial_refund_percent = _whole(_l("Partial refund (percent)"), 0, 100, default=50)


class OverviewFilterForm(Form):
    """Read from the query string; an invalid choice is left out of the filters."""

    class Meta:
        csrf = False

    zone = SelectField(_l("Zone"), coerce=chosen_id, validators=[Optional()])
    state = SelectField(_l("State"), validators=[Optional()],
                        choices=vocabulary_choices(StallState, blank=_l("Any state")))

    def set_zones(self, zones: list, locale: str) -> None:
        self.zone.choices = choices([("", _l("Any zone")), *((zone.id, zone.name(locale)) for zone in zones)])

    def filters(self) -> tuple[int | None, StallState | None]:
        """The valid choices as (zone id, state), None for "any" (call `validate()` first); the page and its export."""
        zone_id = self.zone.data if not self.zone.errors and self.zone.data else None
        state = StallState(self.state.data) if not self.state.errors and self.state.data else None
        return zone_id, state
