"""Forms staff use to set up festival editions, calls, questions and rubric criteria."""

from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, InputRequired, NumberRange, Optional

from app.core.forms import DATETIME_LOCAL_FORMATS, Form, at_most, lower, strip, upper, vocabulary_choices
from app.festival.models import EditionStatus
from app.festival.models.call import QuestionKind
from app.festival.vocab import CallKind

REQUIRED = _l("This field is required.")







def _text(label: str, max_length: int, required: bool = False, **kwargs) -> StringField:
    validators = [InputRequired(REQUIRED)] if required else [Optional()]
    return StringField(label, validators=[*validators, at_most(max_length)], filters=[strip], **kwargs)


def _area(label: str, max_length: int, **kwargs) -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), at_most(max_length)], filters=[strip], **kwargs)


def _window(label: str) -> DateTimeLocalField:
    return DateTimeLocalField(
        label, validators=[InputRequired(REQUIRED)], format=DATETIME_LOCAL_FORMATS, tz=ZoneInfo("Asia/Makassar"),
        invalid_value_message=_l("Enter a date and a time, such as 2027-03-01 08:00."),
        description=_l("Denpasar time (WITA, UTC+8)."),
    )


def _day(label: str) -> DateField:
    return DateField(label, validators=[InputRequired(REQUIRED)],
                     invalid_value_message=_l("Enter a date, such as 2027-08-14."))


class EditionForm(Form):
    name = _text(_l("Name"), 120, required=True, description=_l("For example: D'Youth Festival 2027."))
    slug = StringField(
        _l("Web address"), validators=[Optional(), at_most(60)], filters=[strip, lower],
        description=_l("Lower-case letters, digits and hyphens, such as dyf-2027. Left empty, it is made from the "
                       "name."),
    )
    code = StringField(
        _l("Reference code"), validators=[InputRequired(REQUIRED), at_most(10)], filters=[strip, upper],
        description=_l("2 to 10 capital letters or digits; reference numbers start with it (DYF27-00001). It "
                       "cannot change once an application has a reference number."),
    )
    starts_on = _day(_l("First festival day"))
    ends_on = _day(_l("Last festival day"))
    venue = _text(_l("Venue"), 200, required=True)
    description = _area(_l("Description"), 5000)
    applications_open_at = _window(_l("Applications open"))
    applications_close_at = _window(_l("Applications close"))
    status = SelectField(_l("Status"), choices=vocabulary_choices(EditionStatus),
                         default=EditionStatus.DRAFT.value,
                         description=_l("Applicants see only published editions."))


class CallForm(Form):
    kind = SelectField(_l("Kind of call"), choices=vocabulary_choices(CallKind))
    name_ind = _text(_l("Name (Indonesian)"), 120, required=True)
    name_en = _text(_l("Name (English)"), 120, description=_l("Left empty, the Indonesian name is shown."))
    description_ind = _area(_l("Description (Indonesian)"), 5000)
    description_en = _area(_l("Description (English)"), 5000)
    places = IntegerField(
        _l("Places"), validators=[Optional(), NumberRange(min=1, message=_l("Enter a whole number of at least 1."))],
        description=_l("How many applicants can be accepted. Leave empty for no fixed number."),
        render_kw={"inputmode": "numeric", "min": 1},
    )
    reviewers_per_application = IntegerField(
        _l("Reviewers per application"),
        validators=[InputRequired(REQUIRED), NumberRange(min=1, max=10, message=_l("Enter a number from 1 to 10."))],
        default=2, render_kw={"inputmode": "numeric", "min": 1, "max": 10},
    )
    blind_review = BooleanField(_l("Blind review (reviewers do not see names, NIK or contacts)"))
    auto_promote_waitlist = BooleanField(
        _l("When an accepted applicant withdraws, offer the place to the best waitlisted applicant at once")
    )
    # The call's public page: what applicants read before they start.
    intro_ind = _area(_l("Introduction (Indonesian)"), 5000)
    intro_en = _area(_l("Introduction (English)"), 5000, description=_l("Left empty, the Indonesian text is shown."))
    eligibility_ind = _area(_l("Who may apply (Indonesian)"), 2000)
    eligibility_en = _area(_l("Who may apply (English)"), 2000)
    fee_note_ind = _area(_l("Fee (Indonesian)"), 1000,
                         description=_l("What taking part costs, for example the stall fee and when it is paid."))
    fee_note_en = _area(_l("Fee (English)"), 1000)
    next_steps_ind = _area(_l("What happens next (Indonesian)"), 2000)
    next_steps_en = _area(_l("What happens next (English)"), 2000)
    decision_expected_on = DateField(
        _l("Decisions expected on"), validators=[Optional()],
        invalid_value_message=_l("Enter a date, such as 2027-08-14."),
        description=_l("Shown to applicants. Leave empty if not known yet."),
    )


class QuestionForm(Form):
    key = StringField(
        _l("Key"), validators=[InputRequired(REQUIRED), at_most(40)], filters=[strip, lower],
        description=_l("A short name for exports and for the answers, such as price_range: lower-case letters, "
                       "digits and underscores. Unique within the call."),
    )
    kind = SelectField(_l("Kind of answer"), choices=vocabulary_choices(QuestionKind),
                       default=QuestionKind.SHORT_TEXT.value)
    label_ind = _text(_l("Question (Indonesian)"), 200, required=True)
    label_en = _text(_l("Question (English)"), 200, description=_l("Left empty, the Indonesian text is shown."))
    help_ind = _text(_l("Help text (Indonesian)"), 400)
    help_en = _text(_l("Help text (English)"), 400)
    required = BooleanField(_l("An answer is required"), default=True)
    max_length = IntegerField(
        _l("Longest answer (characters)"),
        validators=[Optional(), NumberRange(min=1, max=10000, message=_l("Enter a number from 1 to 10000."))],
        default=1000, description=_l("For text and link answers; not used for numbers and PDF files."),
        render_kw={"inputmode": "numeric", "min": 1, "max": 10000},
    )


class CriterionForm(Form):
    name_ind = _text(_l("Criterion (Indonesian)"), 120, required=True)
    name_en = _text(_l("Criterion (English)"), 120, description=_l("Left empty, the Indonesian text is shown."))
    guidance_ind = _area(_l("Guidance for reviewers (Indonesian)"), 400)
    guidance_en = _area(_l("Guidance for reviewers (English)"), 400)
    anchor_low_ind = _text(_l("What a 1 means (Indonesian)"), 200, description=_l("For example: no product yet."))
    anchor_low_en = _text(_l("What a 1 means (English)"), 200)
    anchor_high_ind = _text(_l("What a 5 means (Indonesian)"), 200,
                            description=_l("For example: sells steadily, with its own customers."))
    anchor_high_en = _text(_l("What a 5 means (English)"), 200)
    weight = IntegerField(
        _l("Weight"),
        validators=[InputRequired(REQUIRED), NumberRange(min=1, max=10, message=_l("Enter a number from 1 to 10."))],
        default=1, description=_l("1 to 10: how much this criterion counts in the weighted mean. Reviewers always "
                                  "score from 1 to 5."),
        render_kw={"inputmode": "numeric", "min": 1, "max": 10},
    )


class MoveForm(Form):
    """Move a question or criterion: the pressed button sends direction=up or direction=down."""

    direction = StringField(validators=[AnyOf(["up", "down"])])
