"""Logging a meeting (one tap from the mentor's home: the form opens filled in with today and 30 minutes) and rating
one (1–5 stars as radio buttons)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from app.core.forms import Form, at_most, choices, strip
from app.mentoring.services.meetings import DEFAULT_DURATION, DURATIONS, RATINGS

REQUIRED = _l("This field is required.")


def _number(value: object) -> int | None:
    """A chosen number, or None (the service refuses it with a message on the field)."""
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def duration_choices() -> list:
    return choices((minutes, _l("%(num)d minutes", num=minutes)) for minutes in DURATIONS)


class MeetingForm(Form):
    held_on = DateField(_l("Date"), validators=[InputRequired(REQUIRED)],
                        invalid_value_message=_l("Enter a date, such as 2027-09-14."))
    duration_minutes = SelectField(_l("Duration"), coerce=_number, choices=duration_choices,
                                   default=DEFAULT_DURATION,
                                   validate_choice=False)  # the service refuses others with its own message
    topics = StringField(_l("Topics"), validators=[Optional(), at_most(300)], filters=[strip],
                         description=_l("For example: pricing, export papers."))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), at_most(5000)], filters=[strip])
    next_steps = TextAreaField(_l("Next steps"), validators=[Optional(), at_most(2000)], filters=[strip])


class RatingForm(Form):
    rating = RadioField(_l("Your rating"), coerce=_number, validate_choice=False,
                        choices=choices((value, _l("%(num)d of 5", num=value)) for value in RATINGS))
