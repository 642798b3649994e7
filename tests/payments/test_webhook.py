"""The Stripe webhook with real HMAC signatures: only Stripe's events count, each is applied once, replays and
events out of order change nothing, a wrong amount is flagged and never confirmed."""

import time

import pytest
from sqlalchemy import func, select, text

from app.core.mail import OutboxMessage
from app.extensions import db
from app.payments.models import PaymentEvent, PaymentStatus, Refund, RefundReason, RefundStatus, StripeEvent
from tests.live import fire, statuses
from tests.payments.factories import card_payment, caught_signals, intent_of
from tests.stripe_fake import WEBHOOK_PATH, WEBHOOK_SECRET, StripeForTest

sign = StripeForTest.signed
event = StripeForTest.event


def post(client, evt, **signing):
    body, headers = sign(evt, **signing)
    return client.post(WEBHOOK_PATH, data=body, headers=headers)


def counts():
    db.session.commit()
    return (db.session.scalar(select(func.count(StripeEvent.id))),
            db.session.scalar(select(func.count(PaymentEvent.id))))


@pytest.fixture
def payment(app, user_factory, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    return card_payment(user_factory(), intent_id="pi_test_webhook")


@pytest.fixture
def staff(user_factory):
    return user_factory(staff=True)


def test_a_signed_event_is_applied_once_and_recorded(client, payment):
    evt = event("payment_intent.succeeded", intent_of(payment))
    with caught_signals() as signals:
        response = post(client, evt)
    assert response.status_code == 200
    db.session.refresh(payment)
    assert payment.status == PaymentStatus.SUCCEEDED
    assert db.session.get(StripeEvent, evt["id"]).payment_id == payment.id
    last = payment.history[-1]
    assert (last.source, last.stripe_event_id, last.from_status) == ("stripe", evt["id"], PaymentStatus.PENDING)
    assert signals.names() == ["payment_succeeded"] and signals.sent[0][2]["source"] == "stripe"


@pytest.mark.parametrize("forgery", ["wrong secret", "tampered body", "stale", "no header", "garbage header",
                                     "no secret configured"])
def test_forged_stale_or_missing_signatures_are_refused_and_nothing_is_recorded(app, client, payment, forgery,
                                                                                monkeypatch):
    evt = event("payment_intent.succeeded", intent_of(payment))
    body, headers = sign(evt, secret="whsec_someone_else" if forgery == "wrong secret" else WEBHOOK_SECRET,
                         timestamp=int(time.time()) - 301 if forgery == "stale" else None)
    if forgery == "tampered body":
        body = body.replace(b'"amount": 50000000', b'"amount": 100')
    if forgery == "no header":
        headers.pop("Stripe-Signature")
    if forgery == "garbage header":
        headers["Stripe-Signature"] = "t=abc,v1=zz"
    if forgery == "no secret configured":
        monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", "")
    before = counts()
    response = client.post(WEBHOOK_PATH, data=body, headers=headers)
    assert response.status_code == 400
    assert counts() == before
    db.session.refresh(payment)
    assert payment.status == PaymentStatus.PENDING


def test_a_signature_within_the_tolerance_is_accepted(client, payment):
    assert post(client, event("payment_intent.succeeded", intent_of(payment)),
                timestamp=int(time.time()) - 290).status_code == 200


def test_not_json_is_refused(client, payment):
    body = b"\xff\xfe not json"
    import stripe

    header = stripe.WebhookSignature.generate_signature_header("x", WEBHOOK_SECRET)
    assert client.post(WEBHOOK_PATH, data=body, headers={"Stripe-Signature": header}).status_code == 400
    assert client.get(WEBHOOK_PATH).status_code == 405


def test_the_same_event_ten_times_in_a_row_is_one_transition(client, payment):
    evt = event("payment_intent.succeeded", intent_of(payment))
    with caught_signals() as signals:
        answers = [post(client, evt).status_code for _ in range(10)]
    assert answers == [200] * 10
    db.session.refresh(payment)
    assert [e.to_status for e in payment.history] == [PaymentStatus.PENDING, PaymentStatus.SUCCEEDED]
    assert signals.names() == ["payment_succeeded"]
    assert counts()[0] == 1


def _fire_event(live_server, evt, times=10):
    body, headers = sign(evt)
    import requests

    return fire(times, lambda _i: requests.post(f"{live_server.url}{WEBHOOK_PATH}", data=body, headers=headers,
                                                 timeout=60))


def test_the_same_event_ten_times_at_once_is_one_transition(live_server, payment):
    evt = event("payment_intent.succeeded", intent_of(payment))
    with caught_signals() as signals:
        responses = _fire_event(live_server, evt)
    assert statuses(responses) == [200] * 10
    db.session.refresh(payment)
    assert [e.to_status for e in payment.history] == [PaymentStatus.PENDING, PaymentStatus.SUCCEEDED]
    assert signals.names() == ["payment_succeeded"]


def test_without_row_locks_the_event_id_still_keeps_it_to_one(quiet_server, payment, locks_off):
    """The control run: with the row lock (PostgreSQL) and IMMEDIATE transactions (SQLite) off, parallel replays
    still make one transition: the event id is the primary key of payments_stripe_event (a loser is answered as
    the sequential case, or 503 on SQLite's stale snapshot, which Stripe retries)."""
    evt = event("payment_intent.succeeded", intent_of(payment))
    with caught_signals() as signals:
        responses = _fire_event(quiet_server, evt)
    assert set(statuses(responses)) <= {200, 503} and 200 in statuses(responses)
    db.session.refresh(payment)
    assert [e.to_status for e in payment.history] == [PaymentStatus.PENDING, PaymentStatus.SUCCEEDED]
    assert signals.names() == ["payment_succeeded"]


@pytest.mark.parametrize(("first", "then"), [
    ("payment_intent.succeeded", "payment_intent.payment_failed"),
    ("payment_intent.succeeded", "payment_intent.canceled"),
    ("payment_intent.payment_failed", "payment_intent.succeeded"),  # another card on the same intent
])
def test_events_out_of_order_end_paid(client, payment, first, then):
    shapes = {"payment_intent.succeeded": dict(status="succeeded"),
              "payment_intent.canceled": dict(status="canceled"),
              "payment_intent.payment_failed": dict(status="requires_payment_method",
                                                    error={"code": "card_declined"})}
    with caught_signals() as signals:
        assert post(client, event(first, intent_of(payment, **shapes[first]))).status_code == 200
        assert post(client, event(then, intent_of(payment, **shapes[then]))).status_code == 200
    db.session.refresh(payment)
    assert payment.status == PaymentStatus.SUCCEEDED
    assert counts()[0] == 2  # both recorded as received
    assert signals.names().count("payment_succeeded") == 1


def test_canceled_event(client, payment):
    with caught_signals() as signals:
        assert post(client, event("payment_intent.canceled", intent_of(payment, "canceled"))).status_code == 200
    db.session.refresh(payment)
    assert payment.status == PaymentStatus.CANCELED and signals.names() == ["payment_failed"]


@pytest.mark.parametrize(("amount", "currency"), [(100, "idr"), (500_000, "idr"), (50_000_000, "aud")])
def test_a_wrong_amount_or_currency_is_flagged_never_confirmed_and_staff_told_once(client, payment, staff, amount,
                                                                                   currency, outbox):
    evt = event("payment_intent.succeeded", intent_of(payment, amount=amount, currency=currency))
    with caught_signals() as signals:
        for _ in range(3):
            assert post(client, evt).status_code == 200
        assert post(client, event("payment_intent.succeeded", intent_of(payment, amount=amount,
                                                                        currency=currency))).status_code == 200
    db.session.refresh(payment)
    assert payment.status == PaymentStatus.PENDING and payment.flagged
    assert signals.names() == ["payment_flagged"]
    mails = outbox.messages(to=staff.email)
    assert len(mails) == 1 and str(payment.id) in mails[0].subject
    assert payment.history[-1].note.startswith("flagged:")


def test_a_flag_in_parallel_mails_staff_once(live_server, payment, staff, outbox):
    responses = _fire_event(live_server, event("payment_intent.succeeded", intent_of(payment, amount=1)))
    assert statuses(responses) == [200] * 10
    assert len(outbox.messages(to=staff.email)) == 1


def test_unknown_event_types_are_acknowledged_and_ignored(client, payment):
    assert post(client, event("customer.created", {"id": "cus_1", "object": "customer"})).status_code == 200
    assert counts() == (0, 1)


def test_an_intent_we_do_not_know(client, payment):
    ours = intent_of(payment) | {"id": "pi_not_recorded"}
    assert post(client, event("payment_intent.succeeded", ours)).status_code == 503  # maybe not committed yet
    foreign = ours | {"metadata": {}}
    assert post(client, event("payment_intent.succeeded", foreign)).status_code == 200  # not the portal's
    assert counts() == (0, 1)


def charge(payment, *, refunded=0, refunds=None, intent=None):
    return {"id": "ch_test_1", "object": "charge", "payment_intent": intent or payment.stripe_intent_id,
            "amount": payment.amount * 100, "amount_refunded": refunded, "currency": "idr",
            "refunded": refunded >= payment.amount * 100,
            **({"refunds": {"object": "list", "data": refunds}} if refunds is not None else {})}


@pytest.fixture
def paid(app, user_factory, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    return card_payment(user_factory(), intent_id="pi_test_paid", status=PaymentStatus.SUCCEEDED)


def test_charge_refunded_outside_the_portal_is_recorded(client, paid):
    listed = [{"id": "re_dash_1", "object": "refund", "amount": 20_000_000, "status": "succeeded", "created": 1}]
    evt = event("charge.refunded", charge(paid, refunded=20_000_000, refunds=listed))
    with caught_signals() as signals:
        for _ in range(3):
            assert post(client, evt).status_code == 200
    db.session.refresh(paid)
    assert paid.status == PaymentStatus.PARTIALLY_REFUNDED and paid.amount_refunded == 200_000
    [refund] = paid.refunds
    assert (refund.reason, refund.status, refund.stripe_refund_id) == (RefundReason.EXTERNAL,
                                                                       RefundStatus.SUCCEEDED, "re_dash_1")
    assert signals.names() == ["payment_refunded"] and signals.sent[0][2]["refund"] == refund.id
    assert paid.history[-1].stripe_event_id == evt["id"]


def test_charge_refunded_without_a_refund_list_uses_the_total(client, paid):
    assert post(client, event("charge.refunded", charge(paid, refunded=50_000_000))).status_code == 200
    db.session.refresh(paid)
    assert paid.status == PaymentStatus.REFUNDED and paid.amount_refunded == paid.amount
    assert [r.reason for r in paid.refunds] == [RefundReason.EXTERNAL]


def test_charge_refunded_completes_our_own_pending_refund_without_counting_it_twice(client, paid):
    ours = Refund(payment_id=paid.id, amount=100_000, reason=RefundReason.CANCELLED_BY_STAFF,
                  status=RefundStatus.PENDING, idempotency_key="refund-x")
    db.session.add(ours)
    db.session.commit()
    listed = [{"id": "re_ours", "amount": 10_000_000, "status": "succeeded", "metadata": {"refund_id": str(ours.id)}}]
    assert post(client, event("charge.refunded", charge(paid, refunded=10_000_000, refunds=listed))).status_code == 200
    db.session.refresh(paid)
    assert [(r.id, r.status, r.stripe_refund_id) for r in paid.refunds] == [(ours.id, RefundStatus.SUCCEEDED,
                                                                            "re_ours")]
    assert paid.amount_refunded == 100_000


def test_a_refund_of_an_unknown_or_unpaid_payment_is_retried_later(client, paid, payment):
    before = counts()
    assert post(client, event("charge.refunded", charge(paid, refunded=1, intent="pi_unknown"))).status_code == 503
    assert post(client, event("charge.refunded", charge(payment, refunded=100))).status_code == 503  # still pending
    assert counts() == before


@pytest.mark.postgres
def test_a_lock_held_elsewhere_answers_503_at_once(app, client, payment, monkeypatch):
    monkeypatch.setitem(app.config, "LOCK_TIMEOUT_S", 0.5)
    other = db.engine.connect()
    holder = other.begin()
    other.execute(text("SELECT id FROM payments_payment WHERE id = :id FOR UPDATE"), {"id": payment.id})
    try:
        started = time.monotonic()
        response = post(client, event("payment_intent.succeeded", intent_of(payment)))
        assert response.status_code == 503 and time.monotonic() - started < 3
    finally:
        holder.rollback()
        other.close()
    assert counts() == (0, 1)
    db.session.refresh(payment)
    assert payment.status == PaymentStatus.PENDING


def test_every_staff_member_is_mailed_in_their_language(client, payment, user_factory, outbox):
    english = user_factory(staff=True, locale="en")
    indonesian = user_factory(staff=True, locale="id")
    post(client, event("payment_intent.succeeded", intent_of(payment, amount=7)))
    assert outbox.last(english.email).locale == "en" and outbox.last(indonesian.email).locale == "id"
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 2  # staff only: not the payer
    assert "needs a look" in outbox.last(english.email).subject
    assert f"/payments/{payment.id}/receipt" in outbox.last(english.email).body_text
