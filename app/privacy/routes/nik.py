"""NIK on pages: masked by the `nik_masked` filter everywhere, revealed in full to a data officer by a POST that is
logged. The number is shown in the answer to that POST (never in a URL, never cached), so each view is one entry."""

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user

from app.core.errors import DomainError
from app.core.permissions import sees_personal_data, staff_required
from app.core.routing import load
from app.extensions import db
from app.festival.models import Application
from app.privacy import nik
from app.privacy.routes import bp
from app.privacy.services import nik as nik_service


@bp.app_template_filter("nik_masked")
def nik_masked(value: str | None) -> str:
    return nik.masked(value)


@bp.app_template_global("sees_personal_data")
def _sees_personal_data(user) -> bool:
    return sees_personal_data(user)


@bp.post("/staff/applications/<int:application_id>/nik")
@staff_required
def reveal_nik(application_id: int):
    application = load(Application, application_id, lambda user, row: sees_personal_data(user))
    if application.is_draft:  # drafts stay private to their applicant
        abort(404)
    back = url_for("festival.desk_application", application_id=application.id)
    try:
        number = nik_service.reveal(current_user, application)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(back)
    db.session.commit()
    response = make_response(render_template("privacy/nik_revealed.html", application=application, number=number,
                                             back=back))
    response.headers["Cache-Control"] = "no-store"
    return response
