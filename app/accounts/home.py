"""After login each role lands on its own home page."""

from flask import redirect, render_template, url_for
from flask_login import current_user

from app.accounts.routes import bp
from app.core.permissions import Role, role_required


@bp.get("/home")
def home():
    if current_user.role == Role.STAFF:
        return redirect(url_for("staff.dashboard"))
    if current_user.role == Role.MENTOR:
        return redirect(url_for("accounts.mentor_home"))
    if current_user.role == Role.REVIEWER:
        return redirect(url_for("accounts.reviewer_home"))
    return redirect(url_for("accounts.applicant_home"))


@bp.get("/applicant")
@role_required(Role.APPLICANT)
def applicant_home():
    return render_template("accounts/home_applicant.html", applications=[])


@bp.get("/mentor")
@role_required(Role.MENTOR)
def mentor_home():
    return render_template("accounts/home_mentor.html", mentees=[])


@bp.get("/reviewer")
@role_required(Role.REVIEWER)
def reviewer_home():
    return render_template("accounts/home_reviewer.html", assignments=[])
