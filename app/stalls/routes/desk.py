"""Stalls pages: the staff desk for one booking (waive, move, mark paid, cancel) and for giving a stall to an
accepted application that has none."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import User
from app.core.clock import now_utc
from app.core.forms import ConfirmForm
from app.core.i18n import current_locale, money
from app.core.permissions import staff_required
from app.core.routing import act, attempt, load
from app.extensions import db
from app.festival.models import Application, Call, Edition
from app.festival.models.application import ApplicationStatus
from app.festival.vocab import CallKind
from app.payments.models import Payment, RefundReason
from app.stalls.forms.desk import AssignForm, MarkPaidForm, MoveForm, StaffCancelForm, stall_choices
from app.stalls.models import Booking, BookingStatus, Stall
from app.stalls.routes import bp
from app.stalls.services import cancelling, holds, staff_actions
from app.stalls.services.paying import payments_of


def _booking_or_404(booking_id: int) -> Booking:
    return load(Booking, booking_id)


def _render_booking(booking: Booking, **forms: object):
    """The booking page, with whichever form failed (its errors shown) and fresh ones for the others."""
    moment = now_utc()
    db.session.refresh(booking)
    live = booking.is_live(moment)
    move_form = forms.get("move_form") or MoveForm()
    move_form.stall_id.choices = stall_choices(staff_actions.free_stalls(booking.edition_id, moment), current_locale())
    cancel_form = forms.get("cancel_form")
    if cancel_form is None:
        cancel_form = StaffCancelForm(percent=cancelling.policy_percent(booking, moment))
    history = list(booking.history)
    people = {u.id: u for u in db.session.scalars(select(User).where(
        User.id.in_({e.actor_id for e in history if e.actor_id} | {booking.holder_id})))}
    payments = payments_of(booking)
    if payments:
        db.session.scalars(select(Payment).where(Payment.id.in_([p.id for p in payments]))
                           .options(selectinload(Payment.refunds))).all()
    application = db.session.scalar(select(Application).where(Application.id == booking.application_id)
                                    .options(joinedload(Application.call).joinedload(Call.edition)))
    stall = db.session.scalar(select(Stall).where(Stall.id == booking.stall_id).options(joinedload(Stall.zone)))
    return render_template(
        "stalls/desk/booking.html", booking=booking, stall=stall, application=application, live=live,
        holder=people.get(booking.holder_id), people=people, history=history, payments=payments,
        quote=cancelling.quote(booking, moment=moment), locale=current_locale(),
        receipts="payments.receipt" in current_app.view_functions,
        booking_receipt="stalls.receipt" in current_app.view_functions,
        overview="stalls.staff_overview" in current_app.view_functions,
        move_form=move_form, paid_form=forms.get("paid_form") or MarkPaidForm(), cancel_form=cancel_form,
        waive_form=ConfirmForm(), can_confirm=booking.status in (BookingStatus.HELD, BookingStatus.EXPIRED),
        can_pay=booking.fee > 0 and not booking.fee_waived,
    )


def _back(booking: Booking) -> str:
    return url_for("stalls.desk_booking", booking_id=booking.id)


@bp.get("/staff/stalls/bookings/<int:booking_id>")
@staff_required
def desk_booking(booking_id: int):
    return _render_booking(_booking_or_404(booking_id))


@bp.post("/staff/stalls/bookings/<int:booking_id>/waive")
@staff_required
def desk_waive(booking_id: int):
    booking = _booking_or_404(booking_id)
    if ConfirmForm().validate_on_submit():
        act(lambda: staff_actions.waive(current_user, booking),
            _("The fee is waived: the booking is confirmed with nothing to pay."))
    else:
        flash(_("The form expired or was incomplete. Please try again."), "error")
    return redirect(_back(booking))


@bp.post("/staff/stalls/bookings/<int:booking_id>/move")
@staff_required
def desk_move(booking_id: int):
    booking = _booking_or_404(booking_id)
    form = MoveForm()
    form.stall_id.choices = stall_choices(staff_actions.free_stalls(booking.edition_id), current_locale())
    if form.validate_on_submit():
        done = attempt(form, lambda: staff_actions.move(current_user, booking, form.stall_id.data),
                       success=lambda moved: _("The booking is moved to stall %(code)s. The applicant has been "
                                               "e-mailed.", code=moved.stall.code),
                       then=_back(booking))
        if done:
            return done
    return _render_booking(booking, move_form=form)


@bp.post("/staff/stalls/bookings/<int:booking_id>/mark-paid")
@staff_required
def desk_mark_paid(booking_id: int):
    booking = _booking_or_404(booking_id)
    form = MarkPaidForm()
    if form.validate_on_submit():
        done = attempt(form, lambda: staff_actions.mark_paid(current_user, booking, form.reference.data),
                       success=_("The bank transfer is recorded and the booking confirmed."), then=_back(booking))
        if done:
            return done
    return _render_booking(booking, paid_form=form)


@bp.post("/staff/stalls/bookings/<int:booking_id>/cancel")
@staff_required
def desk_cancel(booking_id: int):
    booking = _booking_or_404(booking_id)
    form = StaffCancelForm()
    if form.validate_on_submit():
        done = attempt(form, lambda: cancelling.cancel_booking(current_user, booking, RefundReason.CANCELLED_BY_STAFF,
                                                               percent=form.percent.data),
                       success=lambda refunded: _("The booking is cancelled and the stall free again. Refunded: "
                                                  "%(amount)s. The applicant has been e-mailed.",
                                                  amount=money(refunded)),
                       then=_back(booking))
        if done:
            return done
    return _render_booking(booking, cancel_form=form)


def _accepted_stall_application(application_id: int) -> Application:
    application = db.session.scalar(select(Application).where(Application.id == application_id)
                                    .options(joinedload(Application.call).joinedload(Call.edition),
                                             joinedload(Application.applicant)))
    if application is None or application.call.kind != CallKind.BAZAAR or application.status not in (
            ApplicationStatus.ACCEPTED, ApplicationStatus.WITHDRAWN):
        abort(404)
    return application


@bp.route("/staff/stalls/applications/<int:application_id>/assign", methods=["GET", "POST"])
@staff_required
def desk_assign(application_id: int):
    application = _accepted_stall_application(application_id)
    edition_id = application.call.edition_id
    form = AssignForm()
    form.stall_id.choices = stall_choices(staff_actions.free_stalls(edition_id), current_locale())
    if form.validate_on_submit():
        done = attempt(form, lambda: staff_actions.assign(current_user, application.id, form.stall_id.data,
                                                          waive_fee=form.waive_fee.data),
                       success=lambda booking: _("Stall %(code)s is given to %(reference)s.",
                                                 code=booking.stall.code, reference=application.reference),
                       then=lambda booking: url_for("stalls.desk_booking", booking_id=booking.id))
        if done:
            return done
    current = holds.live_booking_of(application.id)
    return render_template("stalls/desk/assign.html", application=application, form=form, current=current,
                           locale=current_locale(), rules=holds.settings_of(edition_id))


@bp.get("/staff/editions/<int:edition_id>/stalls/unbooked")
@staff_required
def desk_unbooked(edition_id: int):
    """The edition's accepted stall applications that have no live booking: where staff assign stalls."""
    edition = load(Edition, edition_id)
    booked = select(Booking.application_id).where(Booking.edition_id == edition.id, holds._live_at(now_utc()))
    applications = list(db.session.scalars(
        select(Application).join(Application.call)
        .where(Call.edition_id == edition.id, Call.kind == CallKind.BAZAAR,
               Application.status == ApplicationStatus.ACCEPTED, Application.id.not_in(booked))
        .options(joinedload(Application.applicant)).order_by(Application.reference)))
    return render_template("stalls/desk/unbooked.html", edition=edition, applications=applications,
                           overview="stalls.staff_overview" in current_app.view_functions)
