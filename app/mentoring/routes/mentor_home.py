"""The mentor's pages: their home (mentees, next sessions in their zone, calendar link) and a mentee's page; and the
participant's "My mentor" page.

A mentee's page answers 404 to anyone but the pair's mentor (its existence is private), even to another mentor.
"""

from flask import current_app, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError

from app.cohorts.services import calendar
from app.core.forms import ConfirmForm
from app.core.i18n import TimeZone, current_locale, select_timezone
from app.core.mail import external_url
from app.core.permissions import Role, role_required
from app.core.routing import act, load
from app.mentoring.forms.meetings import RatingForm
from app.mentoring.models import Mentorship
from app.mentoring.routes import bp
from app.mentoring.services import home as home_service
from app.mentoring.services import meetings, mentees
from app.mentoring.vocab import Language


@bp.app_template_global("mentoring_url")
def mentoring_url(endpoint: str, **values) -> str | None:
    """A URL of a page another part of mentoring adds (accept, decline, reports), or None while it does not exist."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


@bp.get("/mentoring")
@role_required(Role.MENTOR)
def home():
    view = home_service.mentor_home(current_user)
    feed_url = external_url("cohorts.feed", token=view.feed.token) if view.feed else None
    return render_template("mentoring/home/home.html", view=view, feed_url=feed_url, locale=current_locale(),
                           confirm=ConfirmForm())


@bp.post("/mentoring/calendar-link")
@role_required(Role.MENTOR)
def reset_calendar():
    """The mentor's private calendar address (the sessions of the cohorts they serve); a new one revokes the old."""
    if ConfirmForm().validate_on_submit():
        act(lambda: calendar.new_token(current_user),
            _("Your new calendar address is ready. The old address no longer works."))
    return redirect(url_for("mentoring.home", _anchor="calendar"))


@bp.get("/mentoring/mentees/<int:mentorship_id>")
@role_required(Role.MENTOR)
def mentee(mentorship_id: int):
    pair = load(Mentorship, mentorship_id, may=meetings.is_pairs_mentor, denied=404)
    return render_template("mentoring/mentees/mentee.html", view=mentees.mentee_view(pair), locale=current_locale())


def render_my_mentor(rating_form: RatingForm | None = None, rated_id: int | None = None):
    """The participant's mentor (hours shown in the participant's zone) and their meetings, each with its rating
    form (`rated_id`: the meeting whose rating came back with an error)."""
    pair = meetings.mentor_of(current_user.id)
    profile = mentees.profile_of(pair.mentor_id) if pair else None
    hours = mentees.hours_in(profile, select_timezone()) if profile else None
    languages = mentees.labels(Language, profile.languages) if profile else []
    return render_template("mentoring/mentees/my_mentor.html", pair=pair, profile=profile, hours=hours,
                           languages=languages,
                           zone=TimeZone(select_timezone()), meetings=meetings.meetings_of(pair) if pair else [],
                           rating_form=rating_form or RatingForm(formdata=None), rated_id=rated_id,
                           locale=current_locale())


@bp.get("/mentoring/my-mentor")
@role_required(Role.APPLICANT)
def my_mentor():
    return render_my_mentor()
