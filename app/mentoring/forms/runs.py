"""The forms of matching: staff add a mentor to a cohort and a pin or forbid; a mentor declines an offer."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from app.core.forms import Form, at_most, choices, record_id, strip, vocabulary_choices
from app.mentoring.models import RuleKind
from app.mentoring.models.profiles import MAX_CAPACITY, MIN_CAPACITY

REQUIRED = _l("This field is required.")


def chosen_id(value: object) -> int | None:
    return None if value in ("", None) else record_id(value)


class CohortMentorForm(Form):
    mentor_id = SelectField(_l("Mentor"), coerce=chosen_id, validate_choice=False,
                            validators=[InputRequired(REQUIRED)], id="pool_mentor_id")
    capacity = IntegerField(
        _l("Capacity in this cohort"), validators=[Optional(), NumberRange(
            min=MIN_CAPACITY, max=MAX_CAPACITY, message=_l("Enter a whole number from %(min)d to %(max)d."))],
        description=_l("Left empty, the capacity of the mentor's profile."), id="pool_capacity",
        render_kw={"inputmode": "numeric", "min": MIN_CAPACITY, "max": MAX_CAPACITY})

    def set_mentors(self, options: list[tuple[int, str]]) -> None:
        self.mentor_id.choices = choices([("", _l("Choose a mentor")), *options])


class RuleForm(Form):
    participant_id = SelectField(_l("Participant"), coerce=chosen_id, validate_choice=False,
                                 validators=[InputRequired(REQUIRED)], id="rule_participant_id")
    mentor_id = SelectField(_l("Mentor"), coerce=chosen_id, validate_choice=False,
                            validators=[InputRequired(REQUIRED)], id="rule_mentor_id")
    kind = SelectField(_l("Rule"), choices=vocabulary_choices(RuleKind), default=RuleKind.FORBID.value,
                       id="rule_kind")

    def set_people(self, participants: list[tuple[int, str]], mentors: list[tuple[int, str]]) -> None:
        self.participant_id.choices = choices([("", _l("Choose a participant")), *participants])
        self.mentor_id.choices = choices([("", _l("Choose a mentor")), *mentors])


class DeclineForm(Form):
    """A mentor declines an offered mentee; the reason is optional and only staff read it."""

    reason = TextAreaField(_l("Why (optional, only the programme team reads it)"),
                           validators=[Optional(), at_most(1000)], filters=[strip])
