"""Festival pages for applicants: the open calls, the five steps of a draft, autosave, submission, the status page,
the printable summary and withdrawal.

Someone else's application answers 404 (its existence is not revealed); a submitted one is read-only and every step
URL sends the applicant to its status page.
"""

from typing import Any
from urllib.parse import quote

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_time, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.core.clock import now_utc
from app.core.db import get_or_404
from app.core.errors import DomainError, show_on_form
from app.core.navigation import next_steps_for
from app.core.permissions import Role, public, role_required
from app.core.routing import load
from app.extensions import db
from app.festival.forms.apply import (
    AboutYouForm,
    BusinessForm,
    SubmitForm,
    WithdrawForm,
    files_form,
    phone_as_typed,
    question_form,
)
from app.festival.models import Application, Call
from app.festival.models.application import ApplicationStatus as S
from app.festival.routes import bp
from app.festival.services import drafts, prefill, uploads
from app.festival.services.access import can_follow_application, is_owner_or_staff
from app.privacy import consent_texts
from app.privacy.guardian_form import review_panel
from app.privacy.services import guardian as guardian_service

LAST_STEP = drafts.STEPS[-1]


def _locale() -> str:
    return str(get_locale())


def _render(template: str, **context: Any) -> str:
    return render_template(
        f"festival/apply/{template}", STEP_TITLES=drafts.STEP_TITLES, STEPS=drafts.STEPS, locale=_locale(), S=S,
        **context,
    )


def _own_application(application_id: int) -> Application:
    """The applicant's own application (404 otherwise); a request that may change it holds its row lock from here,
    so that what the route checks is what the service changes."""
    return load(Application, application_id, lambda user, row: row.applicant_id == user.id,
                locked=request.method == "POST", denied=404)


def _viewable_application(application_id: int) -> Application:
    return load(Application, application_id, can_follow_application, denied=404)


def _step_url(application: Application, step: int, **args: Any) -> str:
    return url_for("festival.step", application_id=application.id, step=step, **args)


def _status_url(application: Application) -> str:
    return url_for("festival.application", application_id=application.id)


# --- the open calls, and starting a draft ---------------------------------------------------------------------------

@bp.get("/festival")
@public
def calls():
    now = now_utc()
    mine = {}
    if current_user.is_authenticated:
        mine = {a.call_id: a for a in drafts.applications_of(current_user)}
    editions = drafts.listed_editions(now.date())
    return _render("calls.html", editions=editions, now=now, mine=mine, Role=Role)


@bp.post("/festival/calls/<int:call_id>/apply")
@role_required(Role.APPLICANT)
def start(call_id: int):
    call = get_or_404(Call, call_id)
    try:
        application = drafts.start_draft(call, actor=current_user)
        prefilled = prefill.prefill_business(application, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("festival.calls"))
    db.session.commit()
    flash(_("Your draft is ready. It is saved as you go: you can stop and come back at any time."), "success")
    if prefilled:
        flash(_("We filled in your business details from your last application: check them in step 2."), "info")
    return redirect(_step_url(application, 1))


# --- the steps ------------------------------------------------------------------------------------------------------

def _step_form(application: Application, step: int):
    if step == 1:
        form = AboutYouForm(obj=application, festival_day=application.call.edition.starts_on,
                            stored_birth_date=application.date_of_birth)
        if request.method == "GET":
            form.phone.data = phone_as_typed(application.phone_e164)
        return form
    if step == 2:
        return BusinessForm(obj=application)
    return question_form(drafts.text_questions(application.call), _locale(), application.answers)


def _target(application: Application, step: int, action: str) -> str:
    if action.startswith("goto-") and action[5:].isdigit() and int(action[5:]) in drafts.STEPS:
        return _step_url(application, int(action[5:]))
    if action == "previous":
        return _step_url(application, max(step - 1, 1))
    if action == "next":
        return _step_url(application, min(step + 1, LAST_STEP))
    flash(_("Your draft is saved. You can come back to it at any time, from any device."), "success")
    return _step_url(application, step)


def _check_mode(form) -> None:
    """?check=1: show what is missing on the fields, as the submission found it."""
    form.validate()
    if "csrf_token" in form:
        form.csrf_token.errors = []


@bp.route("/applications/<int:application_id>/step/<int:step>", methods=["GET", "POST"])
def step(application_id: int, step: int):
    if step not in drafts.STEPS:
        abort(404)
    application = _own_application(application_id)
    if not application.is_draft:
        if request.method == "POST":  # a second click on "submit", or a tab left open
            flash(_("This application has already been submitted; it can no longer be changed."), "info")
        return redirect(_status_url(application))
    if step == 4:
        return _files_step(application)
    if step == 5:
        return _review_step(application)
    form = _step_form(application, step)
    if request.method == "POST":
        form.validate()
        try:
            drafts.save_step(application, step, form.values(present=request.form), actor=current_user)
        except DomainError as error:  # a rule the form did not catch: nothing is saved, the message is shown
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()
            action = request.form.get("action", "next")
            if not form.format_errors() and not (action == "next" and form.errors):
                return redirect(_target(application, step, action))
    elif request.args.get("check"):
        _check_mode(form)
    return _render("step_form.html", application=application, step=step, form=form,
                   autosave_url=url_for("festival.autosave", application_id=application.id, step=step))


def _files_step(application: Application):
    questions = drafts.pdf_questions(application.call)
    form = files_form(questions, _locale())
    if request.method == "GET":
        if request.args.get("check"):
            for missing in drafts.missing_answers(application):
                if missing.step == 4 and missing.field in form:
                    show_on_form(form, DomainError(missing.message, field=missing.field))
        return _render("step_files.html", application=application, step=4, form=form, questions=questions,
                       max_photos=uploads.MAX_PHOTOS)

    refused, replaced, added = False, [], []
    uploaded = [(f, "photos", None) for f in request.files.getlist("photos")]
    uploaded += [(request.files.get(f"pdf_{q.key}"), f"pdf_{q.key}", q.key) for q in questions]
    for storage, field, key in uploaded:
        if storage is None or not storage.filename:
            continue
        data = storage.read()
        try:
            if key is None:
                added.append(uploads.add_photo(application, data, storage.filename, actor=current_user).storage_key)
            else:
                record, replaced_key = uploads.add_pdf(application, key, data, storage.filename, current_user, field)
                added.append(record.storage_key)
                replaced.append(replaced_key)
        except DomainError as error:
            refused = True
            message = _("%(file)s: %(problem)s", file=storage.filename, problem=error.message)
            show_on_form(form, DomainError(message, field=error.field or field))
    drafts.save_step(application, 4, {}, actor=current_user)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        for storage_key in added:  # files of rows that were never saved
            uploads.remove_stored(storage_key)
        raise
    for storage_key in filter(None, replaced):
        uploads.remove_stored(storage_key)
    if refused:
        return _render("step_files.html", application=application, step=4, form=form, questions=questions,
                       max_photos=uploads.MAX_PHOTOS)
    return redirect(_target(application, 4, request.form.get("action", "upload")))


def _review_step(application: Application):
    form = SubmitForm()
    if request.method == "POST":
        action = request.form.get("action", "submit")
        if action != "submit":
            return redirect(_target(application, LAST_STEP, action))
        try:
            drafts.submit(application, consent=bool(form.consent.data), actor=current_user)
        except drafts.Incomplete as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(_step_url(application, error.first_step, check=1))
        except DomainError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()
            flash(_("Your application has been submitted. Your reference number is %(reference)s; we have e-mailed "
                    "you a receipt.", reference=application.reference), "success")
            return redirect(_status_url(application))
    missing = drafts.missing_answers(application)
    return _render("step_review.html", application=application, step=5, form=form, missing=missing,
                   deadline_passed=now_utc() >= application.call.edition.applications_close_at,
                   show_personal=True, consent_text=consent_texts.text(),
                   guardian=review_panel(application, guardian_service.today_in_denpasar()))


@bp.post("/applications/<int:application_id>/step/<int:step>/autosave")
def autosave(application_id: int, step: int):
    """Saves the valid fields of a step (sent by autosave.js every few seconds); errors are not reported here."""
    if step not in (1, 2, 3):
        abort(404)
    application = _own_application(application_id)
    if not application.is_draft:
        return jsonify(error=_("This application can no longer be changed.")), 409
    form = _step_form(application, step)
    form.validate()
    try:
        saved_at = drafts.save_step(application, step, form.values(present=request.form), actor=current_user)
    except DomainError as error:
        db.session.rollback()
        return jsonify(error=str(error.message)), 422
    db.session.commit()
    return jsonify(saved_at=saved_at.isoformat(), message=_("Saved at %(time)s", time=format_time(saved_at, "HH:mm")))


# --- after submission -----------------------------------------------------------------------------------------------

UPCOMING = {
    S.DRAFT: (S.SUBMITTED, S.UNDER_REVIEW),
    S.SUBMITTED: (S.UNDER_REVIEW,),
    S.UNDER_REVIEW: (),
}


def _whatsapp_url(application: Application) -> str | None:
    """A "share on WhatsApp" link for the receipt: the reference and the status page's address, nothing personal."""
    if not application.reference:
        return None
    message = _("My D'Youth application: %(reference)s %(url)s", reference=application.reference,
                url=url_for("festival.application", application_id=application.id, _external=True))
    return f"https://wa.me/?text={quote(message, safe='')}"


@bp.get("/applications/<int:application_id>")
def application(application_id: int):
    """The status page: where the application stands, and its timeline in the viewer's time zone."""
    application = _viewable_application(application_id)
    is_owner = application.applicant_id == current_user.id
    return _render("status.html", application=application, upcoming=UPCOMING.get(application.status),
                   can_withdraw=drafts.can_withdraw(application, current_user), is_owner=is_owner,
                   next_steps=next_steps_for(current_user, application),
                   decision_expected_on=getattr(application.call, "decision_expected_on", None),
                   whatsapp_url=_whatsapp_url(application) if is_owner else None)


@bp.get("/applications/<int:application_id>/summary")
def summary(application_id: int):
    application = _viewable_application(application_id)
    show_personal = is_owner_or_staff(current_user, application)
    return _render("summary.html", application=application, show_personal=show_personal,
                   printed_at=now_utc())


@bp.route("/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
def withdraw(application_id: int):
    application = _own_application(application_id)
    if not drafts.can_withdraw(application, current_user):
        flash(_("This application can no longer be withdrawn."), "info")
        return redirect(_status_url(application))
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            drafts.withdraw(application, form.reason.data or "", actor=current_user)
        except DomainError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()
            flash(_("Your application has been withdrawn."), "info")
            return redirect(_status_url(application))
    return _render("withdraw.html", application=application, form=form)
