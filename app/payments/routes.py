"""The payments blueprint: the Stripe webhook, receipts, the staff ledger."""

import json
import logging

import stripe
from flask import Blueprint, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.core.clock import now_utc
from app.core.converters import requested_page
from app.core.locking import Busy
from app.core.permissions import Role, public, staff_required
from app.core.routing import load
from app.extensions import csrf, db
from app.payments import services, webhooks
from app.payments.models import Payment, PaymentEvent, PaymentStatus

log = logging.getLogger(__name__)

bp = Blueprint("payments", __name__, url_prefix="/payments", template_folder="templates")

from app.payments import panels  # noqa: E402,F401  (registers the staff menu item)

SIGNATURE_TOLERANCE_S = 300
PER_PAGE = 50


def _plain(status: int, text: str, headers: dict | None = None):
    return current_app.response_class(text + "\n", status=status, mimetype="text/plain", headers=headers or {})


@bp.post("/stripe/webhook")
@public
@csrf.exempt
def stripe_webhook():
    """Stripe's events: signature checked on the raw body (HMAC with STRIPE_WEBHOOK_SECRET, at most 300 s old),
    then applied in one transaction. 400: not from Stripe, nothing recorded; 503: try again later."""
    payload = request.get_data()  # raw bytes, kept: a unique-key race runs this view again (core.locking)
    header = request.headers.get("Stripe-Signature", "")
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET") or ""
    if not header or not secret:
        return _plain(400, "missing signature")
    try:
        stripe.Webhook.construct_event(payload, header, secret, tolerance=SIGNATURE_TOLERANCE_S)
        event = json.loads(payload)
    except (ValueError, stripe.SignatureVerificationError):
        log.warning("stripe webhook refused: bad signature or body")
        return _plain(400, "bad signature")
    try:
        outcome = webhooks.handle(event)
    except (Busy, webhooks.TryLater) as error:
        db.session.rollback()
        log.warning("stripe webhook %s (%s) not applied yet: %s", event.get("id"), event.get("type"),
                    getattr(error, "message", error))
        return _plain(503, "try again later", {"Retry-After": "30"})
    db.session.commit()
    log.info("stripe webhook %s (%s): %s", event.get("id"), event.get("type"), outcome)
    return _plain(200, outcome)


def _may_see(user: User, payment: Payment) -> bool:
    return payment.payer_id == user.id or user.has_role(Role.STAFF)


@bp.get("/<int:payment_id>/receipt")
def receipt(payment_id: int):
    """A printable receipt in the viewer's language: the payer's and staff's only (404 for anyone else)."""
    payment = load(Payment, payment_id, may=_may_see, denied=404)
    staff = current_user.has_role(Role.STAFF)
    payer = db.session.get(User, payment.payer_id)
    history = []
    if staff:
        history = list(db.session.scalars(select(PaymentEvent).where(PaymentEvent.payment_id == payment.id)
                                          .order_by(PaymentEvent.id)))
    actors = {user.id: user for user in db.session.scalars(
        select(User).where(User.id.in_({e.actor_id for e in history if e.actor_id})))} if history else {}
    return render_template("payments/receipt.html", payment=payment, payer=payer, refunds=payment.refunds,
                           history=history, actors=actors, staff=staff, printed_at=now_utc())


@bp.get("/")
@staff_required
def ledger():
    """Staff: every payment, flagged ones first, newest next; filter by status."""
    status = services.ledger_status(request.args.get("status", ""))
    query = services.in_ledger(select(Payment).options(selectinload(Payment.refunds)), status)
    page = db.paginate(query, page=requested_page(), per_page=PER_PAGE, error_out=False)
    payers = {user.id: user for user in db.session.scalars(
        select(User).where(User.id.in_({p.payer_id for p in page.items})))} if page.items else {}
    return render_template("payments/ledger.html", page=page, payers=payers, status=status,
                           statuses=list(PaymentStatus))
