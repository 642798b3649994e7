""""My data": download everything the portal holds about you, or delete your account (then a page saying what the
programme kept and why)."""

from flask import redirect, render_template, send_file, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from app.core.clock import now_utc
from app.core.errors import AlreadyDone, DomainError, show_on_form
from app.core.permissions import public
from app.core.uploads import remove_stored
from app.extensions import db
from app.privacy.my_data_form import CONFIRM_WORD, DeleteAccountForm
from app.privacy.routes import bp
from app.privacy.services import erasure, my_data

KEPT_KEY = "privacy_erasure_kept"  # the counts the "deleted" page shows, kept in the (now anonymous) session


def _blocked() -> str | None:
    """Why the account cannot be deleted right now, said before the person types their password."""
    try:
        erasure.check_erasable(current_user)
    except DomainError as error:
        return str(error.message)
    return None


def _page(form: DeleteAccountForm, status: int = 200):
    form.confirmation.description = _("Type %(word)s in capital letters.", word=str(CONFIRM_WORD))
    return render_template("privacy/my_data.html", form=form, blocked=_blocked()), status


@bp.get("/my-data")
@login_required
def my_data_page():
    return _page(DeleteAccountForm(formdata=None))


@bp.get("/my-data/download")
@login_required
def my_data_download():
    archive = my_data.archive(current_user._get_current_object())
    db.session.rollback()  # read only
    name = f"dyouth-my-data-{now_utc().date().isoformat()}.zip"
    response = send_file(archive, mimetype="application/zip", as_attachment=True, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "no-store"  # personal data: no copy in a shared cache or the browser's
    return response


@bp.post("/my-data/delete")
@login_required
def my_data_delete():
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        done = erasure.erase_account(current_user._get_current_object(), form.password.data)
    except AlreadyDone:  # a second click while the first was erasing: the first has done it
        db.session.rollback()
        logout_user()
        return redirect(url_for("privacy.my_data_deleted"))
    except DomainError as error:
        db.session.rollback()
        show_on_form(form, error)
        return _page(form, 422)
    db.session.commit()
    for key in done.files:
        remove_stored(key)
    logout_user()
    session[KEPT_KEY] = done.kept
    return redirect(url_for("privacy.my_data_deleted"))


@bp.get("/my-data/deleted")
@public
def my_data_deleted():
    """What was kept and why; the counts only in the browser that asked (nothing here names anyone)."""
    kept = session.get(KEPT_KEY) or {}
    return render_template("privacy/my_data_deleted.html", kept=kept)
