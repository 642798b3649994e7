"""How bookings react to payments and to the festival: a payment that arrives after the hold expired confirms the
booking if the stall is still free and is refunded in full otherwise (payer and staff told, once); replayed events
change nothing; `flask stalls expire-holds` cancels abandoned intents and routes one that was paid down the same
path; a withdrawal releases the booking and refunds per the edition's policy."""

from datetime import UTC, datetime, timedelta

from app.core.permissions import Role
from app.extensions import db
from app.payments.models import PaymentStatus, RefundReason
from app.stalls.models import Booking, BookingPayment, BookingStatus
from app.stalls.services import holds
from tests.factories import UserFactory
from tests.helpers import submit
from tests.stalls.book_world import accepted
from tests.stalls.pay_world import held_booking, pay, payments_of

NOW = datetime(2027, 6, 10, 2, 0, tzinfo=UTC)  # 65 days before the festival (14 August 2027): full refunds


def paid_at_stripe(client, login, fake_stripe, frozen_clock, **user):
    """A held booking whose card payment succeeded at localstripe, its webhook not delivered (none registered)."""
    frozen_clock(NOW)
    fake_stripe.attach_to_new_intents(fake_stripe.card("4242424242424242"))
    application, booking, stalls = held_booking(client, login, stalls=2, **user)
    pay(client, application)
    [payment] = payments_of(booking)
    assert fake_stripe.intent(payment.stripe_intent_id)["status"] == "succeeded"
    assert payment.status == PaymentStatus.PENDING
    return application, booking, payment, stalls


def succeeded_event(fake_stripe, payment, event_id="evt_late_paid"):
    return fake_stripe.event("payment_intent.succeeded", fake_stripe.intent(payment.stripe_intent_id), event_id)


def mails(outbox, to, template):
    return [m for m in outbox.messages(to) if m.template == template]


def test_a_payment_in_time_confirms_once_however_often_the_event_comes(client, login, fake_stripe, frozen_clock,
                                                                       outbox):
    application, booking, payment, _ = paid_at_stripe(client, login, fake_stripe, frozen_clock)
    event = succeeded_event(fake_stripe, payment)
    answers = [fake_stripe.post_event(client, event).status_code for _ in range(10)]
    assert answers == [200] * 10
    db.session.refresh(booking)
    assert booking.status == BookingStatus.CONFIRMED
    assert len(mails(outbox, application.applicant.email, "stalls/mail/confirmed")) == 1
    other = fake_stripe.event("payment_intent.succeeded", fake_stripe.intent(payment.stripe_intent_id), "evt_other")
    assert fake_stripe.post_event(client, other).status_code == 200  # another event id, same transition: nothing
    assert len(mails(outbox, application.applicant.email, "stalls/mail/confirmed")) == 1


def test_a_late_payment_with_the_stall_still_free_confirms_the_booking(client, login, fake_stripe, frozen_clock,
                                                                       outbox):
    application, booking, payment, _ = paid_at_stripe(client, login, fake_stripe, frozen_clock)
    frozen_clock(NOW + timedelta(minutes=45))  # the hold ended at 02:30
    assert fake_stripe.post_event(client, succeeded_event(fake_stripe, payment)).status_code == 200
    db.session.refresh(booking)
    assert booking.status == BookingStatus.CONFIRMED
    assert [e.note for e in booking.history][-1] == "paid after the hold expired; the stall was still free"
    assert len(mails(outbox, application.applicant.email, "stalls/mail/confirmed")) == 1
    assert fake_stripe.refunds() == []


def test_a_late_payment_for_a_stall_taken_meanwhile_is_refunded_and_both_are_told(client, login, fake_stripe,
                                                                                  frozen_clock, outbox):
    staff = UserFactory(staff=True, locale="en")
    application, booking, payment, stalls = paid_at_stripe(client, login, fake_stripe, frozen_clock)
    frozen_clock(NOW + timedelta(minutes=45))
    rival = accepted(_edition(booking))
    holds.hold(rival.applicant, rival.id, booking.stall_id)
    db.session.commit()

    event = succeeded_event(fake_stripe, payment)
    for _ in range(3):  # Stripe retries: one refund, one set of mails
        assert fake_stripe.post_event(client, event).status_code == 200
    db.session.refresh(payment)
    db.session.refresh(booking)
    assert payment.status == PaymentStatus.REFUNDED and payment.amount_refunded == 500_000
    assert [(r.amount, r.reason) for r in payment.refunds] == [(500_000, RefundReason.LATE_PAYMENT)]
    [refund] = fake_stripe.refunds()
    assert refund["amount"] == 50_000_000 and refund["payment_intent"] == payment.stripe_intent_id
    assert booking.status == BookingStatus.EXPIRED
    assert holds.live_booking_of(rival.id).stall_id == booking.stall_id  # the rival keeps the stall
    [to_payer] = mails(outbox, application.applicant.email, "stalls/mail/late_refund")
    assert "the stall had been taken" in to_payer.body_text and "500,000" in to_payer.body_text
    [to_staff] = mails(outbox, staff.email, "stalls/mail/late_refund_staff")
    assert application.applicant.email in to_staff.body_text
    assert not mails(outbox, application.applicant.email, "stalls/mail/confirmed")


def _edition(booking):
    from app.festival.models import Edition

    return db.session.get(Edition, booking.edition_id)


def test_a_late_payment_when_the_applicant_holds_another_stall_is_refunded(client, login, fake_stripe,
                                                                           frozen_clock, outbox):
    application, booking, payment, stalls = paid_at_stripe(client, login, fake_stripe, frozen_clock)
    frozen_clock(NOW + timedelta(minutes=45))
    holds.hold(application.applicant, application.id, stalls[1].id)  # a new hold on the other stall
    db.session.commit()
    assert fake_stripe.post_event(client, succeeded_event(fake_stripe, payment)).status_code == 200
    db.session.refresh(payment)
    assert payment.status == PaymentStatus.REFUNDED
    assert holds.live_booking_of(application.id).stall_id == stalls[1].id
    assert len(mails(outbox, application.applicant.email, "stalls/mail/late_refund")) == 1


def test_a_second_payment_for_a_booking_already_paid_is_given_back(client, login, fake_stripe, frozen_clock,
                                                                   outbox):
    from app.payments.services import create_card_payment

    application, booking, payment, _ = paid_at_stripe(client, login, fake_stripe, frozen_clock)
    assert fake_stripe.post_event(client, succeeded_event(fake_stripe, payment)).status_code == 200
    second = create_card_payment(application.applicant, payer=application.applicant, purpose="stall_booking",
                                 scope=f"edition:{booking.edition_id}", amount=booking.fee)  # e.g. a second tab
    db.session.add(BookingPayment(booking_id=booking.id, payment_id=second.id))
    db.session.commit()
    assert fake_stripe.post_event(client, succeeded_event(fake_stripe, second, "evt_second")).status_code == 200
    db.session.refresh(second)
    db.session.refresh(booking)
    assert second.status == PaymentStatus.REFUNDED and booking.status == BookingStatus.CONFIRMED
    assert [(r.amount, r.reason) for r in second.refunds] == [(booking.fee, RefundReason.DUPLICATE)]
    [to_payer] = mails(outbox, application.applicant.email, "stalls/mail/late_refund")
    assert "already paid" in to_payer.body_text
    assert len(mails(outbox, application.applicant.email, "stalls/mail/confirmed")) == 1


def test_expire_holds_cancels_abandoned_intents_and_is_harmless_twice(app, client, login, fake_stripe,
                                                                      frozen_clock):
    frozen_clock(NOW)
    application, booking, _ = held_booking(client, login)
    pay(client, application)  # no card attached: the intent waits for the browser
    [payment] = payments_of(booking)
    frozen_clock(NOW + timedelta(minutes=31))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["stalls", "expire-holds"])
    assert "holds expired: 1; pending payments cancelled: 1; could not cancel: 0" in first.output, first.output
    second = runner.invoke(args=["stalls", "expire-holds"])
    assert "holds expired: 0; pending payments cancelled: 0" in second.output
    db.session.commit()
    db.session.refresh(payment)
    assert payment.status == PaymentStatus.CANCELED
    assert fake_stripe.intent(payment.stripe_intent_id)["status"] == "canceled"
    assert db.session.get(Booking, booking.id).status == BookingStatus.EXPIRED


def test_expire_holds_finding_a_paid_intent_takes_the_late_payment_path(app, client, login, fake_stripe,
                                                                        frozen_clock, outbox):
    application, booking, payment, _ = paid_at_stripe(client, login, fake_stripe, frozen_clock)
    frozen_clock(NOW + timedelta(minutes=31))  # the webhook never came; cron runs
    result = app.test_cli_runner().invoke(args=["stalls", "expire-holds"])
    assert result.exit_code == 0, result.output
    db.session.commit()
    db.session.refresh(payment)
    assert payment.status == PaymentStatus.SUCCEEDED
    assert db.session.get(Booking, booking.id).status == BookingStatus.CONFIRMED  # the stall was still free
    assert len(mails(outbox, application.applicant.email, "stalls/mail/confirmed")) == 1


def test_withdrawing_the_application_releases_the_booking_and_refunds_it(client, login, fake_stripe, frozen_clock,
                                                                         outbox):
    application, booking, payment, _ = paid_at_stripe(client, login, fake_stripe, frozen_clock)
    assert fake_stripe.post_event(client, succeeded_event(fake_stripe, payment)).status_code == 200
    response = submit(client, f"/applications/{application.id}/withdraw", {"reason": "Sakit"})
    assert response.status_code == 302
    db.session.refresh(booking)
    db.session.refresh(payment)
    assert booking.status == BookingStatus.RELEASED and booking.release_reason == "withdrawn"
    assert payment.status == PaymentStatus.REFUNDED  # 65 days before the festival: everything back
    assert [r.reason for r in payment.refunds] == [RefundReason.WITHDRAWN]
    assert fake_stripe.refunds()[0]["amount"] == 50_000_000
    assert holds.live_booking_of(application.id) is None


def test_withdrawing_with_an_unpaid_hold_frees_the_stall(client, login, fake_stripe, frozen_clock):
    frozen_clock(NOW)
    application, booking, _ = held_booking(client, login)
    assert submit(client, f"/applications/{application.id}/withdraw", {"reason": ""}).status_code == 302
    db.session.refresh(booking)
    assert booking.status == BookingStatus.RELEASED
    assert Role.APPLICANT in application.applicant.roles


def test_a_revised_acceptance_releases_the_booking_and_refunds_it_as_staff_cancelled(app, client, login, fake_stripe,
                                                                                     frozen_clock):
    application, booking, payment, _ = paid_at_stripe(client, login, fake_stripe, frozen_clock)
    assert fake_stripe.post_event(client, succeeded_event(fake_stripe, payment)).status_code == 200
    desk = app.test_client()
    login(UserFactory(staff=True), on=desk)
    response = submit(desk, f"/staff/applications/{application.id}/revise",
                      {"decision": "rejected", "reason": "The business is not in Denpasar."},
                      page=f"/staff/applications/{application.id}")
    assert response.status_code == 302
    db.session.refresh(booking)
    db.session.refresh(payment)
    assert booking.status == BookingStatus.RELEASED and booking.release_reason == "cancelled_by_staff"
    assert [r.reason for r in payment.refunds] == [RefundReason.CANCELLED_BY_STAFF]
    assert holds.live_booking_of(application.id) is None
