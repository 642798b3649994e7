"""Erasing one's own account through "My data": nothing personal is left in any column of any table, the ledger
still balances, what the programme must keep is kept, and the person is told what and why."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.cohorts.models import Attendance, Certificate, CohortParticipant, ProgressReport
from app.core import uploads
from app.core.clock import now_utc
from app.extensions import db
from app.festival.models import Application, ApplicationEvent, ApplicationFile
from app.festival.models.application import ApplicationStatus
from app.mentoring.models import Meeting
from app.payments.models import Payment, Refund
from app.privacy.models import AnonymisedApplication, ConsentRecord, ErasedAccount, GuardianConsent
from app.stalls.models import Booking
from tests.factories import PASSWORD, ApplicationFactory, UserFactory
from tests.helpers import field_error, submit, text
from tests.payments.factories import card_payment
from tests.privacy.erasure_world import leaks, net_paid, rich_life
from tests.stalls.factories import BookingFactory


@pytest.fixture(autouse=True)
def _uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))


def _delete(client, password=PASSWORD, word="DELETE"):
    return submit(client, "/my-data/delete", {"password": password, "confirmation": word}, page="/my-data")


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_erasure_leaves_no_personal_value_in_any_table_and_the_ledger_balances(client, login):
    life = rich_life()
    booking_id = life.booking.id
    assert leaks(life.values), "the scan must see the values before the erasure"
    balance = net_paid(booking_id)
    assert balance == life.booking.fee - life.booking.fee // 2
    login(life.person)

    response = _delete(client)

    assert response.status_code == 302 and response.headers["Location"].endswith("/my-data/deleted")
    assert leaks(life.values) == []
    assert net_paid(booking_id) == balance
    page = text(client.get("/my-data/deleted", headers={"Accept-Language": "en"}))
    assert "What we kept, and why" in page and "Submitted applications (1)" in page
    assert "payments (1) and refunds (1)" in page


def test_erasure_keeps_what_the_programme_must_keep_without_the_person(client, login):
    life = rich_life()
    person_id, application_id, draft_id = life.person.id, life.application.id, life.draft.id
    login(life.person)
    assert _delete(client).status_code == 302

    user = db.session.get(User, person_id)
    assert user.name == "Deleted user" and user.email == f"deleted-{person_id}@invalid"
    assert user.phone_e164 is None and user.date_of_birth is None and not user.active and not user.roles
    assert not check_password_hash(user.password_hash, PASSWORD)
    application = db.session.get(Application, application_id)
    assert application.status == ApplicationStatus.ACCEPTED and application.reference
    assert application.full_name == "" and application.nik is None and application.answers == {}
    assert application.district is not None and application.subsector is not None  # statistics stay
    assert db.session.get(Application, draft_id) is None
    assert _count(ApplicationFile) == 0
    assert _count(ApplicationEvent, ApplicationEvent.application_id == application_id) == 1
    assert _count(AnonymisedApplication, AnonymisedApplication.application_id == application_id) == 1
    assert _count(Booking, Booking.holder_id == person_id) == 1
    assert _count(Payment, Payment.payer_id == person_id) == 1 and _count(Refund) == 1
    assert db.session.scalar(select(Payment.stripe_intent_id)) == "pi_erasure_1"
    assert _count(CohortParticipant, CohortParticipant.user_id == person_id) == 1 and _count(Attendance) == 1
    assert db.session.scalar(select(Certificate.holder_name)) == "Deleted user"
    report = db.session.scalar(select(ProgressReport))
    assert report.text == "" and report.file_key is None
    assert db.session.scalar(select(Meeting.notes)) == ""
    assert _count(ConsentRecord, ConsentRecord.user_id == person_id) == 2
    guardian = db.session.scalar(select(GuardianConsent))
    assert guardian.confirmed_at is not None and guardian.name == "" and guardian.email == ""
    for key in life.files:
        with pytest.raises(FileNotFoundError):
            uploads.read(key)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.account.erased"))
    assert entry.actor_id == person_id and entry.target_id == person_id
    assert entry.after["applications"] == 1 and entry.after["drafts_deleted"] == 1 and entry.after["payments"] == 1


def test_another_applicants_data_is_untouched(client, login):
    life = rich_life()
    other_id = life.other.id
    login(life.person)
    assert _delete(client).status_code == 302
    other = db.session.get(User, other_id)
    assert other.name == "Putu Gede Artawan" and other.active
    assert db.session.scalar(select(Application.business_name).where(Application.applicant_id == other_id)) == (
        "Gerabah Pejaten Artawan")


def test_erased_person_is_logged_out_and_cannot_log_in_again(client, login):
    life = rich_life()
    login(life.person)
    assert _delete(client).status_code == 302
    assert client.get("/my-data").status_code == 302  # the session ended
    assert login("komang.wulandari@example.com").status_code == 200  # the form again, with its error
    assert client.get("/my-data").status_code == 302


def test_a_wrong_password_or_word_changes_nothing(client, login):
    person = UserFactory(locale="en")
    login(person)
    response = _delete(client, password="not my password")
    assert response.status_code == 422
    assert field_error(text(response), "password") == "Your password is not correct."
    response = _delete(client, word="yes")
    assert response.status_code == 422
    assert field_error(text(response), "confirmation") == "Type DELETE to confirm."
    assert db.session.get(User, person.id).active
    assert _count(ErasedAccount) == 0


def test_the_word_is_asked_in_the_page_language_and_the_english_word_always_works(client, login):
    from flask_babel import force_locale

    from app.privacy.my_data_form import CONFIRM_WORD

    person = UserFactory(locale="id")
    login(person)
    with force_locale("id"):
        word = str(CONFIRM_WORD)  # HAPUS once the catalog is compiled
    assert word in text(client.get("/my-data"))
    assert _delete(client, word=" delete ").status_code == 302
    assert not db.session.get(User, person.id).active


def test_refused_while_a_stall_is_held_for_payment(client, login):
    booking = BookingFactory()  # a live hold
    person = db.session.get(User, booking.holder_id)
    person.locale = "en"
    db.session.commit()
    login(person)
    page = text(client.get("/my-data"))
    assert "stall on hold or a payment in progress" in page
    response = _delete(client)
    assert response.status_code == 422
    assert "stall on hold or a payment in progress" in text(response)
    assert db.session.get(User, person.id).active


def test_refused_while_a_card_payment_is_pending(client, login):
    person = UserFactory(locale="en")
    card_payment(person, intent_id="pi_pending_1")
    login(person)
    response = _delete(client)
    assert response.status_code == 422 and "payment in progress" in text(response)
    assert db.session.get(User, person.id).active


def test_an_expired_hold_does_not_block(client, login):
    booking = BookingFactory(expired_hold=True)
    person = db.session.get(User, booking.holder_id)
    login(person)
    assert _delete(client).status_code == 302
    assert not db.session.get(User, person.id).active


def test_staff_accounts_are_not_erased_here(client, login):
    staff = UserFactory(staff=True, locale="en")
    login(staff)
    response = _delete(client)
    assert response.status_code == 422 and "closed by the programme team" in text(response)
    assert db.session.get(User, staff.id).active


def test_a_repeated_request_is_a_no_op(client, login, app):
    from app.privacy.services import erasure

    person = UserFactory(locale="en")
    ApplicationFactory(applicant=person, submitted=True)
    with app.test_request_context():
        erasure.erase_account(person, PASSWORD)
        db.session.commit()
        with pytest.raises(erasure.AlreadyDone):
            erasure.erase_account(db.session.get(User, person.id), PASSWORD)
        db.session.rollback()
    assert _count(ErasedAccount) == 1
    assert _count(AuditEntry, AuditEntry.action == "privacy.account.erased") == 1


def test_anonymous_visitors_see_the_deleted_page_without_counts(client):
    page = text(client.get("/my-data/deleted", headers={"Accept-Language": "en"}))
    assert "What we kept, and why" in page and "Drafts deleted" not in page


def test_expired_sign_in_link_time_is_irrelevant(client, login):
    """Sign-in links are deleted whatever their state (a used one is as personal as an open one)."""
    from app.accounts.models import SignInLink

    person = UserFactory(locale="en")
    db.session.add(SignInLink(user_id=person.id, token_sha256="c" * 64, expires_at=now_utc() - timedelta(days=1),
                              used_at=now_utc() - timedelta(days=2)))
    db.session.commit()
    login(person)
    assert _delete(client).status_code == 302
    assert _count(SignInLink) == 0


def test_a_mentor_is_erased_with_their_profile_and_their_pairs_stay(client, login):
    from app.mentoring.models import MentorProfile, Mentorship
    from tests.mentoring.factories import MentorProfileFactory, MentorshipFactory

    profile = MentorProfileFactory(bio="Exporter of Kakadu plum products for twenty years.")
    mentor = profile.user
    pair = MentorshipFactory(mentor=mentor, accepted=True)
    login(mentor)
    assert _delete(client).status_code == 302
    assert _count(MentorProfile) == 0
    assert db.session.get(Mentorship, pair.id).mentor_id == mentor.id  # the pair's history stays, pseudonymised
    assert db.session.get(User, mentor.id).name == "Deleted user"
    assert leaks(["Kakadu plum"]) == []
