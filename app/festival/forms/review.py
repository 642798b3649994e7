"""Forms of the review job: assigning reviewers (staff), scoring and declaring a conflict (reviewers)."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.accounts.models import User
from app.core.forms import Form, choices
from app.festival.models import RubricCriterion

REQUIRED = _l("This field is required.")
SCORE_CHOICES = [
    ("1", _l("1 – poor")),
    ("2", _l("2 – weak")),
    ("3", _l("3 – fair")),
    ("4", _l("4 – good")),
    ("5", _l("5 – excellent")),
]


class AssignReviewerForm(Form):
    reviewer = SelectField(_l("Reviewer"), validators=[DataRequired(REQUIRED)])
    next = HiddenField()

    def set_reviewers(self, reviewers: list[User]) -> None:
        self.reviewer.choices = choices([(reviewer.id, reviewer.name) for reviewer in reviewers])



class ConflictForm(Form):
    reason = StringField(
        _l("Why you cannot review this application"),
        validators=[DataRequired(_l("Say briefly why, for the programme team.")), Length(max=300)],
        description=_l("For example: a relative, a business partner, a client. Only the programme team sees this."),
    )


def review_form(criteria: list[RubricCriterion], locale: str, **kwargs) -> Form:
    """A form with, per rubric criterion, a required 1–5 score (`score_<id>`) and an optional comment
    (`comment_<id>`), plus an overall comment."""

    class ReviewForm(Form):
        comment = TextAreaField(_l("Overall comment (optional)"), validators=[Optional(), Length(max=4000)],
                                description=_l("Shared with the programme team, never with the applicant."))

    for criterion in criteria:
        setattr(ReviewForm, f"score_{criterion.id}", RadioField(
            criterion.name(locale), choices=choices(SCORE_CHOICES),
            validators=[InputRequired(_l("Give a score from 1 to 5."))],
            description=criterion.guidance(locale),
        ))
        setattr(ReviewForm, f"comment_{criterion.id}", TextAreaField(
            _l("Comment on %(criterion)s (optional)", criterion=criterion.name(locale)),
            validators=[Optional(), Length(max=2000)],
        ))
    return ReviewForm(**kwargs)


def scores_from(form: Form, criteria: list[RubricCriterion]) -> dict[int, tuple[int, str]]:
    """The validated form's scores as the service wants them: criterion id → (value, comment)."""
    result = {}
    for criterion in criteria:
        value = getattr(form, f"score_{criterion.id}").data
        note = getattr(form, f"comment_{criterion.id}").data or ""
        result[criterion.id] = (int(value), note)
    return result
