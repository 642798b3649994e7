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
    from app.core.clock import now_utc
    from app.festival.services import drafts
    from app.festival.services.workflow import STATUS_LABELS

    return render_template(
        "accounts/home_applicant.html", applications=drafts.applications_of(current_user),
        open_calls=drafts.open_calls(now_utc(), user=current_user), STATUS_LABELS=STATUS_LABELS,
        STEP_TITLES=drafts.STEP_TITLES,
    )


@bp.get("/mentor")
@role_required(Role.MENTOR)
def mentor_home():
    return render_template("accounts/home_mentor.html", mentees=[])


@bp.get("/reviewer")
@role_required(Role.REVIEWER)
def reviewer_home():
    from app.festival.services.reviewing import work_of  # the festival package builds on accounts, not back

    return render_template("accounts/home_reviewer.html", work=work_of(current_user))
