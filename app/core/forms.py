"""Form base class whose built-in WTForms messages go through our own catalogs (WTForms ships no Indonesian)."""

import phonenumbers
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError


class _BabelTranslations:
    """WTForms formats its messages itself, so these return the translated text unformatted."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form: FlaskForm) -> _BabelTranslations:
            return _BabelTranslations()


def choices(pairs: object) -> list[SelectChoice]:
    """`(value, label)` pairs as WTForms 3.3+ wants them."""
    return [SelectChoice(str(value), label) for value, label in pairs]  # type: ignore[attr-defined]


# WTForms' own messages, marked here so that extraction keeps them in our catalogs.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Invalid email address."),
    _l("Not a valid date value."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Not a valid datetime value."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Field must be at least %(min)d characters long."),
    _l("Field cannot be longer than %(max)d characters."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Field must be equal to %(other_name)s."),
    _l("Invalid input."),
)


class PhoneNumber:
    """Accepts a number a person would type (`0812…`, `+62 812…`, `+61 4…`) and stores it as E.164 in `field.data`."""

    def __init__(self, region: str = "ID"):
        self.region = region

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if not field.data:
            return
        try:
            number = phonenumbers.parse(field.data, self.region)
        except phonenumbers.NumberParseException as error:
            raise ValidationError(_l("Enter a phone number such as 0812 3456 7890 or +62 812 3456 7890.")) from error
        if not phonenumbers.is_valid_number(number):
            raise ValidationError(_l("This phone number is not valid. Check the digits and the country code."))
        field.data = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str | None) -> str:
    """A stored E.164 number as people write it (international format)."""
    if not e164:
        return ""
    return phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
