"""Cohort pages for staff: the list, a cohort (participants, flags, curriculum), its form, admitting participants
from accepted applications, and the sessions' form.

Every page is staff-only; forms go through `attempt` (one service call, one commit, Post/Redirect/Get).
"""

from zoneinfo import ZoneInfo

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.cohorts.forms.staff import DEFAULT_MIN_ATTENDANCE, AdmitForm, CohortForm, SessionForm
from app.cohorts.models import Cohort, CohortParticipant, CohortSession
from app.cohorts.routes import bp
from app.cohorts.services import admitting, cohorts, curriculum, milestones
from app.core.forms import ConfirmForm
from app.core.i18n import current_locale
from app.core.permissions import staff_required
from app.core.routing import act, attempt, load
from app.festival.services.editions import list_editions

COHORT_FIELDS = ("name_ind", "name_en", "partner", "starts_on", "ends_on", "capacity", "mode", "description",
                 "edition_id", "min_attendance_percent")
SESSION_TEXT = ("kind", "title_ind", "title_en", "facilitator", "facilitator_in_darwin", "zone", "place",
                "online_url", "language")


@bp.get("/staff/cohorts")
@staff_required
def staff_list():
    return render_template("cohorts/staff/list.html", cohorts=cohorts.list_cohorts(), counts=cohorts.counts(),
                           locale=current_locale())


def _cohort_form(cohort: Cohort | None):
    form = CohortForm(obj=cohort)
    form.set_editions(list_editions())
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in COHORT_FIELDS}
        values.update({name: values[name] or "" for name in ("name_en", "partner", "description")})
        if values["min_attendance_percent"] is None:  # left empty: the rule stays as it is
            values["min_attendance_percent"] = cohort.min_attendance_percent if cohort else DEFAULT_MIN_ATTENDANCE
        done = attempt(
            form, lambda: cohorts.create_cohort(current_user, **values) if cohort is None
            else cohorts.update_cohort(current_user, cohort, **values),
            success=lambda saved: _("The cohort %(name)s has been saved.", name=saved.name(current_locale())),
            then=lambda saved: url_for("cohorts.staff_cohort", cohort_id=saved.id))
        if done:
            return done
    return render_template("cohorts/staff/cohort_form.html", form=form, cohort=cohort, locale=current_locale())


@bp.route("/staff/cohorts/new", methods=["GET", "POST"])
@staff_required
def new_cohort():
    return _cohort_form(None)


@bp.route("/staff/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_cohort(cohort_id: int):
    return _cohort_form(load(Cohort, cohort_id))


@bp.get("/staff/cohorts/<int:cohort_id>")
@staff_required
def staff_cohort(cohort_id: int):
    cohort = load(Cohort, cohort_id)
    people = admitting.participants(cohort)
    return render_template("cohorts/staff/cohort.html", cohort=cohort, people=people,
                           admitted=cohorts.admitted_count(cohort.id), sessions=curriculum.sessions_of(cohort.id),
                           milestones=milestones.with_report_counts(cohort), locale=current_locale(),
                           confirm=ConfirmForm())


@bp.route("/staff/cohorts/<int:cohort_id>/admit", methods=["GET", "POST"])
@staff_required
def admit(cohort_id: int):
    cohort = load(Cohort, cohort_id)
    form = AdmitForm()
    if form.validate_on_submit():
        chosen = list(form.application_ids.data or [])
        done = attempt(form, lambda: admitting.admit(current_user, cohort, chosen),
                       success=lambda admitted: _("%(count)d admitted to the cohort.", count=len(admitted)),
                       then=url_for("cohorts.staff_cohort", cohort_id=cohort.id))
        if done:
            return done
    return render_template("cohorts/staff/admit.html", cohort=cohort, form=form, locale=current_locale(),
                           candidates=admitting.candidates(cohort), admitted=cohorts.admitted_count(cohort.id))


@bp.post("/staff/cohorts/participants/<int:participant_id>/withdraw")
@staff_required
def withdraw_participant(participant_id: int):
    participant = load(CohortParticipant, participant_id)
    if ConfirmForm().validate_on_submit():
        act(lambda: admitting.withdraw(current_user, participant),
            _("The person has left the cohort; the place is free."))
    return redirect(url_for("cohorts.staff_cohort", cohort_id=participant.cohort_id, _anchor="participants"))


def _session_values(form: SessionForm) -> dict:
    zone = ZoneInfo(form.zone.data)
    values = {name: getattr(form, name).data for name in SESSION_TEXT}
    values.update({name: values[name] or "" for name in ("title_en", "facilitator", "place", "online_url")})
    values["starts_at"] = form.starts_at.data.replace(tzinfo=zone)
    values["ends_at"] = form.ends_at.data.replace(tzinfo=zone)
    return values


def _session_form(cohort: Cohort, session: CohortSession | None):
    form = SessionForm(obj=session)
    if session is not None and not form.is_submitted():  # shown again in the zone they were entered in
        zone = ZoneInfo(session.zone.value)
        form.starts_at.data = session.starts_at.astimezone(zone).replace(tzinfo=None)
        form.ends_at.data = session.ends_at.astimezone(zone).replace(tzinfo=None)
    if form.validate_on_submit():
        values = _session_values(form)
        done = attempt(
            form, lambda: curriculum.add_session(current_user, cohort, **values) if session is None
            else curriculum.update_session(current_user, session, **values),
            success=_("The session has been saved."),
            then=url_for("cohorts.staff_cohort", cohort_id=cohort.id, _anchor="curriculum"))
        if done:
            return done
    return render_template("cohorts/staff/session_form.html", form=form, cohort=cohort, session=session,
                           locale=current_locale())


@bp.route("/staff/cohorts/<int:cohort_id>/sessions/new", methods=["GET", "POST"])
@staff_required
def new_session(cohort_id: int):
    return _session_form(load(Cohort, cohort_id), None)


@bp.route("/staff/cohorts/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_session(session_id: int):
    session = load(CohortSession, session_id)
    return _session_form(session.cohort, session)
