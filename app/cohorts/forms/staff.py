"""Forms staff use for cohorts: the cohort itself, admitting participants, and the curriculum's sessions."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, InputRequired, NumberRange, Optional

from app.cohorts.models import CohortMode, SessionKind, SessionLanguage
from app.core.forms import DATETIME_LOCAL_FORMATS, Form, at_most, choices, record_id, strip, vocabulary_choices
from app.core.i18n import TimeZone

REQUIRED = _l("This field is required.")
DEFAULT_MIN_ATTENDANCE = 75


def chosen_id(value: object) -> int | None:
    return None if value in ("", None) else record_id(value)


def _text(label, max_length: int, required: bool = False, **kwargs) -> StringField:
    validators = [InputRequired(REQUIRED)] if required else [Optional()]
    return StringField(label, validators=[*validators, at_most(max_length)], filters=[strip], **kwargs)


def _day(label) -> DateField:
    return DateField(label, validators=[InputRequired(REQUIRED)],
                     invalid_value_message=_l("Enter a date, such as 2027-08-14."))


def _moment(label) -> DateTimeLocalField:
    return DateTimeLocalField(label, validators=[InputRequired(REQUIRED)], format=DATETIME_LOCAL_FORMATS,
                              invalid_value_message=_l("Enter a date and a time, such as 2027-09-01 10:00."))


class CohortForm(Form):
    name_ind = _text(_l("Name (Indonesian)"), 120, required=True)
    name_en = _text(_l("Name (English)"), 120, description=_l("Left empty, the Indonesian name is shown."))
    partner = _text(_l("Partner organisation"), 160, description=_l("For example: a Darwin incubator."))
    edition_id = SelectField(_l("Festival edition"), coerce=chosen_id, validators=[Optional()],
                             description=_l("Participants are admitted from the accepted applications of this "
                                            "edition's calls. Without one, from any edition."))
    starts_on = _day(_l("First day"))
    ends_on = _day(_l("Last day"))
    capacity = IntegerField(
        _l("Capacity"), validators=[InputRequired(REQUIRED), NumberRange(
            min=1, max=10000, message=_l("Enter a whole number from %(min)d to %(max)d."))],
        description=_l("How many participants can be admitted."), render_kw={"inputmode": "numeric", "min": 1})
    mode = SelectField(_l("Mode"), choices=vocabulary_choices(CohortMode), default=CohortMode.IN_PERSON.value)
    # Left empty, the cohort keeps its rule (75 % for a new one): forms posted before this field existed still save.
    min_attendance_percent = IntegerField(
        _l("Minimum attendance (%)"), default=DEFAULT_MIN_ATTENDANCE,
        validators=[Optional(), NumberRange(min=0, max=100,
                                            message=_l("Enter a whole number from %(min)d to %(max)d."))],
        description=_l("To complete the cohort, a participant attends at least this share of the sessions held and "
                       "has every required milestone accepted."),
        render_kw={"inputmode": "numeric", "min": 0, "max": 100})
    description = TextAreaField(_l("Description"), validators=[Optional(), at_most(5000)], filters=[strip])

    def set_editions(self, editions: list) -> None:
        self.edition_id.choices = choices([("", _l("No edition")),
                                           *((edition.id, edition.name) for edition in editions)])


class AdmitForm(Form):
    """The accepted applications ticked on the admission list (checked against the list by the service)."""

    application_ids = SelectMultipleField(_l("Accepted applicants"), coerce=record_id, validate_choice=False)


class SessionForm(Form):
    kind = SelectField(_l("Kind of session"), choices=vocabulary_choices(SessionKind))
    title_ind = _text(_l("Title (Indonesian)"), 160, required=True)
    title_en = _text(_l("Title (English)"), 160, description=_l("Left empty, the Indonesian title is shown."))
    facilitator = _text(_l("Facilitator"), 160)
    facilitator_in_darwin = BooleanField(_l("The facilitator joins from Darwin"))
    zone = SelectField(_l("Times entered in"), choices=vocabulary_choices(TimeZone),
                       default=TimeZone.DENPASAR.value,
                       description=_l("Denpasar time for sessions held in Denpasar; Darwin time for a session led "
                                      "from Darwin. Everyone sees the times in their own zone."))
    starts_at = _moment(_l("Starts"))
    ends_at = _moment(_l("Ends"))
    place = _text(_l("Place"), 200, description=_l("Where it happens in person. Leave empty for an online session."))
    online_url = URLField(_l("Online link"), validators=[Optional(), at_most(300), URL(
        message=_l("Enter a web address such as https://meet.example.org/abc."))], filters=[strip])
    language = SelectField(_l("Language"), choices=vocabulary_choices(SessionLanguage),
                           default=SessionLanguage.INDONESIAN.value)
