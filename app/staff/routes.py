"""Staff desk pages."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.forms import EmptyForm, InviteForm
from app.accounts.models import Invitation
from app.core.db import get_or_404
from app.core.errors import DomainError, show_on_form
from app.core.permissions import Role, staff_required
from app.extensions import db

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")


@bp.get("/")
@staff_required
def dashboard():
    counts = accounts.count_users_by_role()
    return render_template("staff/dashboard.html", counts=counts, Role=Role)


def _invitation_list() -> list[Invitation]:
    return list(db.session.scalars(select(Invitation).order_by(Invitation.created_at.desc()).limit(200)))


@bp.route("/invitations", methods=["GET", "POST"])
@staff_required
def invitations():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            accounts.invite(current_user, email=form.email.data, name=form.name.data, role=Role(form.role.data),
                            locale=form.locale.data)
        except DomainError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()
            flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("staff.invitations"))
    return render_template("staff/invitations.html", form=form, invitations=_invitation_list(),
                           revoke_form=EmptyForm())


@bp.post("/invitations/<int:invitation_id>/revoke")
@staff_required
def revoke_invitation(invitation_id: int):
    invitation = get_or_404(Invitation, invitation_id)
    if EmptyForm().validate_on_submit():
        try:
            accounts.revoke_invitation(current_user, invitation)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Invitation withdrawn."), "success")
    return redirect(url_for("staff.invitations"))
