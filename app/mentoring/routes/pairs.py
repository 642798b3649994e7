"""A mentor answers an offered mentee: accept (a button) or decline (a page with an optional reason). Only the pair's
mentor may; anyone else gets a 404 (the pair's existence is private)."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.forms import ConfirmForm
from app.core.i18n import current_locale
from app.core.permissions import Role, role_required
from app.core.routing import act, attempt, load
from app.mentoring.forms.runs import DeclineForm
from app.mentoring.models import Mentorship
from app.mentoring.routes import bp
from app.mentoring.services import responses


def _is_pairs_mentor(user, pair: Mentorship) -> bool:
    return pair.mentor_id == user.id


@bp.post("/mentoring/pairs/<int:mentorship_id>/accept")
@role_required(Role.MENTOR)
def accept_pair(mentorship_id: int):
    pair = load(Mentorship, mentorship_id, may=_is_pairs_mentor, denied=404)
    if ConfirmForm().validate_on_submit():
        act(lambda: responses.accept(current_user, pair),
            lambda accepted: _("You are now the mentor of %(name)s.", name=accepted.participant.user.name))
    return redirect(url_for("mentoring.home"))


@bp.route("/mentoring/pairs/<int:mentorship_id>/decline", methods=["GET", "POST"])
@role_required(Role.MENTOR)
def decline_pair(mentorship_id: int):
    pair = load(Mentorship, mentorship_id, may=_is_pairs_mentor, denied=404)
    form = DeclineForm()
    if form.validate_on_submit():
        done = attempt(form, lambda: responses.decline(current_user, pair, form.reason.data or ""),
                       success=_("You have declined %(name)s. We will look for another mentor for them.",
                                 name=pair.participant.user.name),
                       then=url_for("mentoring.home"))
        if done:
            return done
    return render_template("mentoring/pairs/decline.html", form=form, pair=pair, locale=current_locale())
