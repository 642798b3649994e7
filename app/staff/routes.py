"""Staff desk pages."""

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.forms import InviteForm
from app.accounts.models import Invitation
from app.core.db import get_or_404
from app.core.forms import ConfirmForm
from app.core.navigation import register_home_panel, register_nav_item
from app.core.permissions import Role, staff_required
from app.core.routing import act, attempt
from app.extensions import db
from app.staff import waiting

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")

register_nav_item([Role.STAFF], "staff.dashboard", _l("Staff desk"), order=50)
register_home_panel([Role.STAFF], "staff/panel.html", order=50)
register_nav_item([Role.STAFF], "staff.people", _l("People"), order=56)


@bp.get("/")
@staff_required
def dashboard():
    counts = accounts.count_users_by_role()
    return render_template("staff/dashboard.html", counts=counts, Role=Role, work=waiting.waiting_by_call(current_user))


def _invitation_list() -> list[Invitation]:
    return list(db.session.scalars(select(Invitation).order_by(Invitation.created_at.desc()).limit(200)))


@bp.route("/invitations", methods=["GET", "POST"])
@staff_required
def invitations():
    form = InviteForm()
    if form.validate_on_submit():
        done = attempt(form, lambda: accounts.invite(current_user, email=form.email.data, name=form.name.data,
                                                     role=Role(form.role.data), locale=form.locale.data),
                       success=_("Invitation sent to %(email)s.", email=form.email.data),
                       then=url_for("staff.invitations"))
        if done:
            return done
    return render_template("staff/invitations.html", form=form, invitations=_invitation_list(),
                           revoke_form=ConfirmForm())


@bp.post("/invitations/<int:invitation_id>/revoke")
@staff_required
def revoke_invitation(invitation_id: int):
    invitation = get_or_404(Invitation, invitation_id)
    if ConfirmForm().validate_on_submit():
        act(lambda: accounts.revoke_invitation(current_user, invitation), _("Invitation withdrawn."))
    return redirect(url_for("staff.invitations"))

from app.staff import people  # noqa: E402, F401  (adds the People pages to bp)
from app.staff.dashboards import routes as dashboards  # noqa: E402, F401  (adds the dashboard pages to bp)
