"""A participant's needs: what they want from a mentor, in which language, when, and whom they would prefer."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField

from app.core.forms import Form, choices, record_id, vocabulary_choices
from app.core.i18n import TimeZone
from app.core.vocab import Subsector
from app.mentoring.forms.profiles import CheckboxGroup, hours_field
from app.mentoring.vocab import Function, Language


def chosen_mentor(value: object) -> int | None:
    return None if value in ("", None) else record_id(value)


class NeedsForm(Form):
    subsectors = CheckboxGroup(_l("Your subsectors"), choices=vocabulary_choices(Subsector, sort=True))
    topics = CheckboxGroup(_l("What you want help with"), choices=vocabulary_choices(Function))
    languages = CheckboxGroup(_l("Languages you can be mentored in"), choices=vocabulary_choices(Language))
    preferred_language = SelectField(_l("Your preferred language"),
                                     choices=vocabulary_choices(Language, blank=_l("No preference")))
    hours_start = hours_field(_l("You are free from"))
    hours_end = hours_field(_l("You are free until"))
    zone = SelectField(_l("Your time zone"), choices=vocabulary_choices(TimeZone), default=TimeZone.DENPASAR.value)
    mentor_1 = SelectField(_l("First choice"), coerce=chosen_mentor, validate_choice=False)
    mentor_2 = SelectField(_l("Second choice"), coerce=chosen_mentor, validate_choice=False)
    mentor_3 = SelectField(_l("Third choice"), coerce=chosen_mentor, validate_choice=False)
    share_phone = BooleanField(_l("My mentor may see my phone number"))

    MENTOR_FIELDS = ("mentor_1", "mentor_2", "mentor_3")

    def set_mentors(self, options: list[tuple[int, str]]) -> None:
        """The cohort's mentors ("name · organisation"); the service checks the ids sent back against them."""
        for name in self.MENTOR_FIELDS:
            getattr(self, name).choices = choices([("", _l("No preference")), *options])

    def preferred_mentor_ids(self) -> list[int | None]:
        return [getattr(self, name).data for name in self.MENTOR_FIELDS]
