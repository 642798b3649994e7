"""The applicant's side of a guardian's consent: naming the parent or guardian, which mails them the link.

The review step shows this form inline (festival/apply/step_review.html includes privacy/_guardian_panel.html);
this page shows it again with the messages when something was wrong.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.routing import attempt, load
from app.festival.models import Application
from app.privacy import consent_texts
from app.privacy.guardian_form import GuardianForm, review_panel
from app.privacy.routes import bp
from app.privacy.services import guardian as guardian_service


def _review_url(application: Application) -> str:
    return url_for("festival.step", application_id=application.id, step=5, _anchor="guardian-consent")


@bp.route("/applications/<int:application_id>/guardian", methods=["GET", "POST"])
def guardian_details(application_id: int):
    application = load(Application, application_id, lambda user, row: row.applicant_id == user.id,
                       locked=request.method == "POST", denied=404)
    if not application.is_draft:
        return redirect(url_for("festival.application", application_id=application.id))
    today = guardian_service.today_in_denpasar()
    panel = review_panel(application, today)
    if panel is None:
        flash(_("You are 18 or older: no consent of a parent or guardian is needed."), "info")
        return redirect(url_for("festival.step", application_id=application.id, step=5))
    form = GuardianForm() if request.method == "POST" else panel.form
    if form.validate_on_submit():
        done = attempt(
            form, lambda: guardian_service.request_consent(current_user, application, today, **form.values()),
            success=lambda row: _("We have e-mailed %(email)s a link to confirm their consent. You can submit "
                                  "once they have confirmed.", email=row.email),
            then=_review_url(application))
        if done:
            return done
    return render_template("privacy/guardian_details.html", application=application, form=form, panel=panel,
                           consent=consent_texts.text())
