"""Staff decisions: drafted without a trace outside the application, released per call through the workflow (recorded,
mailed in the applicant's language with the staff message), revised with a reason."""

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.core.errors import AlreadyDone, InvalidState, NotAllowed
from app.extensions import db
from app.festival.models import ApplicationEvent
from app.festival.models.application import ApplicationStatus as S
from app.festival.models.review import AssignmentStatus
from app.festival.services import decisions
from tests.factories import ApplicationFactory, AssignmentFactory, CallFactory, UserFactory

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
    decisions.decide(staff, application, S.ACCEPTED, "See you at Puputan Badung!")
    assert outbox.messages() == [] and application.status == S.UNDER_REVIEW  # a draft sends nothing
    decisions.release(staff, application.call)
    db.session.commit()
    event = application.events[-1]
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
    decisions.release(staff, application.call)
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
    decisions.release(staff, application.call)
    mail = outbox.last(application.applicant.email)
    assert mail.template == "festival/mail/waitlisted" and "A message from the programme team" not in mail.body_text


def test_only_staff_decide(moment, outbox):
    application = submitted()
    for actor in (application.applicant, UserFactory(reviewer=True), UserFactory(mentor=True)):
        with pytest.raises(NotAllowed):
            decisions.decide(actor, application, S.ACCEPTED)
    assert application.status == S.SUBMITTED and application.draft_decision is None and outbox.messages() == []


def test_a_decision_must_be_one_of_the_three(moment, staff):
    application = submitted()
    with pytest.raises(InvalidState):
        decisions.decide(staff, application, S.UNDER_REVIEW)
    assert application.status == S.SUBMITTED


@pytest.mark.parametrize("status", [S.WITHDRAWN, S.REJECTED, S.ACCEPTED])
def test_an_illegal_draft_is_refused_and_changes_nothing(moment, staff, outbox, status):
    application = submitted(status=status)  # a released decision is revised, never drafted over
    target = S.WAITLISTED
    with pytest.raises(InvalidState):
        decisions.decide(staff, application, target)
    db.session.rollback()
    assert application.status == status and application.draft_decision is None and outbox.messages() == []
    assert db.session.scalars(select(ApplicationEvent)).all() == []


def test_decision_choices_follow_the_table():
    assert decisions.decision_choices(ApplicationFactory()) == []  # a draft cannot be decided
    assert decisions.decision_choices(submitted()) == [S.ACCEPTED, S.WAITLISTED, S.REJECTED]
    assert decisions.decision_choices(submitted(status=S.WAITLISTED)) == [S.ACCEPTED, S.REJECTED]
    assert decisions.decision_choices(submitted(status=S.WITHDRAWN)) == []


def test_bulk_drafts_the_legal_ones_and_skips_the_rest(moment, staff, outbox):
    call = CallFactory()
    fine = [submitted(call=call), submitted(call=call, status=S.UNDER_REVIEW)]
    gone = submitted(call=call, status=S.WITHDRAWN)
    draft = ApplicationFactory(call=call)
    outcome = decisions.decide_many(staff, [a.id for a in [*fine, gone, draft]] + [999999], S.REJECTED, "Maaf.")
    db.session.commit()
    assert outcome.decided == fine and outcome.skipped == [gone]
    assert [(a.status, a.draft_decision, a.draft_message) for a in fine] == [
        (S.SUBMITTED, S.REJECTED, "Maaf."), (S.UNDER_REVIEW, S.REJECTED, "Maaf.")]
    assert gone.draft_decision is None and draft.status == S.DRAFT  # drafts are not even seen
    assert outbox.messages() == []
    decisions.release(staff, call)
    db.session.commit()
    assert [a.status for a in fine] == [S.REJECTED, S.REJECTED]
    assert len(outbox.messages()) == 2 and {m.to_address for m in outbox.messages()} == {
        a.applicant.email for a in fine}
    assert all("Maaf." in m.body_text for m in outbox.messages())


def test_drafts_change_freely_and_can_be_cleared(moment, staff, outbox):
    application = submitted()
    decisions.decide(staff, application, S.ACCEPTED, "Yes")
    decisions.decide(staff, application, S.REJECTED, "No")
    assert (application.draft_decision, application.draft_message) == (S.REJECTED, "No")
    decisions.clear_draft(staff, application)
    assert (application.draft_decision, application.draft_message, application.draft_decided_by_id) == (None, "", None)
    with pytest.raises(AlreadyDone):
        decisions.clear_draft(staff, application)
    with pytest.raises(AlreadyDone):  # nothing left to send
        decisions.release(staff, application.call)
    assert application.status == S.SUBMITTED and outbox.messages() == [] and application.events == []


def test_release_sends_each_drafted_decision_once_and_drops_a_withdrawn_ones_draft(moment, staff, outbox):
    call = CallFactory()
    accepted, waiting, withdrawn = submitted(call=call), submitted(call=call), submitted(call=call)
    other_call = submitted()
    for application, decision in ((accepted, S.ACCEPTED), (waiting, S.WAITLISTED), (withdrawn, S.REJECTED),
                                  (other_call, S.ACCEPTED)):
        decisions.decide(staff, application, decision)
    withdrawn.status = S.WITHDRAWN  # the applicant withdrew after the draft
    outcome = decisions.release(staff, call)
    db.session.commit()
    assert outcome.decided == [accepted, waiting] and outcome.skipped == [withdrawn]
    assert (accepted.status, waiting.status, withdrawn.status) == (S.ACCEPTED, S.WAITLISTED, S.WITHDRAWN)
    assert [a.draft_decision for a in (accepted, waiting, withdrawn)] == [None, None, None]
    assert other_call.status == S.SUBMITTED and other_call.draft_decision == S.ACCEPTED  # another call's draft waits
    assert sorted(m.template for m in outbox.messages()) == ["festival/mail/accepted", "festival/mail/waitlisted"]
    with pytest.raises(AlreadyDone):
        decisions.release(staff, call)


def test_only_staff_draft_clear_release_and_revise(moment):
    application = submitted(status=S.ACCEPTED)
    for actor in (application.applicant, UserFactory(reviewer=True), UserFactory(mentor=True)):
        with pytest.raises(NotAllowed):
            decisions.clear_draft(actor, application)
        with pytest.raises(NotAllowed):
            decisions.release(actor, application.call)
        with pytest.raises(NotAllowed):
            decisions.revise(actor, application, S.REJECTED, "Because.")
    assert application.status == S.ACCEPTED


def test_a_released_decision_is_revised_with_a_reason_recorded_and_mailed(moment, staff, outbox):
    application = submitted("en", status=S.ACCEPTED)
    with pytest.raises(InvalidState) as refused:
        decisions.revise(staff, application, S.REJECTED, "   ")
    assert refused.value.field == "reason" and application.status == S.ACCEPTED
    decisions.revise(staff, application, S.REJECTED, "The documents were not the applicant's own.")
    db.session.commit()
    event = application.events[-1]
    assert (application.status, event.from_status, event.to_status, event.actor_id, event.message) == (
        S.REJECTED, S.ACCEPTED, S.REJECTED, staff.id, "The documents were not the applicant's own.")
    mail = outbox.last(application.applicant.email)
    assert (mail.template, mail.locale) == ("festival/mail/revised", "en")
    assert "It is now: Not selected." in mail.body_text
    assert "The documents were not the applicant's own." in mail.body_text
    assert mail.subject == f"The decision on your application {application.reference} has changed"


def test_only_a_released_acceptance_or_rejection_is_revised(moment, staff):
    for status in (S.SUBMITTED, S.UNDER_REVIEW, S.WITHDRAWN, S.WAITLISTED):
        application = submitted(status=status)
        with pytest.raises(InvalidState):
            decisions.revise(staff, application, S.ACCEPTED, "Because.")
        assert application.status == status
    assert decisions.revision_choices(submitted(status=S.ACCEPTED)) == [S.WAITLISTED, S.REJECTED]
    assert decisions.revision_choices(submitted(status=S.REJECTED)) == [S.ACCEPTED, S.WAITLISTED]


def test_drafting_early_warns_but_does_not_refuse(app, frozen_clock, staff):
    application = submitted("en")
    AssignmentFactory(application=application, status=AssignmentStatus.ASSIGNED)
    AssignmentFactory(application=application, status=AssignmentStatus.SUBMITTED)
    frozen_clock(application.call.edition.applications_close_at - timedelta(hours=1))
    with app.test_request_context(), force_locale("en"):  # the assertions read English
        found = [str(warning) for warning in decisions.decide(staff, application, S.ACCEPTED)]
        assert found == ["1 assigned review(s) not yet submitted.", "The application deadline has not passed yet."]
        assert application.draft_decision == S.ACCEPTED
        frozen_clock(application.call.edition.applications_close_at)
        assert [str(warning) for warning in decisions.warnings(application)] == [
            "1 assigned review(s) not yet submitted."]


def test_the_previews_show_one_letter_per_decision_in_the_first_applicants_language(moment, staff, outbox):
    call = CallFactory()
    english, indonesian, second = submitted("en", call=call), submitted("id", call=call), submitted("en", call=call)
    decisions.decide(staff, english, S.ACCEPTED, "Welcome!")
    decisions.decide(staff, indonesian, S.REJECTED)
    decisions.decide(staff, second, S.ACCEPTED)
    found = decisions.previews(call, decisions.drafted(call))
    assert [(p.decision, p.count, p.locale) for p in found] == [(S.ACCEPTED, 2, "en"), (S.REJECTED, 1, "id")]
    assert found[0].subject.startswith("Good news") and "Welcome!" in found[0].body
    assert found[1].body.startswith("Halo ")
    assert outbox.messages() == [] and english.events == []  # a preview sends and records nothing


def test_bulk_is_for_staff_only(moment):
    application = submitted()
    with pytest.raises(NotAllowed):
        decisions.decide_many(application.applicant, [application.id], S.ACCEPTED)
