"""The accepted applicant's booking pages: choose a stall on the map, look at one stall and hold it, the booking with
its countdown and the card payment, and the printable booking receipt.

Every page names the application it books for (an applicant may be accepted in the bazaar of two editions); someone
else's application answers 404. A stall that was just taken, a closed window or a busy row answer with the map again
and a clear message; what the services refuse is never half-written (one commit per request).
"""

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.core.clock import now_utc
from app.core.errors import AlreadyDone, Conflict, DomainError
from app.core.i18n import TimeZone
from app.core.locking import Busy
from app.core.permissions import Role, role_required
from app.core.routing import act, load
from app.extensions import db
from app.festival.models import Application
from app.payments.models import Payment, PaymentStatus
from app.stalls.forms.book import HoldForm, PayForm
from app.stalls.models import Booking, BookingStatus, Stall
from app.stalls.routes import bp
from app.stalls.services import holds, paying
from app.stalls.services.choosing import ground_of, stripe_page_policy


def _own(application_id: int) -> Application:
    return load(Application, application_id, lambda user, row: row.applicant_id == user.id, denied=404)


def _latest_booking(application: Application) -> Booking | None:
    """The live booking, else the most recent one (expired or released), for the booking page."""
    return holds.live_booking_of(application.id) or db.session.scalar(
        select(Booking).where(Booking.application_id == application.id).order_by(Booking.id.desc()).limit(1))


def _zone_label() -> str:
    try:
        return TimeZone(current_user.timezone).label
    except ValueError:
        return current_user.timezone


def _choose_page(application: Application, message: str | None = None, status: int = 200,
                 headers: dict | None = None) -> tuple[str, int, dict]:
    moment = now_utc()
    ground = ground_of(application, moment)
    body = render_template("stalls/book/choose.html", application=application, ground=ground,
                           may_book=holds.may_book(current_user, application), message=message,
                           current=holds.live_booking_of(application.id, moment), zone_label=_zone_label())
    return body, status, headers or {}


@bp.get("/applications/<int:application_id>/stalls")
@role_required(Role.APPLICANT)
def choose(application_id: int):
    """"Choose your stall": the map, its legend and the same stalls as a table."""
    return _choose_page(_own(application_id))


@bp.get("/applications/<int:application_id>/stalls/<int:stall_id>")
@role_required(Role.APPLICANT)
def stall(application_id: int, stall_id: int):
    application = _own(application_id)
    found = db.session.get(Stall, stall_id)
    if found is None or found.edition_id != application.call.edition_id:
        abort(404)
    moment = now_utc()
    ground = ground_of(application, moment, with_map=False)
    current = holds.live_booking_of(application.id, moment)
    return render_template("stalls/book/stall.html", application=application, stall=found, ground=ground,
                           state=ground.state_of(found.id), current=current, form=HoldForm(),
                           may_book=holds.may_book(current_user, application), zone_label=_zone_label())


@bp.post("/applications/<int:application_id>/stalls/<int:stall_id>/hold")
@role_required(Role.APPLICANT)
def hold(application_id: int, stall_id: int):
    """Hold the stall (or change the current hold to it). Taken meanwhile: the map again, with the reason."""
    application = _own(application_id)
    HoldForm().validate_on_submit()  # CSRF is checked for every POST; the form has no fields
    try:
        booking = holds.hold(current_user, application.id, stall_id)
    except Busy as error:
        db.session.rollback()
        return _choose_page(application, str(error.message), 503, {"Retry-After": "1"})
    except AlreadyDone as error:
        db.session.rollback()
        flash(str(error.message), "info")
        return redirect(url_for("stalls.booking", application_id=application.id))
    except Conflict as error:
        db.session.rollback()
        return _choose_page(application, str(error.message), 409)
    except DomainError as error:
        db.session.rollback()
        return _choose_page(application, str(error.message), 200)
    db.session.commit()
    if booking.status == BookingStatus.CONFIRMED:
        flash(_("Stall %(code)s is yours: there is nothing to pay.", code=booking.stall.code), "success")
    else:
        flash(_("Stall %(code)s is held for you. Pay before the time runs out to keep it.",
                code=booking.stall.code), "success")
    paying.cancel_stale_payments(paying.stale_pending_payments(application.id))  # a changed stall's intents
    return redirect(url_for("stalls.booking", application_id=application.id))


@bp.get("/applications/<int:application_id>/booking")
@role_required(Role.APPLICANT)
def booking(application_id: int):
    """The booking: what is held and until when (a countdown), the fee, the card payment, or the confirmation."""
    application = _own(application_id)
    found = _latest_booking(application)
    if found is None:
        return redirect(url_for("stalls.choose", application_id=application.id))
    moment = now_utc()
    payments = paying.payments_of(found)
    pending = [p for p in payments if p.status == PaymentStatus.PENDING]
    return render_template(
        "stalls/book/booking.html", application=application, booking=found, stall=found.stall,
        live=found.is_live(moment), held=found.status == BookingStatus.HELD and found.is_live(moment),
        seconds_left=max(int((found.expires_at - moment).total_seconds()), 0) if found.expires_at else 0,
        payments=payments, confirming=bool(pending) and request.args.get("paid") == "1",
        pay_form=PayForm(), zone_label=_zone_label(), receipt_url=_payment_receipt_url)


@bp.post("/applications/<int:application_id>/booking/pay")
@role_required(Role.APPLICANT)
def pay(application_id: int):
    """Start (or resume) the card payment of the held stall; a double-click finds the first one's payment."""
    application = _own(application_id)
    PayForm().validate_on_submit()
    back = url_for("stalls.booking", application_id=application.id)
    outcome: dict[str, Payment] = {}

    def start() -> Payment:
        outcome["payment"] = paying.start_payment(current_user, application.id)
        return outcome["payment"]

    if not act(start):
        return redirect(back)
    payment = outcome["payment"]
    if payment.status == PaymentStatus.FAILED:
        reason = getattr(payment, "failure_message", None) or _("Your card was declined.")
        flash(_("%(reason)s Your stall stays held until the time runs out; you can try again.", reason=reason),
              "error")
        return redirect(back)
    if payment.status != PaymentStatus.PENDING:
        return redirect(back)
    return redirect(url_for("stalls.pay_page", application_id=application.id, payment_id=payment.id))


@bp.get("/applications/<int:application_id>/booking/pay/<int:payment_id>")
@role_required(Role.APPLICANT)
def pay_page(application_id: int, payment_id: int):
    """The card form: Stripe.js confirms the payment in the browser; the webhook confirms the booking."""
    application = _own(application_id)
    found = paying.payment_to_confirm(current_user, application, payment_id)
    if found is None:
        flash(_("This payment cannot be completed any more. Here is where your booking stands."), "info")
        return redirect(url_for("stalls.booking", application_id=application.id))
    booking_row, payment = found
    config = current_app.config
    body = render_template(
        "stalls/book/pay.html", application=application, booking=booking_row, stall=booking_row.stall,
        payment=payment, stripe_js_url=config["STRIPE_JS_URL"], publishable_key=config["STRIPE_PUBLISHABLE_KEY"],
        zone_label=_zone_label(),
        seconds_left=max(int((booking_row.expires_at - now_utc()).total_seconds()), 0))
    return body, 200, {"Content-Security-Policy": stripe_page_policy(config), "Cache-Control": "no-store"}


def _payment_receipt_url(payment: Payment) -> str | None:
    """The payments domain's receipt of `payment`, when that page exists."""
    if "payments.receipt" not in current_app.view_functions:
        return None
    return url_for("payments.receipt", payment_id=payment.id)


def _may_see_receipt(user: Any, row: Booking) -> bool:
    return user.has_role(Role.STAFF) or row.holder_id == user.id or db.session.scalar(
        select(Application.applicant_id).where(Application.id == row.application_id)) == user.id


@bp.get("/stalls/bookings/<int:booking_id>/receipt")
def receipt(booking_id: int) -> str | Response:
    """The printable booking receipt, in the viewer's language: the stall, the fee, payments and history."""
    found = load(Booking, booking_id, _may_see_receipt, denied=404)
    application = db.session.get(Application, found.application_id)
    return render_template("stalls/book/receipt.html", booking=found, stall=found.stall, application=application,
                           payments=paying.payments_of(found), receipt_url=_payment_receipt_url,
                           zone_label=_zone_label(), printed_at=now_utc())
