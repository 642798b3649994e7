"""Invitations to a cohort by e-mail: staff invite and revoke; the invited person opens the link (logged in: an
anonymous visitor is sent to the login page and comes back through `next`) and accepts.

A link that cannot be used (unknown or replaced, expired, withdrawn, for another account) shows a page that says so;
nothing changes.
"""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.cohorts.forms.completion import InvitationForm
from app.cohorts.models import Cohort, CohortInvitation
from app.cohorts.routes import bp
from app.cohorts.services import cohorts, invitations
from app.core.clock import now_utc
from app.core.errors import AlreadyDone, DomainError, InvalidToken, NotAllowed
from app.core.forms import ConfirmForm
from app.core.i18n import current_locale
from app.core.permissions import staff_required
from app.core.routing import act, attempt, load
from app.extensions import db


@bp.route("/staff/cohorts/<int:cohort_id>/invitations", methods=["GET", "POST"])
@staff_required
def staff_invitations(cohort_id: int):
    cohort = load(Cohort, cohort_id)
    form = InvitationForm()
    if form.validate_on_submit():
        done = attempt(form, lambda: invitations.invite(current_user, cohort, form.email.data, form.locale.data),
                       success=lambda invitation: _("An invitation has been sent to %(email)s.",
                                                    email=invitation.email),
                       then=url_for("cohorts.staff_invitations", cohort_id=cohort.id))
        if done:
            return done
    return render_template("cohorts/invitations/staff.html", cohort=cohort, form=form,
                           pending=invitations.pending(cohort), admitted=cohorts.admitted_count(cohort.id),
                           now=now_utc(), confirm=ConfirmForm(), locale=current_locale())


@bp.post("/staff/cohorts/invitations/<int:invitation_id>/revoke")
@staff_required
def revoke_invitation(invitation_id: int):
    invitation = load(CohortInvitation, invitation_id)
    if ConfirmForm().validate_on_submit():
        act(lambda: invitations.revoke(current_user, invitation), _("The invitation has been withdrawn."))
    return redirect(url_for("cohorts.staff_invitations", cohort_id=invitation.cohort_id))


def _problem(error: DomainError):
    """The page of a link that cannot be used, with a status that says why."""
    if isinstance(error, NotAllowed):
        status = 403  # another account
    elif isinstance(error, InvalidToken):
        status = 404 if error.message is invitations.UNKNOWN else 410  # expired or withdrawn
    else:
        status = 409  # the cohort is full
    return render_template("cohorts/invitations/problem.html", message=error.message), status


def _joined(error: AlreadyDone):
    flash(str(error.message), "info")
    return redirect(url_for("cohorts.mine"))


@bp.route("/cohorts/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            participant = invitations.accept(current_user, token)
        except AlreadyDone as error:
            db.session.rollback()
            return _joined(error)
        except DomainError as error:
            db.session.rollback()
            return _problem(error)
        db.session.commit()
        flash(_("Welcome to the cohort!"), "success")
        return redirect(url_for("cohorts.cohort", cohort_id=participant.cohort_id))
    try:
        found = invitations.find(token)
        invitations.check(current_user, found)
    except AlreadyDone as error:
        return _joined(error)
    except DomainError as error:
        return _problem(error)
    return render_template("cohorts/invitations/accept.html", invitation=found, cohort=found.cohort, form=form,
                           locale=current_locale())
