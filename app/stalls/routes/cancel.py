"""Stalls pages: the applicant cancels their own booking, seeing first the policy and what they would get back."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.clock import now_utc
from app.core.forms import ConfirmForm
from app.core.i18n import money
from app.core.routing import act, load
from app.extensions import db
from app.festival.models import Edition
from app.payments.models import RefundReason
from app.stalls.models import Booking
from app.stalls.routes import bp
from app.stalls.services import cancelling, holds


@bp.route("/stalls/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
def cancel(booking_id: int):
    """Only the booking's own applicant; anyone else is told it does not exist (staff cancel from the desk)."""
    booking = load(Booking, booking_id, may=cancelling.may_cancel, denied=404)
    form = ConfirmForm()
    if form.validate_on_submit():
        act(lambda: cancelling.cancel_booking(current_user, booking, RefundReason.CANCELLED_BY_APPLICANT),
            lambda refunded: _("Your booking is cancelled. %(amount)s is being refunded to you.",
                               amount=money(refunded)) if refunded else _("Your booking is cancelled."))
        return redirect(url_for("stalls.cancel", booking_id=booking.id))
    moment = now_utc()
    return render_template(
        "stalls/cancel/cancel.html", booking=booking, form=form, live=booking.is_live(moment),
        quote=cancelling.quote(booking, moment=moment), rules=holds.settings_of(booking.edition_id),
        edition=db.session.get(Edition, booking.edition_id))
