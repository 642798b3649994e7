"""Festival pages: review. Staff assign reviewers (by hand or evenly); reviewers score what is assigned to them."""

from babel.numbers import get_decimal_symbol
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts.models import User
from app.core.db import get_or_404
from app.core.errors import DomainError, show_on_form
from app.core.forms import ConfirmForm
from app.core.permissions import Role, role_required, staff_required
from app.core.routing import act, attempt
from app.core.security import safe_next_url
from app.extensions import db
from app.festival.forms.review import AssignReviewerForm, ConflictForm, review_form, scores_from
from app.festival.models import Application, Call, ReviewAssignment
from app.festival.models.review import AssignmentStatus
from app.festival.routes import bp
from app.festival.services import assignment as assigning
from app.festival.services import reviewing
from app.festival.services.access import hides_identity


def _locale() -> str:
    return str(get_locale())


# Staff: the assignment panel on the staff application page, adding and removing reviewers by hand.

@bp.app_template_global("review_panel")
def review_panel(application: Application) -> dict:
    """What `festival/review/_assign_panel.html` shows: the assignments, and who can still be added."""
    assignments = assigning.assignments_of(application)
    taken = {a.reviewer_id for a in assignments} | {application.applicant_id}
    loads = assigning.current_loads(application.call_id)
    addable = [(r, loads.get(r.id, 0)) for r in assigning.active_reviewers() if r.id not in taken]
    active = sum(1 for a in assignments if a.status != AssignmentStatus.CONFLICT)
    assigner_ids = {a.assigned_by_id for a in assignments if a.assigned_by_id is not None}
    assigners = {u.id: u.name for u in db.session.scalars(select(User).where(User.id.in_(assigner_ids)))}
    return {
        "assignments": assignments,
        "assigners": assigners,
        "addable": addable,
        "active": active,
        "wanted": application.call.reviewers_per_application,
        "open": application.status in assigning.REVIEWABLE,
    }


def _back(form, call_id: int):
    return redirect(safe_next_url(form.next.data) or url_for("festival.call_reviewers", call_id=call_id))


@bp.post("/staff/applications/<int:application_id>/reviewers")
@staff_required
def assign_reviewer(application_id: int):
    application = get_or_404(Application, application_id)
    form = AssignReviewerForm()
    form.set_reviewers(list(db.session.scalars(select(User).where(User.holding(Role.REVIEWER)))))
    if not form.validate_on_submit():
        flash(_("Choose a reviewer from the list."), "error")
        return _back(form, application.call_id)
    reviewer = db.session.get(User, int(form.reviewer.data))
    act(lambda: assigning.assign_reviewer(application, reviewer, actor=current_user),
        _("%(name)s will review this application.", name=reviewer.name))
    return _back(form, application.call_id)


@bp.post("/staff/assignments/<int:assignment_id>/remove")
@staff_required
def remove_assignment(assignment_id: int):
    assignment = get_or_404(ReviewAssignment, assignment_id)
    call_id, name = assignment.application.call_id, assignment.reviewer.name
    form = ConfirmForm()
    if form.validate_on_submit():
        act(lambda: assigning.remove_assignment(assignment, actor=current_user),
            _("%(name)s no longer reviews this application.", name=name))
    return _back(form, call_id)


# Staff: distributing a whole call evenly.

def _call_reviewers_page(call: Call, form: ConfirmForm):
    return render_template(
        "festival/review/call_reviewers.html", call=call, form=form, loads=assigning.reviewer_loads(call),
        lacking=assigning.applications_lacking_reviewers(call), reviewable=assigning.reviewable_count(call),
    )


@bp.get("/staff/calls/<int:call_id>/reviewers")
@staff_required
def call_reviewers(call_id: int):
    return _call_reviewers_page(get_or_404(Call, call_id), ConfirmForm())


@bp.post("/staff/calls/<int:call_id>/distribute")
@staff_required
def distribute(call_id: int):
    call = get_or_404(Call, call_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _call_reviewers_page(call, form), 400
    try:
        result = assigning.distribute(call, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(ngettext("%(num)d assignment made.", "%(num)d assignments made.", result.assigned), "success")
        if result.unfilled:
            flash(ngettext("%(num)d application still lacks reviewers: there are not enough eligible reviewers. "
                           "Invite more reviewers, then distribute again.",
                           "%(num)d applications still lack reviewers: there are not enough eligible reviewers. "
                           "Invite more reviewers, then distribute again.", result.unfilled), "error")
    return redirect(url_for("festival.call_reviewers", call_id=call.id))


# Reviewers: their list, one application with the score form, and stepping aside.

@bp.get("/review")
@role_required(Role.REVIEWER)
def review_list():
    return render_template("festival/review/list.html", work=reviewing.work_of(current_user), locale=_locale())


def _visible_or_404(assignment_id: int) -> ReviewAssignment:
    assignment = reviewing.visible_assignment(current_user, db.session.get(ReviewAssignment, assignment_id))
    if assignment is None:
        abort(404)
    return assignment


def _prefill(form, assignment: ReviewAssignment) -> None:
    for score in assignment.scores:
        value = getattr(form, f"score_{score.criterion_id}", None)
        if value is not None:
            value.data = str(score.value)
            getattr(form, f"comment_{score.criterion_id}").data = score.comment
    form.comment.data = assignment.comment


def _review_page(assignment: ReviewAssignment, form, conflict_form: ConflictForm):
    application = assignment.application
    locale = _locale()
    decimal = get_decimal_symbol(get_locale())
    saved = assignment.weighted_score
    return render_template(
        "festival/review/review.html", assignment=assignment, application=application, call=application.call,
        form=form, conflict_form=conflict_form, locale=locale, blind=hides_identity(current_user, application),
        can_score=reviewing.open_for_review(application), decimal=decimal,
        # Without JavaScript the total shows once saved; scoring.js keeps it current while choosing.
        total=f"{saved:.2f}".replace(".", decimal) if saved is not None else "–",
    )


@bp.route("/review/<int:assignment_id>", methods=["GET", "POST"])
@role_required(Role.REVIEWER)
def review(assignment_id: int):
    assignment = _visible_or_404(assignment_id)
    criteria = list(assignment.application.call.criteria)
    form = review_form(criteria, _locale())
    if not form.is_submitted():
        _prefill(form, assignment)
    if form.validate_on_submit():
        done = attempt(form, lambda: reviewing.submit_review(assignment, actor=current_user,
                                                             scores=scores_from(form, criteria),
                                                             comment=form.comment.data or ""),
                       success=_("Your review of %(reference)s has been saved.",
                                 reference=assignment.application.reference),
                       then=url_for("festival.review_list"))
        if done:
            return done
    return _review_page(assignment, form, ConflictForm(formdata=None))


@bp.post("/review/<int:assignment_id>/conflict")
@role_required(Role.REVIEWER)
def declare_conflict(assignment_id: int):
    assignment = _visible_or_404(assignment_id)
    reference = assignment.application.reference
    conflict_form = ConflictForm()
    if conflict_form.validate_on_submit():
        try:
            reviewing.declare_conflict(assignment, actor=current_user, reason=conflict_form.reason.data)
        except DomainError as error:
            db.session.rollback()
            if error.field is None:  # e.g. decided meanwhile: the page no longer shows the conflict form
                flash(error.message, "error")
                return redirect(url_for("festival.review", assignment_id=assignment_id))
            show_on_form(conflict_form, error)
        else:
            db.session.commit()
            flash(_("You stepped aside from %(reference)s. The programme team will find another reviewer.",
                    reference=reference), "success")
            return redirect(url_for("festival.review_list"))
    form = review_form(list(assignment.application.call.criteria), _locale(), formdata=None)
    _prefill(form, assignment)
    return _review_page(assignment, form, conflict_form)
