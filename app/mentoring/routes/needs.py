"""A participant states what they need from a mentor in their cohort (/mentoring/needs/<cohort_id>); anyone else,
staff included, gets a 404 (the page is the participant's own)."""

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.cohorts.models import Cohort
from app.cohorts.services.access import cohorts_of, is_participant
from app.core.i18n import current_locale
from app.core.navigation import register_home_panel
from app.core.permissions import Role
from app.core.routing import attempt, load
from app.mentoring.forms.needs import NeedsForm
from app.mentoring.routes import bp
from app.mentoring.services import needs as service


def needs_panel(user) -> str:
    """On a participant's home page: their cohorts with the way to state (or update) their needs."""
    cohorts = cohorts_of(user.id)
    if not cohorts:
        return ""
    given = service.cohorts_with_needs(user.id)
    return render_template("mentoring/needs/panel.html", cohorts=cohorts, given=given)


register_home_panel([Role.APPLICANT], needs_panel, order=16)

FIELDS = ("subsectors", "topics", "languages", "preferred_language", "hours_start", "hours_end", "zone",
          "share_phone")


@bp.route("/mentoring/needs/<int:cohort_id>", methods=["GET", "POST"])
def needs(cohort_id: int):
    cohort = load(Cohort, cohort_id, may=is_participant, denied=404)
    participant = service.participant_in(current_user, cohort)
    saved = service.needs_of(participant.id)
    form = NeedsForm(obj=saved)
    mentors = service.cohort_mentors(cohort.id)
    form.set_mentors([(user.id, service.mentor_label(user, profile)) for user, profile, _link in mentors])
    if saved is not None and not form.is_submitted():
        for name, mentor_id in zip(form.MENTOR_FIELDS, saved.preferred_mentor_ids, strict=False):
            getattr(form, name).data = mentor_id
    elif saved is None and not form.is_submitted():
        form.languages.data = ["id"]
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in FIELDS}
        values["preferred_mentor_ids"] = form.preferred_mentor_ids()
        done = attempt(form, lambda: service.save_needs(current_user, participant, **values),
                       success=_("Thank you: your needs have been saved."),
                       then=url_for("mentoring.needs", cohort_id=cohort.id))
        if done:
            return done
    return render_template("mentoring/needs/form.html", form=form, cohort=cohort, saved=saved, mentors=mentors,
                           locale=current_locale())
