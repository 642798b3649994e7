"""Account forms. Labels are lazily translated; every validator carries a translated message."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional

from app.core.forms import Form, PhoneNumber, choices, vocabulary_choices
from app.core.i18n import LANGUAGE_NAMES, TimeZone

REQUIRED = _l("This field is required.")
PASSWORD_RULE = Length(min=10, max=200, message=_l("Use at least 10 characters."))
LANGUAGE_CHOICES = LANGUAGE_NAMES.items()


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _email_field() -> EmailField:
    return EmailField(
        _l("E-mail"),
        validators=[DataRequired(REQUIRED), Email(_l("Enter an e-mail address such as nama@contoh.com.")),
                    Length(max=254)],
        filters=[_strip],  # phone keyboards add a space after a suggested address
        render_kw={"autocomplete": "email"},
    )


def _new_password(label: str = "") -> PasswordField:
    return PasswordField(
        label or _l("Password"),
        validators=[DataRequired(REQUIRED), PASSWORD_RULE],
        description=_l("At least 10 characters. A short sentence is easy to remember."),
        render_kw={"autocomplete": "new-password"},
    )


def _repeat_password() -> PasswordField:
    return PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"},
    )


def _timezone_field() -> SelectField:
    return SelectField(_l("Time zone"), choices=vocabulary_choices(TimeZone), validate_choice=True)


class RegistrationForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(REQUIRED), Length(max=120)],
                       render_kw={"autocomplete": "name"})
    email = _email_field()
    phone = StringField(
        _l("Phone (WhatsApp)"), validators=[DataRequired(REQUIRED), PhoneNumber()],
        description=_l("For example 0812 3456 7890."), render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    date_of_birth = DateField(_l("Date of birth"), validators=[InputRequired(REQUIRED)],
                              render_kw={"autocomplete": "bday"})
    locale = SelectField(_l("Preferred language"), choices=choices(LANGUAGE_CHOICES), default="id")
    password = _new_password()
    password_confirm = _repeat_password()
    next = HiddenField()


class LoginForm(Form):
    email = _email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Remember me on this device"))
    next = HiddenField()


class SignInLinkForm(Form):
    """Posted by the login form's "e-mail me a sign-in link" button (its password field is ignored)."""

    email = _email_field()
    next = HiddenField()


class ForgotPasswordForm(Form):
    email = _email_field()


class ResetPasswordForm(Form):
    password = _new_password(_l("New password"))
    password_confirm = _repeat_password()


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED)],
                                     render_kw={"autocomplete": "current-password"})
    password = _new_password(_l("New password"))
    password_confirm = _repeat_password()


class ProfileForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(REQUIRED), Length(max=120)],
                       render_kw={"autocomplete": "name"})
    phone = StringField(_l("Phone (WhatsApp)"), validators=[Optional(), PhoneNumber()],
                        description=_l("For example 0812 3456 7890, or +61 for an Australian number."),
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    locale = SelectField(_l("Language"), choices=choices(LANGUAGE_CHOICES))
    timezone = _timezone_field()


class InviteForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=120)])
    email = _email_field()
    role = SelectField(_l("Role"), choices=choices([("mentor", _l("Mentor")), ("reviewer", _l("Reviewer")),
                                                    ("staff", _l("Staff"))]))
    locale = SelectField(_l("Language of the invitation"), choices=choices(LANGUAGE_CHOICES), default="en")


class AcceptInvitationForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(REQUIRED), Length(max=120)],
                       render_kw={"autocomplete": "name"})
    locale = SelectField(_l("Language"), choices=choices(LANGUAGE_CHOICES))
    timezone = _timezone_field()
    password = _new_password()
    password_confirm = _repeat_password()


class LanguageForm(Form):
    language = SelectField(_l("Language"), choices=choices(LANGUAGE_CHOICES))
    next = HiddenField()
