"""A participant's pages: their cohorts, a cohort's sessions in their own time zone (Denpasar and Darwin side by side
for cross-border sessions) and its milestones with their reports, a session as an `.ics` file, and their private
calendar address.

A cohort or session of a cohort the viewer is not admitted to answers 404, whoever asks (its existence is private).
"""

from flask import Response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.cohorts.models import Cohort, CohortSession
from app.cohorts.routes import bp
from app.cohorts.services import access, calendar, curriculum, reports
from app.cohorts.services.times import span, zones_for
from app.core.forms import ConfirmForm
from app.core.i18n import current_locale
from app.core.mail import external_url
from app.core.routing import act, load


def ics_response(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})


@bp.app_template_global("session_span")
def session_span(session, zone: str) -> str:
    return span(session.starts_at, session.ends_at, str(zone))


@bp.app_template_global("session_zones")
def session_zones(session) -> list:
    return zones_for(session)


@bp.get("/cohorts")
def mine():
    """The cohorts the viewer is in, and their private calendar address."""
    feed = calendar.feed_of(current_user.id)
    feed_url = external_url("cohorts.feed", token=feed.token) if feed else None
    return render_template("cohorts/mine/list.html", cohorts=access.cohorts_of(current_user.id), feed_url=feed_url,
                           locale=current_locale(), confirm=ConfirmForm())


@bp.get("/cohorts/<int:cohort_id>")
def cohort(cohort_id: int):
    cohort = load(Cohort, cohort_id, may=access.is_participant, denied=404)
    return render_template("cohorts/mine/cohort.html", cohort=cohort, sessions=curriculum.sessions_of(cohort.id),
                           progress=reports.progress_of(cohort.id, current_user.id), locale=current_locale())


@bp.get("/cohorts/sessions/<int:session_id>.ics")
def session_ics(session_id: int):
    session = load(CohortSession, session_id, may=access.may_see_session, denied=404)
    return ics_response(calendar.session_calendar(session, current_user), f"dyouth-session-{session.id}.ics")


@bp.post("/cohorts/calendar-link")
def reset_calendar():
    """Make (or replace) the viewer's private calendar address: the old one stops working at once."""
    if ConfirmForm().validate_on_submit():
        act(lambda: calendar.new_token(current_user),
            _("Your new calendar address is ready. The old address no longer works."))
    return redirect(url_for("cohorts.mine", _anchor="calendar"))
