"""Staff forms on a booking (move, mark paid, cancel) and for assigning a stall; each page's stall choices are set
by the route from the stalls that are free at that moment."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from app.core.forms import Form, choices, record_id
from app.core.i18n import money

REQUIRED = _l("This field is required.")


def chosen_id(value: object) -> int | None:
    """A stall choice: its id, or None for the empty first choice (InputRequired then says what is missing)."""
    return None if value in ("", None) else record_id(value)


def stall_choices(stalls: list, locale: str) -> list:
    """One choice per free stall: its code, zone and fee, after an empty first choice."""
    return choices([("", _l("Choose a stall")),
                    *((s.id, f"{s.code} · {s.zone.name(locale)} · {money(s.fee)}") for s in stalls)])


class StallChoiceForm(Form):
    # Not checked against the choices: a stall taken since the page was shown gets the service's clear message.
    stall_id = SelectField(_l("Stall"), coerce=chosen_id, validate_choice=False,
                           validators=[InputRequired(message=REQUIRED)])


class MoveForm(StallChoiceForm):
    """Move a booking to one of the edition's free stalls."""


class AssignForm(StallChoiceForm):
    waive_fee = BooleanField(_l("Waive the fee (the booking is confirmed at once, nothing to pay)"))


class MarkPaidForm(Form):
    reference = StringField(_l("Bank transfer reference"),
                            validators=[InputRequired(message=REQUIRED), Length(max=64)],
                            description=_l("As it appears on the bank statement. Each reference pays one booking "
                                           "of the edition."))


class StaffCancelForm(Form):
    percent = IntegerField(_l("Refund, in percent of what was paid"),
                           validators=[InputRequired(message=REQUIRED),
                                       NumberRange(min=0, max=100, message=_l("Enter a percentage from 0 to 100."))],
                           render_kw={"min": 0, "max": 100, "inputmode": "numeric"},
                           description=_l("Filled in with the edition's cancellation policy for today."))
