"""Forms of the progress part: an attendance tap, a milestone, a progress report, a comment and staff's decision."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Optional

from app.cohorts.forms.staff import REQUIRED, _day, _text
from app.cohorts.models import AttendanceStatus
from app.core.forms import Form, at_most, choices, strip, vocabulary_choices

REPORT_TEXT_MAX = 10_000


class MarkForm(Form):
    """One tap on the attendance sheet: the button pressed carries the status."""

    status = SelectField(_l("Attendance"), choices=vocabulary_choices(AttendanceStatus),
                         validators=[InputRequired(REQUIRED)])


class MilestoneForm(Form):
    title_ind = _text(_l("Title (Indonesian)"), 160, required=True)
    title_en = _text(_l("Title (English)"), 160, description=_l("Left empty, the Indonesian title is shown."))
    description = TextAreaField(_l("What to hand in"), validators=[Optional(), at_most(5000)], filters=[strip])
    due_on = _day(_l("Due date"))
    required = BooleanField(_l("Required to complete the cohort"), default=True)


class ReportForm(Form):
    text = TextAreaField(_l("Your report"), validators=[Optional(), at_most(REPORT_TEXT_MAX)], filters=[strip],
                         description=_l("What you did for this milestone, what you learned, what is next."))
    file = FileField(_l("File (optional)"), render_kw={"accept": "application/pdf,image/jpeg,image/png,image/webp"},
                     description=_l("A PDF of up to 10 MB, or a photo (JPEG, PNG or WebP) of up to 5 MB. "
                                    "Location data is removed from photos. A new file replaces the previous one."))


class CommentForm(Form):
    body = TextAreaField(_l("Comment"), validators=[InputRequired(REQUIRED), at_most(5000)], filters=[strip])


DECISIONS = (("accept", _l("Accept the report")), ("changes", _l("Ask for changes")))


class DecisionForm(Form):
    """Staff's decision: the button pressed carries it; a comment is needed to ask for changes."""

    decision = SelectField(_l("Decision"), choices=choices(DECISIONS), validators=[InputRequired(REQUIRED)])
    comment = TextAreaField(_l("Comment for the participant"), validators=[Optional(), at_most(5000)],
                            filters=[strip], description=_l("Needed when you ask for changes: say what to change."))
