"""Staff's matching pages for a cohort: the mentors serving it, pins and forbids, who is waiting and why, the runs;
a run's proposal with "why this pair" and what changed since the run before; publishing it."""

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.cohorts.models import Cohort
from app.core.forms import ConfirmForm
from app.core.i18n import current_locale
from app.core.permissions import staff_required
from app.core.routing import act, attempt, load
from app.mentoring.forms.runs import CohortMentorForm, RuleForm
from app.mentoring.models import CohortMentor, PairRule, RunStatus
from app.mentoring.routes import bp
from app.mentoring.services import inputs, pool, publishing, runs
from app.mentoring.services.explaining import describe
from app.mentoring.services.needs import cohort_mentors, mentor_label


@bp.app_template_global("matching_reason")
def matching_reason(value: str) -> str:
    return runs.reason_label(value)


@bp.app_template_global("matching_why")
def matching_why(parts: list) -> list:
    return describe(parts)


def _page(cohort: Cohort, pool_form: CohortMentorForm | None = None, rule_form: RuleForm | None = None):
    mentors = cohort_mentors(cohort.id)
    waiting = runs.waiting_now(cohort)
    pool_form = pool_form or CohortMentorForm(formdata=None)
    pool_form.set_mentors([(user.id, mentor_label(user, None)) for user in pool.candidates(cohort)])
    rule_form = rule_form or RuleForm(formdata=None)
    admitted = inputs.admitted(cohort.id)
    rule_form.set_people([(p.id, p.user.name) for p in admitted],
                         [(user.id, mentor_label(user, profile)) for user, profile, _link in mentors])
    names = {p.id: p.user.name for p in admitted}
    mentor_names = {user.id: user.name for user, _profile, _link in mentors}
    return render_template(
        "mentoring/runs/matching.html", cohort=cohort, mentors=mentors, live=inputs.live_counts(cohort.id),
        waiting=waiting, rules=pool.rules_of(cohort.id), names=names, mentor_names=mentor_names,
        runs=runs.runs_of(cohort.id), pool_form=pool_form, rule_form=rule_form, confirm=ConfirmForm(),
        locale=current_locale())


def _back(cohort_id: int, anchor: str | None = None):
    return redirect(url_for("mentoring.matching", cohort_id=cohort_id, _anchor=anchor))


@bp.get("/staff/cohorts/<int:cohort_id>/matching")
@staff_required
def matching(cohort_id: int):
    return _page(load(Cohort, cohort_id))


@bp.post("/staff/cohorts/<int:cohort_id>/matching/mentors")
@staff_required
def add_cohort_mentor(cohort_id: int):
    cohort = load(Cohort, cohort_id)
    form = CohortMentorForm()
    if form.validate_on_submit():
        done = attempt(form, lambda: pool.add_mentor(current_user, cohort, form.mentor_id.data, form.capacity.data),
                       success=_("The mentor has been added to the cohort."),
                       then=url_for("mentoring.matching", cohort_id=cohort.id, _anchor="mentors"))
        if done:
            return done
    return _page(cohort, pool_form=form)


@bp.post("/staff/cohorts/matching/mentors/<int:link_id>/remove")
@staff_required
def remove_cohort_mentor(link_id: int):
    link = load(CohortMentor, link_id)
    if ConfirmForm().validate_on_submit():
        act(lambda: pool.remove_mentor(current_user, link), _("The mentor no longer serves this cohort."))
    return _back(link.cohort_id, "mentors")


@bp.post("/staff/cohorts/<int:cohort_id>/matching/rules")
@staff_required
def add_rule(cohort_id: int):
    cohort = load(Cohort, cohort_id)
    form = RuleForm()
    if form.validate_on_submit():
        done = attempt(form, lambda: pool.add_rule(current_user, cohort, form.participant_id.data,
                                                   form.mentor_id.data, form.kind.data),
                       success=_("The rule has been added. It applies from the next run."),
                       then=url_for("mentoring.matching", cohort_id=cohort.id, _anchor="rules"))
        if done:
            return done
    return _page(cohort, rule_form=form)


@bp.post("/staff/cohorts/matching/rules/<int:rule_id>/remove")
@staff_required
def remove_rule(rule_id: int):
    rule = load(PairRule, rule_id)
    if ConfirmForm().validate_on_submit():
        act(lambda: pool.remove_rule(current_user, rule), _("The rule has been removed."))
    return _back(rule.cohort_id, "rules")


@bp.post("/staff/cohorts/<int:cohort_id>/matching/runs")
@staff_required
def start_run(cohort_id: int):
    cohort = load(Cohort, cohort_id)
    made = []

    def run_now():
        made.append(runs.start_run(current_user, cohort))
        return made[0]

    if ConfirmForm().validate_on_submit() and act(
            run_now, lambda run: _("Run %(number)d is ready: check the proposal, then publish it.", number=run.number)):
        return redirect(url_for("mentoring.run_page", cohort_id=cohort.id, number=made[0].number))
    return _back(cohort.id, "runs")


def _run(cohort_id: int, number: int):
    cohort = load(Cohort, cohort_id)
    run = runs.run_numbered(cohort.id, number)
    if run is None:
        abort(404)
    return cohort, run


@bp.get("/staff/cohorts/<int:cohort_id>/matching/runs/<int:number>")
@staff_required
def run_page(cohort_id: int, number: int):
    cohort, run = _run(cohort_id, number)
    return render_template("mentoring/runs/run.html", cohort=cohort, report=runs.report(run),
                           proposed=run.status == RunStatus.PROPOSED, confirm=ConfirmForm(), locale=current_locale())


@bp.post("/staff/cohorts/<int:cohort_id>/matching/runs/<int:number>/publish")
@staff_required
def publish_run(cohort_id: int, number: int):
    cohort, run = _run(cohort_id, number)
    if ConfirmForm().validate_on_submit() and act(
            lambda: publishing.publish(current_user, run),
            lambda made: _("Run %(number)d is published: %(count)d mentors have been asked to confirm their "
                           "mentees.", number=run.number, count=len({pair.mentor_id for pair in made}))):
        return _back(cohort.id, "runs")
    return redirect(url_for("mentoring.run_page", cohort_id=cohort.id, number=run.number))

