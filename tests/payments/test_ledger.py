"""The ledger: never deleted, every change attributed and without gaps; bank transfers; receipts; the staff list."""

import pytest
from flask_babel import force_locale
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.core.errors import Conflict, NotAllowed
from app.extensions import db
from app.payments import services
from app.payments.models import Payment, PaymentEvent, PaymentMethod, PaymentStatus, Refund, RefundReason
from tests.core.test_html import assert_valid
from tests.helpers import text
from tests.payments.factories import PURPOSE, SCOPE, card_payment, caught_signals


def transfer(staff, payer, reference="BCA 0042", amount=750_000, scope=SCOPE):
    return services.record_transfer(staff, payer=payer, purpose=PURPOSE, scope=scope, amount=amount,
                                    reference=reference, description="Test purchase")


def _delete_payment(payment_id: int) -> None:
    """DELETE the payment on a connection of its own, with SQLite's foreign keys enforced (PostgreSQL always does;
    this project's SQLite connections do not turn them on: reported)."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys = ON")
        with connection.begin():
            connection.execute(delete(Payment).where(Payment.id == payment_id))


def test_a_payment_with_history_or_refunds_cannot_be_deleted(user_factory):
    payment = card_payment(user_factory(), intent_id="pi_keep")
    with pytest.raises(IntegrityError):
        _delete_payment(payment.id)
    db.session.add(Refund(payment_id=payment.id, amount=1, reason=RefundReason.EXTERNAL))
    db.session.execute(delete(PaymentEvent))
    db.session.commit()
    with pytest.raises(IntegrityError):  # its refund alone holds it
        _delete_payment(payment.id)
    assert db.session.get(Payment, payment.id) is not None


def test_every_transition_is_attributed_and_the_history_has_no_gaps(user_factory):
    staff, payer = user_factory(staff=True), user_factory()
    card = card_payment(payer, intent_id="pi_history")
    services.apply_intent({"id": "pi_history", "status": "succeeded", "amount": 50_000_000, "currency": "idr"},
                          source="stripe", stripe_event_id="evt_1", event_type="payment_intent.succeeded")
    services.refund(None, transfer(staff, payer), 100_000, RefundReason.WITHDRAWN)
    services.refund(staff, transfer(staff, payer, "BCA 0043"), 750_000, RefundReason.CANCELLED_BY_STAFF)
    db.session.commit()
    assert card.status == PaymentStatus.SUCCEEDED
    for payment in db.session.scalars(select(Payment)):
        history = payment.history
        assert history[0].from_status is None and history[-1].to_status == payment.status
        for before, after in zip(history, history[1:], strict=False):
            assert after.from_status == before.to_status, f"gap in payment {payment.id}"
        for entry in history:
            assert entry.stripe_event_id or entry.actor_id or entry.source in ("reconcile", "system"), entry.note
    with pytest.raises(IntegrityError):  # the schema refuses a Stripe change that names no event
        db.session.add(PaymentEvent(payment_id=card.id, to_status=PaymentStatus.SUCCEEDED, source="stripe"))
        db.session.flush()
    db.session.rollback()


def test_a_bank_transfer_is_recorded_by_staff(user_factory):
    staff, payer = user_factory(staff=True), user_factory()
    with caught_signals() as signals:
        payment = transfer(staff, payer, "  BCA   0042 ")
    db.session.commit()
    assert (payment.status, payment.transfer_reference, payment.recorded_by_id) == (PaymentStatus.SUCCEEDED,
                                                                                    "BCA 0042", staff.id)
    assert signals.sent == [("payment_succeeded", payment.id, {"previous": PaymentStatus.PENDING,
                                                               "source": "staff", "actor": staff.id})]


def test_a_transfer_reference_is_unique_per_scope(user_factory):
    staff, payer = user_factory(staff=True), user_factory()
    transfer(staff, payer)
    db.session.commit()
    with pytest.raises(Conflict) as taken:
        transfer(staff, payer)
    assert taken.value.field == "reference"
    db.session.rollback()
    transfer(staff, payer, scope="test:2")  # another edition may see the same reference
    db.session.commit()
    with pytest.raises(IntegrityError):  # and the schema says so too
        db.session.add(Payment(purpose=PURPOSE, scope=SCOPE, payer_id=payer.id, method="bank_transfer",
                               amount=1, transfer_reference="BCA 0042"))
        db.session.flush()
    db.session.rollback()


def test_only_staff_record_transfers(user_factory):
    payer = user_factory()
    with pytest.raises(NotAllowed):
        transfer(payer, payer)
    with pytest.raises(services.InvalidState):
        transfer(user_factory(staff=True), payer, reference="   ")


def _world(user_factory):
    staff, payer = user_factory(staff=True, locale="en"), user_factory(locale="id")
    paid = transfer(staff, payer)
    services.refund(staff, paid, 250_000, RefundReason.CANCELLED_BY_STAFF)
    flagged = card_payment(payer, intent_id="pi_flag")
    services.apply_intent({"id": "pi_flag", "status": "succeeded", "amount": 1, "currency": "idr"},
                          source="stripe", stripe_event_id="evt_flag")
    db.session.commit()
    return staff, payer, paid, flagged


def test_the_receipt_shows_the_payer_what_was_paid_in_their_language(client, login, user_factory):
    staff, payer, paid, _flagged = _world(user_factory)
    login(payer)
    page = client.get(f"/payments/{paid.id}/receipt")
    html = text(page)
    assert page.status_code == 200
    assert_valid(html, "receipt")
    assert "Rp" in html and "750.000" in html and ",00" not in html  # whole rupiah, Indonesian grouping
    with force_locale("id"):
        assert "BCA 0042" in html and str(PaymentMethod.BANK_TRANSFER.label) in html
    assert "250.000" in html and "@media" not in html and "no-print" in html
    assert "evt_" not in html and "Riwayat" not in html  # the history is for staff


def test_staff_see_the_receipt_with_its_history(client, login, user_factory):
    staff, payer, paid, flagged = _world(user_factory)
    login(staff)
    html = text(client.get(f"/payments/{flagged.id}/receipt"))
    assert_valid(html, "receipt (staff)")
    assert "History" in html and "evt_flag" in html and "Needs a look" in html
    assert "IDR 500,000" in html  # English: the viewer's language


def test_nobody_else_sees_a_receipt(client, login, user_factory):
    _staff, _payer, paid, _flagged = _world(user_factory)
    assert client.get(f"/payments/{paid.id}/receipt").status_code == 302  # to the login page
    login(user_factory())
    assert client.get(f"/payments/{paid.id}/receipt").status_code == 404
    assert client.get("/payments/99999/receipt").status_code == 404


def test_the_ledger_lists_flagged_payments_first_and_filters_by_status(client, login, user_factory):
    staff, _payer, paid, flagged = _world(user_factory)
    login(staff)
    page = client.get("/payments/")
    html = text(page)
    assert page.status_code == 200
    assert_valid(html, "ledger")
    assert html.index(f"/payments/{flagged.id}/receipt") < html.index(f"/payments/{paid.id}/receipt")
    assert 'href="/payments/"' in html  # the staff menu item
    only = text(client.get("/payments/?status=partially_refunded"))
    assert f"/payments/{paid.id}/receipt" in only and f"/payments/{flagged.id}/receipt" not in only
    assert client.get("/payments/?status=nonsense").status_code == 200
    assert client.get("/payments/?page=99").status_code == 200


def test_the_ledger_is_for_staff(client, login, user_factory):
    login(user_factory())
    assert client.get("/payments/").status_code == 403
