"""Forms of the staff desk's own pages."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SearchField
from wtforms.validators import Length, Optional

from app.core.forms import Form


class PeopleSearchForm(Form):
    class Meta:
        csrf = False

    q = SearchField(_l("Name or e-mail"), validators=[Optional(), Length(max=120)])


class RolesForm(Form):
    staff = BooleanField(_l("Staff: runs the programme on the staff desk"))
    reviewer = BooleanField(_l("Reviewer: scores the applications assigned to them"))
    mentor = BooleanField(_l("Mentor (given by invitation; can be taken away here)"))
    data_officer = BooleanField(
        _l("Personal data officer: sees NIK and phone numbers in exports and may reveal a NIK (each reveal is logged)"))
