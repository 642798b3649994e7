"""Festival pages: one public page per call, read before applying (the apply button is at its end)."""

from flask import render_template
from flask_babel import get_locale
from flask_login import current_user

from app.accounts.models import User
from app.core.clock import now_utc
from app.core.permissions import Role, public
from app.core.routing import load
from app.festival.models import Call, EditionStatus
from app.festival.routes import bp
from app.festival.services import drafts


def _listed(user: User, call: Call) -> bool:
    """Applicants see the calls of published editions that have not ended, as on the list; staff preview any."""
    edition = call.edition
    if edition.status == EditionStatus.PUBLISHED and edition.ends_on >= now_utc().date():
        return True
    return user.is_authenticated and user.has_role(Role.STAFF)


@bp.get("/festival/calls/<int:call_id>")
@public
def call_page(call_id: int):
    call = load(Call, call_id, _listed, denied=404)
    mine = None
    if current_user.is_authenticated:
        mine = next((a for a in drafts.applications_of(current_user) if a.call_id == call.id), None)
    return render_template("festival/apply/call_page.html", call=call, edition=call.edition, now=now_utc(),
                           mine=mine, locale=str(get_locale()), Role=Role, STEP_TITLES=drafts.STEP_TITLES)
