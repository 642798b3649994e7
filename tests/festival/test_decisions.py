"""Staff decisions: through the workflow, recorded, and mailed in the applicant's language with the staff message."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.core.errors import InvalidState, NotAllowed
from app.extensions import db
from app.festival.models import ApplicationEvent
from app.festival.models.application import ApplicationStatus as S
from app.festival.services import decisions
from tests.factories import ApplicationFactory, CallFactory, UserFactory

NOW = datetime(2027, 6, 10, 2, 0, tzinfo=UTC)


@pytest.fixture
def moment(app, frozen_clock):
    frozen_clock(NOW)
    with app.test_request_context():
        yield


@pytest.fixture
def staff():
    return UserFactory(staff=True, name="Made Staf")


def submitted(locale: str = "id", status: S = S.SUBMITTED, **kwargs):
    return ApplicationFactory(submitted=True, status=status, applicant=UserFactory(locale=locale), **kwargs)


def test_an_english_applicant_is_told_in_english_with_the_personal_message(moment, staff, outbox):
    application = submitted("en", status=S.UNDER_REVIEW)
    event = decisions.decide(staff, application, S.ACCEPTED, "See you at Puputan Badung!")
    db.session.commit()
    mail = outbox.last(application.applicant.email)
    assert (mail.locale, mail.template) == ("en", "festival/mail/accepted")
    assert mail.subject == "Good news: you are accepted to Creative bazaar"
    assert mail.body_text.startswith("Hello ") and "has been accepted" in mail.body_text
    assert "See you at Puputan Badung!" in mail.body_text
    assert "See you at Puputan Badung!" in mail.body_html
    assert (event.actor_id, event.created_at, event.from_status, event.to_status, event.message) == (
        staff.id, NOW, S.UNDER_REVIEW, S.ACCEPTED, "See you at Puputan Badung!")
    assert application.status == S.ACCEPTED and application.decided_at == NOW


def test_an_indonesian_applicant_is_told_in_indonesian_with_the_personal_message(moment, staff, outbox):
    application = submitted("id")
    decisions.decide(staff, application, S.REJECTED, "Terima kasih, coba lagi tahun depan.")
    db.session.commit()
    mail = outbox.last(application.applicant.email)
    assert (mail.locale, mail.template) == ("id", "festival/mail/rejected")
    assert "Bazar UMKM Kreatif" in mail.subject  # the call's Indonesian name
    assert "Terima kasih, coba lagi tahun depan." in mail.body_text
    assert mail.body_text.startswith("Halo ") and "Hello" not in mail.body_text  # the letter is the Indonesian one
    stored = db.session.scalars(select(ApplicationEvent)).one()
    assert (stored.actor_id, stored.from_status, stored.to_status, stored.message, stored.created_at) == (
        staff.id, S.SUBMITTED, S.REJECTED, "Terima kasih, coba lagi tahun depan.", NOW)


def test_without_a_message_the_mail_has_no_message_block(moment, staff, outbox):
    application = submitted("en")
    decisions.decide(staff, application, S.WAITLISTED)
    mail = outbox.last(application.applicant.email)
    assert mail.template == "festival/mail/waitlisted" and "A message from the programme team" not in mail.body_text


def test_only_staff_decide(moment, outbox):
    application = submitted()
    for actor in (application.applicant, UserFactory(reviewer=True), UserFactory(mentor=True)):
        with pytest.raises(NotAllowed):
            decisions.decide(actor, application, S.ACCEPTED)
    assert application.status == S.SUBMITTED and outbox.messages() == []


def test_a_decision_must_be_one_of_the_three(moment, staff):
    application = submitted()
    with pytest.raises(InvalidState):
        decisions.decide(staff, application, S.UNDER_REVIEW)
    assert application.status == S.SUBMITTED


@pytest.mark.parametrize("status", [S.WITHDRAWN, S.REJECTED, S.ACCEPTED])
def test_an_illegal_decision_is_refused_and_changes_nothing(moment, staff, outbox, status):
    application = submitted(status=status)
    target = S.WAITLISTED
    with pytest.raises(InvalidState):
        decisions.decide(staff, application, target)
    db.session.rollback()
    assert application.status == status and outbox.messages() == []
    assert db.session.scalars(select(ApplicationEvent)).all() == []


def test_decision_choices_follow_the_table():
    assert decisions.decision_choices(ApplicationFactory()) == []  # a draft cannot be decided
    assert decisions.decision_choices(submitted()) == [S.ACCEPTED, S.WAITLISTED, S.REJECTED]
    assert decisions.decision_choices(submitted(status=S.WAITLISTED)) == [S.ACCEPTED, S.REJECTED]
    assert decisions.decision_choices(submitted(status=S.WITHDRAWN)) == []


def test_bulk_decides_the_legal_ones_and_skips_the_rest(moment, staff, outbox):
    call = CallFactory()
    fine = [submitted(call=call), submitted(call=call, status=S.UNDER_REVIEW)]
    gone = submitted(call=call, status=S.WITHDRAWN)
    draft = ApplicationFactory(call=call)
    outcome = decisions.decide_many(staff, [a.id for a in [*fine, gone, draft]] + [999999], S.REJECTED, "Maaf.")
    db.session.commit()
    assert outcome.decided == fine and outcome.skipped == [gone]
    assert [a.status for a in fine] == [S.REJECTED, S.REJECTED]
    assert gone.status == S.WITHDRAWN and draft.status == S.DRAFT  # drafts are not even seen
    assert len(outbox.messages()) == 2 and {m.to_address for m in outbox.messages()} == {
        a.applicant.email for a in fine}
    assert all("Maaf." in m.body_text for m in outbox.messages())


def test_bulk_is_for_staff_only(moment):
    application = submitted()
    with pytest.raises(NotAllowed):
        decisions.decide_many(application.applicant, [application.id], S.ACCEPTED)
