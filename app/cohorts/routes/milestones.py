"""A cohort's milestones, for staff: new, edit, and delete while no report exists."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.cohorts.forms.progress import MilestoneForm
from app.cohorts.models import Cohort, Milestone
from app.cohorts.routes import bp
from app.cohorts.services import milestones
from app.core.forms import ConfirmForm
from app.core.i18n import current_locale
from app.core.permissions import staff_required
from app.core.routing import act, attempt, load

MILESTONE_FIELDS = ("title_ind", "title_en", "description", "due_on", "required")


def _milestone_form(cohort: Cohort, milestone: Milestone | None):
    form = MilestoneForm(obj=milestone)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in MILESTONE_FIELDS}
        values.update({name: values[name] or "" for name in ("title_en", "description")})
        done = attempt(
            form, lambda: milestones.create_milestone(current_user, cohort, **values) if milestone is None
            else milestones.update_milestone(current_user, milestone, **values),
            success=_("The milestone has been saved."),
            then=url_for("cohorts.staff_cohort", cohort_id=cohort.id, _anchor="milestones"))
        if done:
            return done
    return render_template("cohorts/milestones/form.html", form=form, cohort=cohort, milestone=milestone,
                           locale=current_locale())


@bp.route("/staff/cohorts/<int:cohort_id>/milestones/new", methods=["GET", "POST"])
@staff_required
def new_milestone(cohort_id: int):
    return _milestone_form(load(Cohort, cohort_id), None)


@bp.route("/staff/cohorts/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_milestone(milestone_id: int):
    milestone = load(Milestone, milestone_id)
    return _milestone_form(milestone.cohort, milestone)


@bp.post("/staff/cohorts/milestones/<int:milestone_id>/delete")
@staff_required
def delete_milestone(milestone_id: int):
    milestone = load(Milestone, milestone_id)
    cohort_id = milestone.cohort_id
    if ConfirmForm().validate_on_submit():
        act(lambda: milestones.delete_milestone(current_user, milestone), _("The milestone has been deleted."))
    return redirect(url_for("cohorts.staff_cohort", cohort_id=cohort_id, _anchor="milestones"))
