"""One home page for everyone, made of the panels each domain registers for the roles the user holds
(`app/core/navigation.py`); accounts imports no domain. The old per-role addresses still work and show that
role's panels only."""

from flask import render_template
from flask_login import current_user

from app.accounts.routes import bp
from app.core.navigation import home_panels_for, nav_items_for
from app.core.permissions import Role, role_required


@bp.app_template_global()
def navigation() -> list:
    """The menu items of the current user's roles, for the layout."""
    return nav_items_for(current_user)


@bp.get("/home")
def home():
    return render_template("accounts/home.html", panels=home_panels_for(current_user))


def _home_of(role: Role):
    return render_template("accounts/home.html", panels=home_panels_for(current_user, only=role))


@bp.get("/applicant")
@role_required(Role.APPLICANT)
def applicant_home():
    return _home_of(Role.APPLICANT)


@bp.get("/mentor")
@role_required(Role.MENTOR)
def mentor_home():
    return _home_of(Role.MENTOR)


@bp.get("/reviewer")
@role_required(Role.REVIEWER)
def reviewer_home():
    return _home_of(Role.REVIEWER)
