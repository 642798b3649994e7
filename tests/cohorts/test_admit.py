"""Admitting participants from accepted applications (real forms, CSRF on): capacity, double admits, other
editions, and a festival withdrawal that flags the participant instead of removing them."""

from sqlalchemy import select

from app.cohorts.models import CohortParticipant, ParticipantStatus
from app.extensions import db
from app.festival.models.application import ApplicationStatus
from tests.cohorts.factories import CohortFactory, ParticipantFactory, accepted_in
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, CallFactory, EditionFactory, UserFactory
from tests.helpers import field_error, submit, text


def _participants(cohort) -> list[CohortParticipant]:
    return list(db.session.scalars(select(CohortParticipant).where(CohortParticipant.cohort_id == cohort.id)
                                   .order_by(CohortParticipant.id)))


def _staff(login):
    login(UserFactory(staff=True, locale="en"))


def test_admit_ticked_applicants_of_any_call_of_the_edition(client, login):
    edition = EditionFactory()
    cohort = CohortFactory(edition=edition, capacity=5)
    first, second = accepted_in(edition), accepted_in(edition)  # two calls of the same edition
    elsewhere = accepted_in(EditionFactory())
    not_accepted = ApplicationFactory(call=first.call, submitted=True)
    _staff(login)
    url = f"/staff/cohorts/{cohort.id}/admit"
    page = text(client.get(url))
    assert first.business_name in page and second.business_name in page
    assert elsewhere.business_name not in page and not_accepted.business_name not in page
    assert_valid(page, url)
    response = submit(client, url, {"application_ids": [str(first.id), str(second.id)]})
    assert response.status_code == 302
    admitted = _participants(cohort)
    assert [(p.user_id, p.application_id, p.status) for p in admitted] == [
        (first.applicant_id, first.id, ParticipantStatus.ADMITTED),
        (second.applicant_id, second.id, ParticipantStatus.ADMITTED)]
    staff_page = text(client.get(f"/staff/cohorts/{cohort.id}"))
    assert first.applicant.name in staff_page and "2 / 5" in staff_page
    assert_valid(staff_page, "staff cohort page")


def test_a_second_admission_of_the_same_person_is_already_done(client, login):
    edition = EditionFactory()
    cohort = CohortFactory(edition=edition)
    application = accepted_in(edition)
    _staff(login)
    url = f"/staff/cohorts/{cohort.id}/admit"
    token_page = client.get(url)  # the list as it was before the first admission (a second tab)
    assert submit(client, url, {"application_ids": [str(application.id)]}).status_code == 302
    from tests.helpers import csrf_token

    again = client.post(url, data={"csrf_token": csrf_token(text(token_page)),
                                   "application_ids": [str(application.id)]})
    assert again.status_code == 200
    assert field_error(text(again), "application_ids") == f"{application.full_name} is already admitted to this cohort."
    assert len(_participants(cohort)) == 1


def test_more_people_than_places_left_admits_nobody(client, login):
    edition = EditionFactory()
    cohort = CohortFactory(edition=edition, capacity=3)
    ParticipantFactory(cohort=cohort)
    applications = [accepted_in(edition) for _ in range(3)]
    _staff(login)
    response = submit(client, f"/staff/cohorts/{cohort.id}/admit",
                      {"application_ids": [str(a.id) for a in applications]})
    assert response.status_code == 200
    assert field_error(text(response), "application_ids") == "The cohort is full: 2 places left, 3 chosen."
    assert len(_participants(cohort)) == 1  # all or nothing


def test_an_application_of_another_edition_or_not_accepted_is_refused(client, login):
    edition = EditionFactory()
    cohort = CohortFactory(edition=edition)
    other = accepted_in(EditionFactory())
    waitlisted = ApplicationFactory(call=CallFactory(edition=edition), submitted=True,
                                    status=ApplicationStatus.WAITLISTED)
    _staff(login)
    url = f"/staff/cohorts/{cohort.id}/admit"
    response = submit(client, url, {"application_ids": [str(other.id)]})
    assert field_error(text(response), "application_ids") == f"{other.reference} belongs to another edition."
    response = submit(client, url, {"application_ids": [str(waitlisted.id)]})
    assert field_error(text(response), "application_ids") == (
        f"{waitlisted.reference} is not accepted (any more): it cannot be admitted.")
    response = submit(client, url, {})
    assert field_error(text(response), "application_ids") == "Choose at least one person to admit."
    assert _participants(cohort) == []


def test_a_cohort_without_edition_admits_from_any_edition(client, login):
    cohort = CohortFactory(edition=None)
    application = accepted_in(EditionFactory())
    _staff(login)
    assert submit(client, f"/staff/cohorts/{cohort.id}/admit",
                  {"application_ids": [str(application.id)]}).status_code == 302
    assert [p.application_id for p in _participants(cohort)] == [application.id]


def test_a_festival_withdrawal_flags_the_participant_and_staff_see_it(client, login, app):
    edition = EditionFactory()
    cohort = CohortFactory(edition=edition)
    application = accepted_in(edition, locale="en")
    participant = ParticipantFactory(cohort=cohort, application=application)
    login(application.applicant)
    response = submit(client, f"/applications/{application.id}/withdraw", {"reason": "Moving to Jakarta"})
    assert response.status_code == 302
    db.session.refresh(application)
    db.session.refresh(participant)
    assert application.status == ApplicationStatus.WITHDRAWN
    assert participant.status == ParticipantStatus.ADMITTED  # not silently removed
    assert participant.flagged_at is not None and participant.flagged_note == "Moving to Jakarta"

    desk = app.test_client()
    login(UserFactory(staff=True, locale="en"), on=desk)
    page = text(desk.get(f"/staff/cohorts/{cohort.id}"))
    assert "No longer accepted at the festival since" in page and "Moving to Jakarta" in page
    assert_valid(page, "staff cohort page with a flag")
    assert "1 no longer accepted at the festival" in text(desk.get("/staff/cohorts"))
    # Staff decide: taking the person out frees the place.
    response = submit(desk, f"/staff/cohorts/participants/{participant.id}/withdraw", {},
                      page=f"/staff/cohorts/{cohort.id}")
    assert response.status_code == 302
    db.session.refresh(participant)
    assert participant.status == ParticipantStatus.WITHDRAWN


def test_a_revised_acceptance_flags_the_participant_with_the_reason(client, login):
    edition = EditionFactory()
    cohort = CohortFactory(edition=edition)
    application = accepted_in(edition)
    participant = ParticipantFactory(cohort=cohort, application=application)
    login(UserFactory(staff=True, locale="en"))
    response = submit(client, f"/staff/applications/{application.id}/revise",
                      {"decision": "waitlisted", "reason": "Places were counted twice."},
                      page=f"/staff/applications/{application.id}")
    assert response.status_code == 302
    db.session.refresh(participant)
    assert participant.status == ParticipantStatus.ADMITTED  # staff decide on the cohort's page
    assert participant.flagged_at is not None and participant.flagged_note == "Places were counted twice."


def test_other_status_changes_flag_nobody():
    from app.core.events import application_status_changed

    edition = EditionFactory()
    cohort = CohortFactory(edition=edition)
    application = accepted_in(edition)
    participant = ParticipantFactory(cohort=cohort, application=application)
    for previous, current in ((ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN),
                              (ApplicationStatus.WAITLISTED, ApplicationStatus.ACCEPTED)):
        application_status_changed.send(application, previous=previous, current=current, actor=None, event=None)
    db.session.commit()
    db.session.refresh(participant)
    assert participant.flagged_at is None
