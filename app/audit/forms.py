"""The audit log's search form (read from the query string)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, EmailField, IntegerField, SelectField
from wtforms.validators import Length, NumberRange, Optional

from app.core.forms import Form


class AuditSearchForm(Form):
    class Meta:
        csrf = False

    person = EmailField(_l("Done by (e-mail)"), validators=[Optional(), Length(max=254)])
    action = SelectField(_l("Action"), validators=[Optional()])
    target_type = SelectField(_l("Kind of object"), validators=[Optional()])
    target_id = IntegerField(_l("Object number"), validators=[Optional(), NumberRange(min=1)])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To (inclusive)"), validators=[Optional()])
