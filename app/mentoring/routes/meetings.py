"""Meetings: logging one (either side of an active pair), the participant's rating, and staff's overview of a
cohort's pairs (meetings, last contact, quiet pairs) with ending a pair.

Pairs and meetings someone is not part of answer 404 (their existence is private).
"""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.cohorts.models import Cohort
from app.core.errors import DomainError
from app.core.forms import ConfirmForm
from app.core.i18n import current_locale
from app.core.permissions import staff_required
from app.core.routing import act, attempt, load
from app.mentoring.forms.meetings import MeetingForm, RatingForm
from app.mentoring.models import Meeting, Mentorship
from app.mentoring.routes import bp
from app.mentoring.routes.mentor_home import render_my_mentor
from app.mentoring.services import meetings, overview
from app.mentoring.services.access import may_see_mentorship

MEETING_FIELDS = ("held_on", "duration_minutes", "topics", "notes", "next_steps")


def _back_to(pair: Mentorship) -> str:
    """After logging: the mentor goes back to the mentee's page, the participant to their mentor's."""
    if pair.mentor_id == current_user.id:
        return url_for("mentoring.mentee", mentorship_id=pair.id, _anchor="meetings")
    return url_for("mentoring.my_mentor", _anchor="meetings")


@bp.route("/mentoring/pairs/<int:mentorship_id>/meetings/new", methods=["GET", "POST"])
def new_meeting(mentorship_id: int):
    pair = load(Mentorship, mentorship_id, may=may_see_mentorship, denied=404)
    form = MeetingForm()
    if not form.is_submitted():
        form.held_on.data = meetings.today_for(current_user)  # one tap: today and 30 minutes are filled in
        try:
            meetings.check_loggable(pair)
        except DomainError as error:
            form.form_errors.append(error.message)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in MEETING_FIELDS}
        values.update({name: values[name] or "" for name in ("topics", "notes", "next_steps")})
        done = attempt(form, lambda: meetings.log_meeting(current_user, pair, **values),
                       success=_("The meeting has been logged."), then=_back_to(pair))
        if done:
            return done
    return render_template("mentoring/meetings/new.html", form=form, pair=pair, locale=current_locale(),
                           back=_back_to(pair))


@bp.post("/mentoring/meetings/<int:meeting_id>/rating")
def rate_meeting(meeting_id: int):
    meeting = load(Meeting, meeting_id, may=meetings.may_rate, denied=404)
    form = RatingForm()
    if form.validate_on_submit():
        done = attempt(form, lambda: meetings.rate_meeting(current_user, meeting, form.rating.data),
                       success=_("Thank you, your rating has been saved."),
                       then=url_for("mentoring.my_mentor", _anchor=f"meeting-{meeting.id}"))
        if done:
            return done
    return render_my_mentor(form, meeting.id), 200


@bp.get("/staff/cohorts/<int:cohort_id>/mentoring")
@staff_required
def overview_page(cohort_id: int):
    cohort = load(Cohort, cohort_id)
    only_quiet = request.args.get("quiet") == "1"
    return render_template("mentoring/overview/pairs.html", cohort=cohort, only_quiet=only_quiet,
                           lines=overview.cohort_pairs(cohort.id, only_quiet), today=overview.programme_today(),
                           locale=current_locale())


@bp.route("/staff/mentoring/pairs/<int:mentorship_id>/end", methods=["GET", "POST"])
@staff_required
def end_pair(mentorship_id: int):
    """A confirmation page, then the pair ends (the participant can be matched again)."""
    pair = load(Mentorship, mentorship_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        act(lambda: overview.end_pair(current_user, pair), _("The pair has ended."))
        return redirect(url_for("mentoring.overview_page", cohort_id=pair.cohort_id))
    return render_template("mentoring/overview/end.html", pair=pair, form=form, locale=current_locale())
