"""Form base class: built-in WTForms messages go through our own catalogs (WTForms ships no Indonesian), and every
text and choice field is cleaned of control characters in one place.

Every form of the app derives from `Form`, so what a person types never reaches a service or the database with a NUL
byte (PostgreSQL refuses it in text and JSON) or another invisible control character, whichever form it came through.
"""

import re
from collections.abc import Callable, Iterable
from typing import Any

import phonenumbers
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import Field, HiddenField, IntegerField, PasswordField, SelectField, SelectFieldBase, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError
from wtforms.widgets import Select, html_params

from app.core.converters import MAX_ID
from app.core.vocab import Vocabulary

# C0 controls but tab, line feed and carriage return; DEL; C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# Filters and validators the domain forms share.
# A date and time typed in a form (the datetime-local widget, or typed by hand with a space and with seconds).
DATETIME_LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


def strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


def lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def at_most(n: int) -> Length:
    # An explicit message: WTForms' own plural message trips over this module's ngettext (KeyError 'max').
    return Length(max=n, message=_l("Use at most %(max)d characters."))


def without_controls(value: Any) -> Any:
    """`value` without control characters (tab and line breaks are kept); anything but a string is left alone."""
    return CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value


def chosen_value(value: Any) -> Any:
    """A submitted choice without control characters or surrounding blanks (`" "` is then the empty choice)."""
    return without_controls(value).strip() if isinstance(value, str) else value


class _BabelTranslations:
    """WTForms formats its messages itself, so these return the translated text unformatted."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


def _central_filter(field_class: type) -> Any:
    """The filter every form applies first to fields of `field_class`, or None. Passwords are hashed, never stored
    as text, and are left exactly as typed."""
    if issubclass(field_class, PasswordField):
        return None
    if issubclass(field_class, StringField):  # also text areas, search, URL, e-mail and hidden fields
        return without_controls
    if issubclass(field_class, SelectFieldBase):  # selects and radios
        return chosen_value
    return None


class PlainSelect(Select):
    """WTForms' single select, written out with one format per option: the same HTML, without WTForms' per-option
    attribute dictionary and its per-render signature inspection (a page of filters has dozens of options). Options
    with their own attributes, and groups, are left to WTForms."""

    def __call__(self, field: Field, **kwargs: Any) -> Markup:
        if self.multiple or field.has_groups():
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = field.flags
        for name in self.validation_attrs:
            if name not in kwargs and getattr(flags, name, False):
                kwargs[name] = getattr(flags, name)
        options = []
        for choice in field._iter_choices_normalized():
            if choice.render_kw or not isinstance(choice.value, str):
                options.append(self.render_option(choice))
                continue
            selected = "selected " if choice.selected else ""
            options.append(f'<option {selected}value="{escape(choice.value)}">'
                           f"{escape(choice.label or choice.value)}</option>")
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{''.join(options)}</select>")  # noqa: S704 (escaped)


PLAIN_SELECT = PlainSelect()


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form: FlaskForm) -> _BabelTranslations:
            return _BabelTranslations()

        def bind_field(self, form: FlaskForm, unbound_field: Any, options: dict[str, Any]) -> Field:
            central = _central_filter(unbound_field.field_class)
            if central is not None:
                options = {**options, "filters": [central, *unbound_field.kwargs.get("filters", ())]}
            if unbound_field.field_class is SelectField and "widget" not in unbound_field.kwargs:
                options = {**options, "widget": PLAIN_SELECT}
            return super().bind_field(form, unbound_field, options)  # type: ignore[misc]


class ConfirmForm(Form):
    """Only the CSRF token (and where to go back to): the form of every button that changes something (log out,
    withdraw, delete, remove, distribute)."""

    next = HiddenField()


def choices(pairs: object) -> list[SelectChoice]:
    """`(value, label)` pairs as WTForms 3.3+ wants them."""
    return [SelectChoice(str(value), label) for value, label in pairs]  # type: ignore[attr-defined]


def vocabulary_choices(kind: type[Vocabulary], blank: object = None, sort: bool = False,
                       members: Iterable[Vocabulary] | None = None) -> Callable[[], list[SelectChoice]]:
    """A select field's choices from a vocabulary (optionally only `members`, after a `blank` first choice): a
    callable, so WTForms builds them for each form in the language of its page, not once at import."""

    def build() -> list[SelectChoice]:
        pairs = kind.choices(sort=sort)
        if members is not None:
            wanted = {member.value for member in members}
            pairs = [pair for pair in pairs if pair[0] in wanted]
        return choices([("", blank), *pairs] if blank is not None else pairs)

    return build


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
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
)


def record_id(value: Any) -> int:
    """`coerce` for a field that carries a record's id: a whole number that fits an id column (`MAX_ID`)."""
    digits = str(value).strip()
    readable = digits.isascii() and digits.isdigit() and len(digits) <= len(str(MAX_ID))
    if not readable or not 1 <= int(digits) <= MAX_ID:
        raise ValueError("not a record id")
    return int(digits)


class IdField(IntegerField):
    """An id sent back by a page (a hidden field): ASCII digits that fit an id column, or "not a valid integer"
    (a bigger number would fail in the database instead)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        try:
            self.data = record_id(valuelist[0])
        except ValueError as error:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value.")) from error


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
