"""Public pages: the privacy notice, and the link a parent or guardian confirms their consent through."""

from flask import current_app, redirect, render_template, url_for
from flask_babel import force_locale

from app.core.errors import InvalidToken
from app.core.forms import ConfirmForm
from app.core.permissions import public
from app.extensions import db
from app.privacy import consent_texts
from app.privacy.routes import bp
from app.privacy.services import guardian as guardian_service

RETENTION_MONTHS_DEFAULT = 24
CONTACT_DEFAULT = "privasi@dyouth.denpasarkota.go.id"
MY_DATA = "privacy.my_data_page"  # the erasure part's page: access, download, deletion


@bp.get("/privacy")
@public
def privacy():
    config = current_app.config
    return render_template(
        "privacy/privacy.html", consent=consent_texts.text(),
        retention_months=config.get("PRIVACY_RETENTION_MONTHS", RETENTION_MONTHS_DEFAULT),
        contact_email=config.get("PRIVACY_CONTACT_EMAIL") or CONTACT_DEFAULT,
        my_data_url=url_for(MY_DATA) if MY_DATA in current_app.view_functions else None,
    )


def _guardian_page(guardian, form, **context):
    """In the applicant's language: the guardian reads what the applicant read (and the mail they got)."""
    application = guardian.application
    locale = application.applicant.locale
    with force_locale(locale):
        return render_template(
            "privacy/guardian_confirm.html", guardian=guardian, form=form, locale=locale,
            consent=consent_texts.text(guardian.text_version), application=application,
            applicant_name=application.full_name or application.applicant.name,
            call_name=application.call.name(locale), **context)


def _invalid(error: InvalidToken):
    return render_template("accounts/token_invalid.html", message=error.message, retry_url=None), 400


@bp.get("/guardian/<token>")
@public
def guardian(token: str):
    try:
        row = guardian_service.find(token)
    except InvalidToken as error:
        return _invalid(error)
    response = current_app.make_response(_guardian_page(row, ConfirmForm()))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the address
    return response


@bp.post("/guardian/<token>")
@public
def guardian_confirm(token: str):
    form = ConfirmForm()
    if not form.validate_on_submit():
        return guardian(token)
    try:
        guardian_service.confirm(token)  # a second click confirms nothing more, and says it is done
    except InvalidToken as error:
        db.session.rollback()
        return _invalid(error)
    db.session.commit()
    return redirect(url_for("privacy.guardian", token=token), code=303)
