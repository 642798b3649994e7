"""The form an applicant under 18 fills in for their parent or guardian, and what the review step shows about it."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length
from wtforms.validators import Optional as OptionalValidator

from app.core.forms import Form, PhoneNumber, strip, vocabulary_choices
from app.festival.forms.apply import phone_as_typed
from app.festival.models import Application
from app.privacy import consent_texts
from app.privacy.models.consent import GuardianConsent, GuardianRelationship
from app.privacy.services import guardian as guardian_service

REQUIRED = _l("This field is required.")


class GuardianForm(Form):
    name = StringField(_l("Name of your parent or guardian"), validators=[DataRequired(REQUIRED), Length(max=120)],
                       filters=[strip])
    relationship = SelectField(
        _l("They are your"), validators=[DataRequired(REQUIRED)], validate_choice=True,
        choices=vocabulary_choices(GuardianRelationship, blank=_l("Choose…")))
    email = EmailField(
        _l("Their e-mail address"), filters=[strip],
        validators=[DataRequired(REQUIRED), Email(_l("Enter an e-mail address such as nama@contoh.com.")),
                    Length(max=254)],
        description=_l("We e-mail them a link to read what they agree to and confirm it."),
        render_kw={"autocomplete": "off"})
    phone = StringField(_l("Their phone number (optional)"), validators=[OptionalValidator(), PhoneNumber()],
                        filters=[strip], description=_l("In case we need to reach them. For example 0812-3456-7890."),
                        render_kw={"inputmode": "tel", "autocomplete": "off"})

    def values(self) -> dict[str, Any]:
        return {"name": self.name.data, "email": self.email.data, "phone_e164": self.phone.data or None,
                "relationship": GuardianRelationship(self.relationship.data)}


@dataclass
class GuardianPanel:
    """The review step's box about a guardian's consent: shown only to an applicant under 18."""

    row: GuardianConsent | None
    form: GuardianForm
    text: consent_texts.ConsentText

    @property
    def confirmed(self) -> bool:
        return self.row is not None and self.row.is_confirmed


def review_panel(application: Application, today: date) -> GuardianPanel | None:
    if not guardian_service.needs_guardian(application, today):
        return None
    row = guardian_service.guardian_of(application)
    form = GuardianForm(formdata=None)
    if row is not None:
        form.name.data, form.email.data, form.relationship.data = row.name, row.email, row.relationship.value
        form.phone.data = phone_as_typed(row.phone_e164)
    return GuardianPanel(row=row, form=form, text=consent_texts.text())
