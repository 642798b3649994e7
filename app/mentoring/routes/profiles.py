"""Mentor profiles: a mentor edits their own (/mentoring/profile); staff see every mentor (/staff/mentors) and may edit
any profile."""

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.accounts.models import User
from app.core.i18n import current_locale
from app.core.navigation import register_nav_item
from app.core.permissions import Role, role_required, staff_required
from app.core.routing import attempt, load
from app.core.vocab import Subsector
from app.mentoring.forms.profiles import ProfileForm
from app.mentoring.routes import bp
from app.mentoring.services import profiles
from app.mentoring.vocab import Function, Language

FIELDS = ("organisation", "country", "subsectors", "functions", "languages", "capacity", "hours_start", "hours_end",
          "zone", "bio")

VOCABULARIES = {"language": Language, "subsector": Subsector, "function": Function}

register_nav_item([Role.MENTOR], "mentoring.profile", _l("My profile"), order=62)
register_nav_item([Role.STAFF], "mentoring.staff_mentors", _l("Mentors"), order=52)


@bp.app_template_filter("mentoring_label")
def mentoring_label(value: str, kind: str) -> str:
    """A stored vocabulary value (`kind`: language, subsector, function) as its label."""
    vocabulary = VOCABULARIES[kind]
    return vocabulary(value).label if value in {member.value for member in vocabulary} else value


def _profile_page(mentor: User, then: str):
    profile = profiles.profile_of(mentor.id)
    form = ProfileForm(obj=profile)
    if profile is None and not form.is_submitted():
        form.languages.data = ["en"]
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in FIELDS}
        values.update({name: values[name] or "" for name in ("organisation", "bio")})
        done = attempt(form, lambda: profiles.save_profile(current_user, mentor, **values),
                       success=_("The profile has been saved."), then=then)
        if done:
            return done
    return render_template("mentoring/profiles/form.html", form=form, mentor=mentor, profile=profile,
                           own=mentor.id == current_user.id, locale=current_locale())


@bp.route("/mentoring/profile", methods=["GET", "POST"])
@role_required(Role.MENTOR)
def profile():
    return _profile_page(current_user, url_for("mentoring.profile"))


@bp.get("/staff/mentors")
@staff_required
def staff_mentors():
    return render_template("mentoring/profiles/list.html", mentors=profiles.mentors(), locale=current_locale())


def _is_mentor(user, mentor: User) -> bool:
    return mentor.has_role(Role.MENTOR)


@bp.route("/staff/mentors/<int:user_id>/profile", methods=["GET", "POST"])
@staff_required
def staff_profile(user_id: int):
    mentor = load(User, user_id, may=_is_mentor, denied=404)
    return _profile_page(mentor, url_for("mentoring.staff_mentors"))
