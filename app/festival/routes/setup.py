"""Staff pages to set up festival editions and their calls (questions and rubric included).

Each route loads what the URL names (404), is staff-only, validates its form, calls one service with the acting user,
commits once and redirects (Post/Redirect/Get); a DomainError goes back on the form, nothing half-stored.
"""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.db import get_or_404
from app.core.forms import ConfirmForm
from app.core.permissions import staff_required
from app.core.routing import act, attempt
from app.festival.forms.setup import (
    CallForm,
    CriterionForm,
    EditionForm,
    MoveForm,
    QuestionForm,
)
from app.festival.models import Call, CallQuestion, Edition, RubricCriterion
from app.festival.routes import bp
from app.festival.services import editions as edition_service
from app.festival.services import setup as service

PAGE_TEXTS = service.CALL_PAGE_TEXTS
ANCHORS = service.CRITERION_ANCHORS
EDITION_FIELDS = ("name", "slug", "code", "starts_on", "ends_on", "venue", "description", "status")
CALL_FIELDS = ("name_ind", "name_en", "description_ind", "description_en", "places", "reviewers_per_application",
               "blind_review", "auto_promote_waitlist", *PAGE_TEXTS, "decision_expected_on")
QUESTION_FIELDS = ("key", "kind", "label_ind", "label_en", "help_ind", "help_en", "required", "max_length")
CRITERION_FIELDS = ("name_ind", "name_en", "guidance_ind", "guidance_en", "weight", *ANCHORS)
TEXT_FIELDS = {"name", "slug", "code", "venue", "description", "name_ind", "name_en", "description_ind",
               "description_en", "key", "label_ind", "label_en", "help_ind", "help_en", "guidance_ind", "guidance_en",
               *PAGE_TEXTS, *ANCHORS}


def _values(form, names: tuple[str, ...]) -> dict:
    """The named fields' data, with empty text as "" rather than None."""
    return {name: (getattr(form, name).data or "") if name in TEXT_FIELDS else getattr(form, name).data
            for name in names}


# Editions -------------------------------------------------------------------------------------------------------

@bp.get("/staff/editions")
@staff_required
def editions():
    return render_template("festival/setup/editions.html", editions=edition_service.list_editions(),
                           counts=edition_service.edition_counts())


def _edition_form(edition: Edition | None):
    form = EditionForm(obj=edition)
    locked = edition is not None and edition_service.has_references(edition)
    if locked:
        form.code.render_kw = {"readonly": True}
    if form.validate_on_submit():
        fields = _values(form, EDITION_FIELDS)
        fields.update(opens_at=form.applications_open_at.data, closes_at=form.applications_close_at.data)
        done = attempt(
            form, lambda: edition_service.create_edition(current_user, **fields) if edition is None
            else edition_service.update_edition(current_user, edition, **fields) or edition,
            success=lambda saved: _("The edition %(name)s has been saved.", name=saved.name),
            then=lambda saved: url_for("festival.edition", edition_id=saved.id))
        if done:
            return done
    return render_template("festival/setup/edition_form.html", form=form, edition=edition, code_locked=locked)


@bp.route("/staff/editions/new", methods=["GET", "POST"])
@staff_required
def new_edition():
    return _edition_form(None)


@bp.route("/staff/editions/<int:edition_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_edition(edition_id: int):
    return _edition_form(get_or_404(Edition, edition_id))


@bp.get("/staff/editions/<int:edition_id>")
@staff_required
def edition(edition_id: int):
    edition = get_or_404(Edition, edition_id)
    return render_template("festival/setup/edition.html", edition=edition,
                           submitted=service.submitted_counts(edition))


# Calls ----------------------------------------------------------------------------------------------------------

@bp.route("/staff/editions/<int:edition_id>/calls/new", methods=["GET", "POST"])
@staff_required
def new_call(edition_id: int):
    edition = get_or_404(Edition, edition_id)
    form = CallForm()
    if form.validate_on_submit():
        done = attempt(
            form, lambda: service.create_call(current_user, edition, kind=form.kind.data, **_values(form, CALL_FIELDS)),
            success=_("The call has been created with its usual questions and rubric; adjust them below."),
            then=lambda call: url_for("festival.call_setup", call_id=call.id))
        if done:
            return done
    return render_template("festival/setup/call_form.html", form=form, edition=edition, call=None)


@bp.route("/staff/calls/<int:call_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_call(call_id: int):
    call = get_or_404(Call, call_id)
    form = CallForm(obj=call)
    if form.validate_on_submit():
        done = attempt(form, lambda: service.update_call(current_user, call, kind=form.kind.data,
                                                         **_values(form, CALL_FIELDS)),
                       success=_("The call has been saved."), then=url_for("festival.call_setup", call_id=call.id))
        if done:
            return done
    return render_template("festival/setup/call_form.html", form=form, edition=call.edition, call=call)


@bp.get("/staff/calls/<int:call_id>")
@staff_required
def call_setup(call_id: int):
    call = get_or_404(Call, call_id)
    return render_template("festival/setup/call.html", call=call, edition=call.edition,
                           submitted=service.submitted_count(call), scale=service.SCALE, locked_text=service.LOCKED)


# Questions ------------------------------------------------------------------------------------------------------

def _question_form(call: Call, question: CallQuestion | None):
    form = QuestionForm(obj=question)
    if form.validate_on_submit():
        fields = _values(form, QUESTION_FIELDS)
        done = attempt(
            form, lambda: service.add_question(current_user, call, **fields) if question is None
            else service.update_question(current_user, question, **fields),
            success=_("The question has been saved."),
            then=url_for("festival.call_setup", call_id=call.id, _anchor="questions"))
        if done:
            return done
    return render_template("festival/setup/question_form.html", form=form, call=call, question=question,
                           locked=bool(service.submitted_count(call)), locked_text=service.LOCKED)


@bp.route("/staff/calls/<int:call_id>/questions/new", methods=["GET", "POST"])
@staff_required
def new_question(call_id: int):
    return _question_form(get_or_404(Call, call_id), None)


@bp.route("/staff/questions/<int:question_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_question(question_id: int):
    question = get_or_404(CallQuestion, question_id)
    return _question_form(question.call, question)


@bp.post("/staff/questions/<int:question_id>/delete")
@staff_required
def delete_question(question_id: int):
    question = get_or_404(CallQuestion, question_id)
    call_id = question.call_id
    if ConfirmForm().validate_on_submit():
        act(lambda: service.delete_question(current_user, question), _("The question has been deleted."))
    return redirect(url_for("festival.call_setup", call_id=call_id, _anchor="questions"))


@bp.post("/staff/questions/<int:question_id>/move")
@staff_required
def move_question(question_id: int):
    question = get_or_404(CallQuestion, question_id)
    form = MoveForm()
    if form.validate_on_submit():
        act(lambda: service.move_question(current_user, question, form.direction.data), None)
    return redirect(url_for("festival.call_setup", call_id=question.call_id, _anchor=f"question-{question.id}"))


# Rubric criteria ------------------------------------------------------------------------------------------------

def _criterion_form(call: Call, criterion: RubricCriterion | None):
    form = CriterionForm(obj=criterion)
    if form.validate_on_submit():
        fields = _values(form, CRITERION_FIELDS)
        done = attempt(
            form, lambda: service.add_criterion(current_user, call, **fields) if criterion is None
            else service.update_criterion(current_user, criterion, **fields),
            success=_("The criterion has been saved."),
            then=url_for("festival.call_setup", call_id=call.id, _anchor="rubric"))
        if done:
            return done
    return render_template("festival/setup/criterion_form.html", form=form, call=call, criterion=criterion,
                           scale=service.SCALE)


@bp.route("/staff/calls/<int:call_id>/criteria/new", methods=["GET", "POST"])
@staff_required
def new_criterion(call_id: int):
    return _criterion_form(get_or_404(Call, call_id), None)


@bp.route("/staff/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_criterion(criterion_id: int):
    criterion = get_or_404(RubricCriterion, criterion_id)
    return _criterion_form(criterion.call, criterion)


@bp.post("/staff/criteria/<int:criterion_id>/delete")
@staff_required
def delete_criterion(criterion_id: int):
    criterion = get_or_404(RubricCriterion, criterion_id)
    call_id = criterion.call_id
    if ConfirmForm().validate_on_submit():
        act(lambda: service.delete_criterion(current_user, criterion), _("The criterion has been deleted."))
    return redirect(url_for("festival.call_setup", call_id=call_id, _anchor="rubric"))


@bp.post("/staff/criteria/<int:criterion_id>/move")
@staff_required
def move_criterion(criterion_id: int):
    criterion = get_or_404(RubricCriterion, criterion_id)
    form = MoveForm()
    if form.validate_on_submit():
        act(lambda: service.move_criterion(current_user, criterion, form.direction.data), None)
    return redirect(url_for("festival.call_setup", call_id=criterion.call_id,
                            _anchor=f"criterion-{criterion.id}"))
