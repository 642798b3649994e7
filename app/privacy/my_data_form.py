"""The form that asks for an account's deletion: the password again, and a word typed to show it is meant."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, ValidationError

from app.core.forms import Form

REQUIRED = _l("This field is required.")
# The word to type, in the page's language; the English word is accepted in either language.
CONFIRM_WORD = _l("DELETE")


def _typed_word(form: Form, field: StringField) -> None:
    typed = (field.data or "").strip().upper()
    if typed not in {str(CONFIRM_WORD).upper(), "DELETE"}:
        raise ValidationError(_l("Type %(word)s to confirm.", word=str(CONFIRM_WORD)))


class DeleteAccountForm(Form):
    password = PasswordField(_l("Your password"), validators=[DataRequired(REQUIRED)],
                             render_kw={"autocomplete": "current-password"})
    confirmation = StringField(_l("Confirmation"), validators=[DataRequired(REQUIRED), _typed_word],
                               render_kw={"autocomplete": "off", "autocapitalize": "characters",
                                          "spellcheck": "false"})
