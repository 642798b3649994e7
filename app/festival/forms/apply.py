"""The application form, one class per step. Labels are lazily translated; every message goes through our catalogs.

A step saves the fields that are valid even when others are not: `StepForm.values()` returns them (a field left empty
counts as valid there, so that clearing a field is saved too; whether it is required is said on the page and checked
again at submission).
"""

import re
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, DateField, IntegerField, MonthField, SelectField, StringField, TextAreaField, URLField
from wtforms.fields import HiddenField
from wtforms.validators import Length, NumberRange, StopValidation, ValidationError

from app.core.clock import now_utc
from app.core.errors import DomainError
from app.core.forms import Form, PhoneNumber, vocabulary_choices
from app.festival.models.call import CallQuestion, QuestionKind
from app.festival.services import eligibility
from app.festival.vocab import District, Stage, Subsector

REQUIRED = _l("This field is required.")
CHOOSE = _l("Choose…")
DENPASAR = ZoneInfo("Asia/Makassar")
HANDLE_RE = re.compile(r"@?[A-Za-z0-9._]{1,30}")
URL_RE = re.compile(r"https?://[^\s/$.?#][^\s]*\.[^\s]{2,}", re.IGNORECASE)


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def is_empty(field: Any) -> bool:
    data = field.data
    return data is None or data is False or data == [] or (isinstance(data, str) and not data.strip())


class Required:
    """Like DataRequired, but a value that could not be read (\"abc\" for a number) keeps its own message."""

    field_flags = {"required": True}

    def __init__(self, message: str | None = None):
        self.message = message or REQUIRED

    def __call__(self, form: Form, field: Any) -> None:
        if field.process_errors:
            raise StopValidation()
        if is_empty(field):
            field.errors[:] = []
            raise StopValidation(self.message)


class Optional:
    """Stops the chain on an empty value, so format checks only run on what was typed."""

    field_flags = {"optional": True}

    def __call__(self, form: Form, field: Any) -> None:
        if not field.process_errors and is_empty(field):
            field.errors[:] = []
            raise StopValidation()


def today_in_denpasar() -> date:
    return now_utc().astimezone(DENPASAR).date()


class StepForm(Form):
    """A step's form; `COLUMNS` maps form fields to application columns."""

    COLUMNS: dict[str, str] = {}

    def values(self, present: Any = None) -> dict[str, Any]:
        """The application columns to save: every field that is valid, or empty (of those `present`, if given)."""
        saved = {}
        for name, column in self.COLUMNS.items():
            field = self[name]
            if present is not None and name not in present:
                continue
            if field.errors and not (is_empty(field) and not field.process_errors):
                continue
            saved[column] = self.clean(name, field.data)
        return saved

    def clean(self, name: str, value: Any) -> Any:
        if isinstance(value, str):
            return value.strip()
        return value

    def format_errors(self) -> bool:
        """Is any field wrongly filled in (not merely left empty)?"""
        return any(field.errors and not is_empty(field) or field.process_errors
                   for name, field in self._fields.items() if name != "csrf_token")


class AboutYouForm(StepForm):
    COLUMNS = {"full_name": "full_name", "phone": "phone_e164", "date_of_birth": "date_of_birth",
               "district": "district", "nik": "nik"}

    full_name = StringField(_l("Full name"), validators=[Required(), Length(max=120)], filters=[strip],
                            render_kw={"autocomplete": "name"})
    phone = StringField(_l("Phone (WhatsApp)"), validators=[Required(), PhoneNumber()], filters=[strip],
                        description=_l("For example 0812-3456-7890."),
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    date_of_birth = DateField(
        _l("Date of birth"), validators=[Required()], render_kw={"autocomplete": "bday"},
        description=_l("Taken from your profile. You must be 16 to 30 on the first festival day."),
    )
    district = SelectField(
        _l("Where in Denpasar?"), validators=[Required()], validate_choice=True,
        choices=vocabulary_choices(District, blank=CHOOSE),
        description=_l("The district (kecamatan) you live in, or that you study or work in Denpasar."),
    )
    nik = StringField(_l("NIK (national identity number, optional)"), validators=[Optional()], filters=[strip],
                      description=_l("16 digits, as on your KTP. Only the programme team sees it."),
                      render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 16})

    def __init__(self, *args: Any, festival_day: date, stored_birth_date: date | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.festival_day = festival_day
        self.stored_birth_date = stored_birth_date

    def validate_date_of_birth(self, field: DateField) -> None:
        if field.data > today_in_denpasar():
            raise ValidationError(_l("The date of birth cannot be in the future."))
        try:
            eligibility.check_age(field.data, self.festival_day)
        except DomainError as error:
            raise ValidationError(error.message) from error

    def validate_nik(self, field: StringField) -> None:
        born = self.date_of_birth.data if not self.date_of_birth.errors else self.stored_birth_date
        try:
            eligibility.check_nik(field.data, born)
        except DomainError as error:
            raise ValidationError(error.message) from error

    def clean(self, name: str, value: Any) -> Any:
        if name in ("phone", "nik", "district"):
            return value or None  # blanks are stripped by the field filters (the central one for the select)
        return super().clean(name, value)


def _handle_or_url(site: str):
    def check(form: Form, field: StringField) -> None:
        value = field.data
        if URL_RE.fullmatch(value):
            if site not in value.lower():
                raise ValidationError(_l("This link is not a %(site)s address.", site=site))
        elif not HANDLE_RE.fullmatch(value):
            raise ValidationError(_l("Enter your user name (such as @warungkita) or the link to your profile."))

    return check


def _website(form: Form, field: URLField) -> None:
    value = field.data
    if not re.match(r"https?://", value, re.IGNORECASE):
        value = f"https://{value}"
    if not URL_RE.fullmatch(value):
        raise ValidationError(_l("Enter a web address such as https://warungkita.id."))
    field.data = value


class BusinessForm(StepForm):
    COLUMNS = {name: name for name in ("business_name", "subsector", "stage", "founded_on", "team_size",
                                       "description", "instagram", "tiktok", "website")}

    business_name = StringField(_l("Name of the business"), validators=[Required(), Length(max=120)],
                                filters=[strip], render_kw={"autocomplete": "organization"})
    subsector = SelectField(_l("Creative subsector"), validators=[Required()], validate_choice=True,
                            choices=vocabulary_choices(Subsector, blank=CHOOSE, sort=True))
    stage = SelectField(_l("Stage"), validators=[Required()], validate_choice=True,
                        choices=vocabulary_choices(Stage, blank=CHOOSE))
    # A month and a year are enough (stored as the 1st of that month); phones show a month picker. A full date (an
    # older page, a browser without month input) is accepted and taken as its month.
    founded_on = MonthField(_l("Started in (month and year)"), validators=[Required()], format=["%Y-%m", "%Y-%m-%d"],
                            filters=[lambda day: day.replace(day=1) if day else day],
                            description=_l("When you started; for an idea, when you began working on it. For "
                                           "example 2024-03."),
                            render_kw={"placeholder": "2024-03"})
    team_size = IntegerField(
        _l("People in the team"), validators=[Required(), NumberRange(1, 500, _l("Enter a number from 1 to 500."))],
        render_kw={"inputmode": "numeric", "min": 1, "max": 500},
    )
    description = TextAreaField(_l("Describe your business"), validators=[Required(), Length(max=2000)],
                                filters=[strip], description=_l("What you make or offer, and for whom. Up to 2000 "
                                                                "characters."), render_kw={"rows": 6})
    instagram = StringField(_l("Instagram"), validators=[Optional(), Length(max=200), _handle_or_url("instagram")],
                            filters=[strip], description=_l("Optional: @name or a link."))
    tiktok = StringField(_l("TikTok"), validators=[Optional(), Length(max=200), _handle_or_url("tiktok")],
                         filters=[strip], description=_l("Optional: @name or a link."))
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300), _website], filters=[strip],
                          description=_l("Optional."), render_kw={"inputmode": "url"})

    def validate_founded_on(self, field: MonthField) -> None:
        if field.data > today_in_denpasar().replace(day=1):
            raise ValidationError(_l("This date is in the future."))

    def clean(self, name: str, value: Any) -> Any:
        if name in ("subsector", "stage"):
            return value or None
        if name in ("instagram", "tiktok", "website", "description", "business_name"):
            return (value or "").strip()
        return value


def phone_as_typed(e164: str | None) -> str:
    """A stored number as the field's hint writes it: 0812-3456-7890 for Indonesia, +61 412 345 678 elsewhere."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164)
    national = phonenumbers.region_code_for_number(number) == "ID"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL if national
                                      else phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def question_form(questions: list[CallQuestion], locale: str, answers: dict[str, Any] | None = None) -> StepForm:
    """A form with one field per question (named q_<key>), labels and help in `locale`."""

    class QuestionsForm(StepForm):
        pass

    columns = {}
    for question in questions:
        first = Required() if question.required else Optional()
        limit = [Length(max=question.max_length)] if question.max_length else []
        options: dict[str, Any] = {"description": question.help(locale) or None}
        if question.kind == QuestionKind.LONG_TEXT:
            field = TextAreaField(question.label(locale), validators=[first, *limit], filters=[strip],
                                  render_kw={"rows": 5}, **options)
        elif question.kind == QuestionKind.NUMBER:
            field = IntegerField(question.label(locale), validators=[first, NumberRange(min=0)],
                                 render_kw={"inputmode": "numeric"}, **options)
        elif question.kind == QuestionKind.URL:
            field = StringField(question.label(locale), validators=[first, *limit, _website], filters=[strip],
                                render_kw={"inputmode": "url"}, **options)
        else:
            field = StringField(question.label(locale), validators=[first, *limit], filters=[strip], **options)
        setattr(QuestionsForm, f"q_{question.key}", field)
        columns[f"q_{question.key}"] = question.key
    QuestionsForm.COLUMNS = columns
    return QuestionsForm(data={f"q_{key}": value for key, value in (answers or {}).items()})


def files_form(pdf_questions: list[CallQuestion], locale: str) -> Form:
    """Step 4: product photos, and one PDF per PDF question (named pdf_<key>)."""

    class FilesForm(Form):
        photos = MultipleFileField(
            _l("Product photos"), render_kw={"accept": "image/jpeg,image/png,image/webp"},
            description=_l("Up to 5 photos (JPEG, PNG or WebP), straight from your phone: we make them smaller "
                           "and remove their location data."),
        )

    for question in pdf_questions:
        help_text = question.help(locale) or str(_l("PDF, up to 10 MB."))
        setattr(FilesForm, f"pdf_{question.key}",
                FileField(question.label(locale), description=help_text,
                          render_kw={"accept": "application/pdf"}))
    return FilesForm()


class SubmitForm(Form):
    consent = BooleanField(
        _l("I have read the consent text above and agree to the processing of my personal data as it says."),
        validators=[Required(_l("Please agree to the processing of your personal data."))],
    )
    guardian = HiddenField()  # no value: where the "your guardian has not confirmed" message is shown (privacy)


class WithdrawForm(Form):
    reason = TextAreaField(_l("Why are you withdrawing? (optional)"), validators=[Length(max=1000)],
                           filters=[strip], render_kw={"rows": 3})
