"""Progress reports.

Staff: the cohort's reports to review. A participant: the report form per milestone. The report's page (participant,
their mentor, staff; anyone else 404): its text and file, the comments and the comment form, and staff's decision.
"""

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.cohorts.forms.progress import CommentForm, DecisionForm, ReportForm
from app.cohorts.models import Cohort, Milestone, ProgressReport, ReportStatus
from app.cohorts.routes import bp
from app.cohorts.services import reports
from app.core import uploads
from app.core.i18n import current_locale
from app.core.permissions import staff_required
from app.core.routing import attempt, load

# Reports ------------------------------------------------------------------------------------------------------

@bp.get("/staff/cohorts/<int:cohort_id>/reports")
@staff_required
def staff_reports(cohort_id: int):
    cohort = load(Cohort, cohort_id)
    try:
        status = ReportStatus(request.args.get("status", ""))
    except ValueError:  # none chosen (or a made-up one): every report
        status = None
    return render_template("cohorts/reports/staff_list.html", cohort=cohort, rows=reports.for_review(cohort.id, status),
                           status=status, statuses=list(ReportStatus), locale=current_locale())


def _remove_replaced(submitted: reports.Submitted) -> None:
    """The file a resubmission replaced leaves the disk once the new one is committed."""
    if submitted.replaced_key:
        uploads.remove_stored(submitted.replaced_key)


@bp.route("/cohorts/milestones/<int:milestone_id>/report", methods=["GET", "POST"])
def submit_report(milestone_id: int):
    """The participant's report on a milestone: written first, or again (after changes were asked for)."""
    milestone = load(Milestone, milestone_id, may=reports.may_submit, denied=404)
    report = reports.report_on(milestone, current_user.id)
    if report is not None and report.status == ReportStatus.ACCEPTED and request.method == "GET":
        return redirect(url_for("cohorts.report", report_id=report.id))  # final: nothing left to send
    form = ReportForm(obj=report)  # starts from what was sent (a POST's own data comes first)
    if form.validate_on_submit():
        sent = form.file.data
        upload = reports.Upload(sent.read(), sent.filename) if sent and sent.filename else None
        done = attempt(form, lambda: reports.submit(current_user, milestone, form.text.data or "", upload),
                       success=_("Your report has been sent."),
                       then=lambda submitted: url_for("cohorts.report", report_id=submitted.report.id),
                       after=_remove_replaced)
        if done:
            return done
    return render_template("cohorts/reports/submit.html", form=form, milestone=milestone, report=report,
                           cohort=milestone.cohort, locale=current_locale())


def _report_page(report: ProgressReport, comment_form: CommentForm, decision_form: DecisionForm):
    return render_template("cohorts/reports/report.html", report=report, milestone=report.milestone,
                           cohort=report.milestone.cohort, author=report.participant.user, comments=report.comments,
                           comment_form=comment_form, decision_form=decision_form,
                           is_author=reports.is_author(current_user, report), is_staff=reports.is_staff(current_user),
                           locale=current_locale())


@bp.route("/cohorts/reports/<int:report_id>", methods=["GET", "POST"])
def report(report_id: int):
    """The report, its comments, and (POST) a new comment."""
    report = load(ProgressReport, report_id, may=reports.may_see, denied=404)
    form = CommentForm()
    if form.validate_on_submit():
        done = attempt(form, lambda: reports.comment(current_user, report, form.body.data),
                       success=_("Your comment has been added."),
                       then=url_for("cohorts.report", report_id=report.id, _anchor="comments"))
        if done:
            return done
    return _report_page(report, form, DecisionForm(formdata=None))


@bp.post("/cohorts/reports/<int:report_id>/decision")
@staff_required
def decide_report(report_id: int):
    report = load(ProgressReport, report_id)
    form = DecisionForm()
    if form.validate_on_submit():
        decision, note = form.decision.data, form.comment.data or ""
        done = attempt(form, lambda: reports.decide(current_user, report, decision, note),
                       success=lambda decided: _("The report is now: %(status)s.", status=decided.status.label),
                       then=url_for("cohorts.report", report_id=report.id))
        if done:
            return done
    return _report_page(report, CommentForm(formdata=None), form)


@bp.get("/cohorts/reports/<int:report_id>/file")
def report_file(report_id: int):
    report = load(ProgressReport, report_id, may=reports.may_see, denied=404)
    if report.file_key is None:
        abort(404)
    try:  # streamed from storage, or a redirect to a short-lived signed URL (S3_SERVE=redirect)
        return uploads.send_stored(report.file_key, report.file_content_type, report.file_name)
    except FileNotFoundError:
        abort(404)
