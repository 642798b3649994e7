"""The mentor's profile form (the mentor edits their own; staff may edit anyone's), and the shared checkbox group."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.forms import Form, at_most, strip, upper, vocabulary_choices
from app.core.i18n import TimeZone
from app.core.vocab import Subsector
from app.mentoring.models.profiles import MAX_CAPACITY, MIN_CAPACITY
from app.mentoring.vocab import Function, Language

REQUIRED = _l("This field is required.")


class CheckboxGroup(SelectMultipleField):
    """A set of choices shown as checkboxes (a fieldset with one label per box: usable by keyboard and at 360 px)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def hours_field(label) -> TimeField:
    return TimeField(label, validators=[InputRequired(REQUIRED)],
                     invalid_value_message=_l("Enter a time such as 09:00."))


class ProfileForm(Form):
    organisation = StringField(_l("Organisation"), validators=[Optional(), at_most(160)], filters=[strip])
    country = StringField(_l("Country"), validators=[InputRequired(REQUIRED), Regexp(
        r"^[A-Z]{2}$", message=_l("Enter the two-letter country code, such as AU or ID."))], filters=[strip, upper],
        description=_l("Two letters: AU for Australia, ID for Indonesia."), render_kw={"maxlength": 2})
    subsectors = CheckboxGroup(_l("Subsectors you know"), choices=vocabulary_choices(Subsector, sort=True))
    functions = CheckboxGroup(_l("Business functions you can help with"), choices=vocabulary_choices(Function))
    languages = CheckboxGroup(_l("Languages you mentor in"), choices=vocabulary_choices(Language))
    capacity = IntegerField(
        _l("How many mentees you can take"), validators=[InputRequired(REQUIRED), NumberRange(
            min=MIN_CAPACITY, max=MAX_CAPACITY, message=_l("Enter a whole number from %(min)d to %(max)d."))],
        render_kw={"inputmode": "numeric", "min": MIN_CAPACITY, "max": MAX_CAPACITY})
    hours_start = hours_field(_l("Working hours start"))
    hours_end = hours_field(_l("Working hours end"))
    zone = SelectField(_l("Your time zone"), choices=vocabulary_choices(TimeZone), default=TimeZone.DARWIN.value,
                       description=_l("Working hours are in this zone. An end before the start runs past midnight."))
    bio = TextAreaField(_l("Short bio"), validators=[Optional(), at_most(2000)], filters=[strip],
                        description=_l("A few lines participants see when they choose a preferred mentor."))
