"""Staff desk forms: the list's filters (GET, no CSRF), decisions one by one or in bulk, and the waitlist offer."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DecimalField,
    HiddenField,
    SearchField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from app.core.forms import Form, IdField, choices, record_id, vocabulary_choices
from app.core.vocab import Vocabulary, declare_labels
from app.festival.models.application import ApplicationStatus as S
from app.festival.services.listing import DEFAULT_SORT, LISTED_STATUSES, SORTS, ApplicationFilters
from app.festival.services.workflow import DECISIONS
from app.festival.vocab import District, Subsector

REQUIRED = _l("This field is required.")
MESSAGE_HELP = _l("Optional. Sent in the e-mail to the applicant, word for word, when the decisions are released.")
REASON_HELP = _l("Required. Sent to the applicant at once, word for word, and kept in the history.")
SCORE_RANGE = NumberRange(min=1, max=5, message=_l("Enter a score from 1 to 5."))


class Decision(Vocabulary):
    """What staff choose for an application: the status it moves to, labelled as the act."""

    ACCEPTED = S.ACCEPTED.value
    WAITLISTED = S.WAITLISTED.value
    REJECTED = S.REJECTED.value


declare_labels(Decision, {
    Decision.ACCEPTED: _l("Accept"),
    Decision.WAITLISTED: _l("Put on the waiting list"),
    Decision.REJECTED: _l("Reject"),
})


def _any(label: str) -> list[tuple[str, str]]:
    return [("", label)]


class FilterForm(Form):
    """Read from the query string; an invalid field is shown with its error and left out of the filters."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=120)],
                    description=_l("Name, business or reference number."))
    edition = SelectField(_l("Edition"), validators=[Optional()])
    call = SelectField(_l("Call"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()], choices=vocabulary_choices(
        S, blank=_l("Any status"), members=LISTED_STATUSES))
    subsector = SelectField(_l("Subsector"), validators=[Optional()], choices=vocabulary_choices(
        Subsector, blank=_l("Any subsector"), sort=True))
    district = SelectField(_l("District"), validators=[Optional()], choices=vocabulary_choices(
        District, blank=_l("Any district")))
    score_min = DecimalField(_l("Score from"), places=None, validators=[Optional(), SCORE_RANGE],
                             render_kw={"inputmode": "decimal", "step": "0.1", "min": 1, "max": 5})
    score_max = DecimalField(_l("Score to"), places=None, validators=[Optional(), SCORE_RANGE],
                             render_kw={"inputmode": "decimal", "step": "0.1", "min": 1, "max": 5})
    sort = SelectField(_l("Sort"), choices=choices(SORTS.items()), default=DEFAULT_SORT, validators=[Optional()])

    def set_places(self, calls: list, locale: str) -> None:
        """Edition and call choices from the calls (each with its edition loaded)."""
        editions = {call.edition.id: call.edition.name for call in calls}
        self.edition.choices = choices(_any(_l("Any edition")) + list(editions.items()))
        self.call.choices = choices(
            _any(_l("Any call")) + [(call.id, f"{call.edition.name}: {call.name(locale)}") for call in calls])

    def _clean(self, name: str) -> object:
        field = getattr(self, name)
        return None if field.errors or field.data in (None, "") else field.data

    def filters(self) -> ApplicationFilters:
        """The valid fields as filters (call `validate()` first)."""
        edition, call = self._clean("edition"), self._clean("call")
        status, subsector, district = self._clean("status"), self._clean("subsector"), self._clean("district")
        low, high = self._clean("score_min"), self._clean("score_max")
        return ApplicationFilters(
            edition_id=int(edition) if edition else None,
            call_id=int(call) if call else None,
            status=S(status) if status else None,
            subsector=Subsector(subsector) if subsector else None,
            district=District(district) if district else None,
            score_min=float(low) if low is not None else None,
            score_max=float(high) if high is not None else None,
            search=self._clean("q") or "",
            sort=self._clean("sort") or DEFAULT_SORT,
        )

    def active_args(self) -> dict[str, str]:
        """The valid, non-empty filters as query-string arguments, for links that keep them."""
        return {name: str(field.data) for name, field in self._fields.items()
                if not field.errors and field.data not in (None, "")}


def _a_decision(form: Form, field: SelectField) -> None:
    if field.data not in {d.value for d in DECISIONS}:
        raise ValidationError(_l("Choose accept, waiting list or reject."))


def _decision_field() -> SelectField:
    # Choices are the moves the table allows (set by the route); the workflow refuses any other.
    return SelectField(_l("Decision"), validators=[DataRequired(REQUIRED), _a_decision], validate_choice=False)


def _message_field() -> TextAreaField:
    return TextAreaField(_l("Personal message"), validators=[Optional(), Length(max=2000)], description=MESSAGE_HELP,
                         render_kw={"rows": 3})


def decision_choices(targets: list[S]) -> list:
    return choices(_any(_l("Choose…")) + [(t.value, Decision(t.value).label) for t in targets])


class DecisionForm(Form):
    decision = _decision_field()
    message = _message_field()


class RevisionForm(Form):
    """Change a released decision at once (no draft): the reason is required and mailed."""

    # Own ids: the page also carries the draft form's `decision` field.
    decision = SelectField(_l("New decision"), validators=[DataRequired(REQUIRED), _a_decision],
                           validate_choice=False, id="revise-decision")
    reason = TextAreaField(_l("Reason for the change"), validators=[DataRequired(REQUIRED), Length(max=2000)],
                           description=REASON_HELP, render_kw={"rows": 3}, id="revise-reason")


def _some_selected(form: Form, field: SelectMultipleField) -> None:
    # Checks the raw input (not DataRequired), so an id that does not fit an id column keeps its own message.
    if not field.raw_data and not form.all_matching.data:
        raise StopValidation(_l("Select at least one application in the list."))


class BulkDecisionForm(Form):
    ids = SelectMultipleField(_l("Applications"), coerce=record_id, validate_choice=False, choices=[],
                              validators=[_some_selected])
    # Every application the filter matches, not only the ticked ones of this page (bounded by the route).
    all_matching = BooleanField(_l("All applications that match the filter, on every page"))
    decision = _decision_field()
    message = _message_field()
    # Set by the confirmation step, which repeats the count before anything is drafted.
    confirmed = HiddenField()


class OfferPlaceForm(Form):
    application_id = IdField(widget=HiddenInput(), validators=[InputRequired()])
    next = HiddenField()
