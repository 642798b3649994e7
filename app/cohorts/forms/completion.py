"""Forms of the completion part: revoking a certificate, inviting someone by e-mail, and the public code check."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired

from app.cohorts.forms.staff import REQUIRED
from app.core.forms import Form, at_most, choices, strip
from app.core.i18n import LANGUAGE_NAMES


class RevokeCertificateForm(Form):
    reason = TextAreaField(_l("Why is it revoked?"), validators=[InputRequired(REQUIRED), at_most(2000)],
                           filters=[strip], description=_l("Kept with the certificate; the public check only says "
                                                           "it was revoked."))


class InvitationForm(Form):
    email = EmailField(_l("E-mail"), validators=[
        InputRequired(REQUIRED), Email(_l("Enter an e-mail address such as nama@contoh.com.")), at_most(254)],
        filters=[strip], render_kw={"autocomplete": "off"})
    locale = SelectField(_l("Language of the mail"), default="id",
                         choices=choices(LANGUAGE_NAMES.items()))


class VerifyForm(Form):
    """A GET form anyone can use: nothing is changed, so no CSRF token (it would also spoil shared links)."""

    class Meta:
        csrf = False

    code = StringField(_l("Verification code"), validators=[InputRequired(REQUIRED), at_most(40)], filters=[strip],
                       description=_l("As printed on the certificate, for example DY-7K3M-Q9TB-2XWE."),
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})
