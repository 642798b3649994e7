"""Completion and certificates: the staff completion page (who meets the cohort's rule, confirming them, revoking a
certificate), the holder's certificates and their PDF, and the public check of a verification code.

The public check is rate limited per client address (a code has 60 random bits; the limit makes guessing pointless
and keeps the page cheap) and never shows who holds a certificate.
"""

from flask import current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.exceptions import TooManyRequests

from app.cohorts.forms.completion import RevokeCertificateForm, VerifyForm
from app.cohorts.models import Certificate, Cohort, CohortParticipant
from app.cohorts.routes import bp
from app.cohorts.services import certificate_pdf, certificates, completion
from app.core.forms import ConfirmForm
from app.core.i18n import current_locale
from app.core.permissions import public, staff_required
from app.core.routing import act, attempt, load
from app.core.security import client_address, seconds_until_free, spend_attempt

VERIFY_LIMIT = "60 per 10 minutes"  # per client address; VERIFY_LIMIT_PER_IP in the config overrides it


@bp.get("/staff/cohorts/<int:cohort_id>/completion")
@staff_required
def completion_page(cohort_id: int):
    cohort = load(Cohort, cohort_id)
    standings = completion.standings(cohort)
    return render_template("cohorts/completion/page.html", cohort=cohort, standings=standings,
                           ready=sum(1 for s in standings if s.meets and not s.completed),
                           confirm=ConfirmForm(), locale=current_locale())


@bp.post("/staff/cohorts/<int:cohort_id>/completion/confirm")
@staff_required
def confirm_all(cohort_id: int):
    cohort = load(Cohort, cohort_id)
    if ConfirmForm().validate_on_submit():
        act(lambda: completion.confirm_all(current_user, cohort),
            lambda issued: ngettext("%(num)d certificate issued.", "%(num)d certificates issued.", len(issued)))
    return redirect(url_for("cohorts.completion_page", cohort_id=cohort.id))


@bp.post("/staff/cohorts/participants/<int:participant_id>/complete")
@staff_required
def confirm_one(participant_id: int):
    participant = load(CohortParticipant, participant_id)
    if ConfirmForm().validate_on_submit():
        act(lambda: completion.confirm_one(current_user, participant),
            lambda certificate: _("Completion confirmed; certificate %(code)s issued.", code=certificate.code))
    return redirect(url_for("cohorts.completion_page", cohort_id=participant.cohort_id))


@bp.route("/staff/certificates/<int:certificate_id>/revoke", methods=["GET", "POST"])
@staff_required
def revoke_certificate(certificate_id: int):
    certificate = load(Certificate, certificate_id)
    cohort_id = certificate.participant.cohort_id
    form = RevokeCertificateForm()
    if form.validate_on_submit():
        done = attempt(form, lambda: certificates.revoke(current_user, certificate, form.reason.data),
                       success=_("The certificate has been revoked."),
                       then=url_for("cohorts.completion_page", cohort_id=cohort_id))
        if done:
            return done
    return render_template("cohorts/certificates/revoke.html", form=form, certificate=certificate,
                           cohort=certificate.participant.cohort, locale=current_locale())


@bp.get("/certificates")
def my_certificates():
    return render_template("cohorts/certificates/mine.html", rows=certificates.mine(current_user),
                           locale=current_locale())


@bp.get("/certificates/<int:certificate_id>/certificate.pdf")
def certificate_pdf_download(certificate_id: int):
    certificate = load(Certificate, certificate_id, certificates.may_download, denied=404)
    response = make_response(certificate_pdf.render(certificate))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _count_check() -> None:
    """One attempt of this client against the limit, counted before the lookup; 429 when used up."""
    limits = current_app.config.get("VERIFY_LIMIT_PER_IP", VERIFY_LIMIT)
    key = f"verify-ip:{client_address()}"
    if not spend_attempt(limits, key):
        raise TooManyRequests(retry_after=seconds_until_free(limits, key))


def _result(typed: str, form: VerifyForm):
    _count_check()
    found = certificates.verify(typed)
    return render_template("cohorts/verify/page.html", form=form, typed=typed, found=found,
                           locale=current_locale()), (200 if found else 404)


@bp.get("/verify")
@public
def verify():
    form = VerifyForm(request.args)
    if "code" not in request.args or not form.validate():
        return render_template("cohorts/verify/page.html", form=form, typed=None, found=None,
                               locale=current_locale())
    code = certificates.normalise(form.code.data)
    if code is not None:  # the canonical address, to share or bookmark
        return redirect(url_for("cohorts.verify_code", code=code))
    return _result(form.code.data, form)


@bp.get("/verify/<code>")
@public
def verify_code(code: str):
    return _result(code, VerifyForm(data={"code": code}))
