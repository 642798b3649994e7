"""Eligibility, checked by the server: age 16–30 on the first festival day, the window (by the server's clock), and
one application per person per call."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.core.errors import DomainError
from app.extensions import db
from app.festival.models import Application
from app.festival.models.application import ApplicationStatus as S
from app.festival.services import drafts, eligibility
from tests.factories import ApplicationFactory, CallFactory, EditionFactory, UserFactory
from tests.helpers import csrf_token, submit, text

FIRST_DAY = date(2027, 8, 14)  # EditionFactory.starts_on


def start(client, call, page="/festival"):
    return submit(client, f"/festival/calls/{call.id}/apply", {}, page=page)


def count_applications() -> int:
    return db.session.scalar(select(func.count()).select_from(Application))


@pytest.mark.parametrize(
    ("born", "eligible"),
    [
        (date(2011, 8, 14), True),   # turns 16 on the first day
        (date(2011, 8, 15), False),  # still 15 on the first day
        (date(1997, 8, 14), True),   # turns 30 on the first day
        (date(1996, 8, 15), True),   # 30 (turns 31 the day after)
        (date(1996, 8, 14), False),  # turns 31 on the first day
    ],
)
def test_age_on_the_first_festival_day(client, login, open_window, born, eligible):
    call = CallFactory()
    assert call.edition.starts_on == FIRST_DAY
    login(UserFactory(date_of_birth=born, locale="en"))
    response = start(client, call)
    assert response.status_code == 302
    if eligible:
        application = db.session.scalar(select(Application))
        assert response.headers["Location"] == f"/applications/{application.id}/step/1"
        assert application.date_of_birth == born
    else:
        assert response.headers["Location"] == "/festival"
        assert count_applications() == 0
        assert "Applicants must be 16 to 30 years old" in text(client.get("/festival"))


def test_an_applicant_without_a_date_of_birth_is_told_to_add_it(client, login, open_window):
    call = CallFactory()
    login(UserFactory(date_of_birth=None, locale="en"))
    start(client, call)
    assert count_applications() == 0
    assert "Add your date of birth to your profile first." in text(client.get("/festival"))


def test_age_is_checked_again_at_submission_on_the_date_given_in_step_one(client, login, open_window):
    application = ApplicationFactory(date_of_birth=date(1990, 1, 1), applicant=UserFactory(locale="en"))
    login(application.applicant)
    response = submit(client, f"/applications/{application.id}/step/5", {"consent": "y", "action": "submit"})
    assert response.status_code == 200
    assert "Applicants must be 16 to 30 years old" in text(response)
    db.session.refresh(application)
    assert application.status == S.DRAFT


def test_step_one_refuses_a_date_of_birth_out_of_range(client, login, open_window):
    application = ApplicationFactory(applicant=UserFactory(locale="en"))
    login(application.applicant)
    url = f"/applications/{application.id}/step/1"
    response = submit(client, url, {"full_name": "Ayu", "phone": "0812 3456 7890", "date_of_birth": "2015-01-01",
                                    "district": "denpasar_utara", "nik": "", "action": "next"})
    assert response.status_code == 200
    assert "Applicants must be 16 to 30 years old" in text(response)
    db.session.refresh(application)
    assert application.date_of_birth == date(2004, 5, 17)  # the refused date is not stored...
    assert application.district == "denpasar_utara"  # ...the valid fields are


# --- the window, with a frozen clock ---------------------------------------------------------------------------------

def test_a_draft_can_be_started_at_the_moment_the_window_opens(client, login, frozen_clock):
    call = CallFactory()
    frozen_clock(call.edition.applications_open_at)
    login(UserFactory())
    start(client, call)
    assert count_applications() == 1


def test_a_draft_cannot_be_started_a_second_before_the_window_opens(client, login, frozen_clock):
    call = CallFactory()
    frozen_clock(call.edition.applications_open_at - timedelta(seconds=1))
    login(UserFactory(locale="en"))
    start(client, call)
    assert count_applications() == 0
    assert "Applications have not opened yet." in text(client.get("/festival"))


def test_a_draft_cannot_be_started_at_the_close(client, login, frozen_clock):
    call = CallFactory()
    frozen_clock(call.edition.applications_close_at)
    login(UserFactory(locale="en"))
    start(client, call)
    assert count_applications() == 0


def test_a_draft_can_be_submitted_just_before_the_close(client, login, frozen_clock, outbox):
    application = ApplicationFactory()
    login(application.applicant)
    url = f"/applications/{application.id}/step/5"
    page = client.get(url)  # the page was opened well before the deadline...
    frozen_clock(application.call.edition.applications_close_at - timedelta(seconds=1))
    response = client.post(url, data={"csrf_token": csrf_token(text(page)), "consent": "y", "action": "submit"})
    assert response.headers["Location"] == f"/applications/{application.id}"
    db.session.refresh(application)
    assert application.status == S.SUBMITTED
    assert application.reference == f"{application.call.edition.code}-00001"


def test_after_the_close_a_draft_cannot_be_submitted_whatever_the_browser_says(client, login, frozen_clock, outbox):
    application = ApplicationFactory(applicant=UserFactory(locale="en"))
    login(application.applicant)
    close = application.call.edition.applications_close_at
    frozen_clock(close - timedelta(minutes=5))
    url = f"/applications/{application.id}/step/5"
    page = client.get(url)
    frozen_clock(close)  # the form was loaded in time, but is sent at the deadline
    response = client.post(url, data={"csrf_token": csrf_token(text(page)), "consent": "y", "action": "submit"})
    assert response.status_code == 200
    assert "The deadline has passed; applications are closed." in text(response)
    db.session.refresh(application)
    assert (application.status, application.reference, application.submitted_at) == (S.DRAFT, None, None)
    assert outbox.messages(application.applicant.email) == []


def test_a_call_of_an_unpublished_edition_cannot_be_applied_to(client, login, open_window):
    call = CallFactory(edition=EditionFactory(status="draft"))
    login(UserFactory(locale="en"))
    start(client, call)
    assert count_applications() == 0
    assert "This call is not open." in text(client.get("/festival"))


# --- one application per person per call ---------------------------------------------------------------------------

def test_one_application_per_person_per_call(client, login, open_window):
    call = CallFactory()
    login(UserFactory(locale="en"))
    start(client, call)
    start(client, call)
    assert count_applications() == 1
    assert "You already have an application for this call." in text(client.get("/festival"))


def test_a_withdrawn_draft_still_counts_but_another_call_of_the_edition_is_open(client, login, open_window):
    bazaar = CallFactory()
    pitching = CallFactory(edition=bazaar.edition, kind="pitching", name_en="Pitching", position=1)
    application = ApplicationFactory(call=bazaar, status=S.WITHDRAWN)
    login(application.applicant)
    start(client, bazaar)
    start(client, pitching)
    calls = sorted(a.call_id for a in db.session.scalars(select(Application)))
    assert calls == [bazaar.id, pitching.id]


def test_only_applicants_can_start_a_draft(client, login, open_window):
    call = CallFactory()
    login(UserFactory(staff=True))
    response = submit(client, f"/festival/calls/{call.id}/apply", {}, page="/festival")
    assert response.status_code == 403
    assert count_applications() == 0


BORN = date(2004, 5, 17)
PROVINCE = "The first two digits of a NIK are a province code (11 to 94); please check them."
MISMATCH = "Digits 7 to 12 of your NIK do not match your date of birth; please check both."
NOT_A_DATE = "Digits 7 to 12 of a NIK are a date of birth (DDMMYY); please check them."
LENGTH = "A NIK has exactly 16 digits."


@pytest.mark.parametrize(
    ("nik", "born", "problem"),
    [
        ("5171011705040001", BORN, None),        # a man born on 17 May 2004
        ("5171015705040001", BORN, None),        # a woman: 40 added to the day
        ("5171015805040001", BORN, MISMATCH),    # a woman's NIK for the 18th
        ("5171011805040001", BORN, MISMATCH),    # a man's NIK for the 18th
        ("5171015706040001", BORN, MISMATCH),    # a woman's NIK for June
        ("5171015705050001", BORN, MISMATCH),    # a woman's NIK for 2005
        ("5171017205040001", None, NOT_A_DATE),  # a woman's day 72 - 40 = 32
        ("5171013505040001", None, NOT_A_DATE),  # day 35: neither a man's nor a woman's
        ("5171014005040001", None, NOT_A_DATE),  # day 40: a man's day 40 does not exist
        ("5171014105040001", None, None),        # a woman born on the 1st
        ("5171017105040001", None, None),        # a woman born on the 31st
        ("0971015705040001", BORN, PROVINCE),
        ("9571015705040001", BORN, PROVINCE),
        ("517101570504000", BORN, LENGTH),
        ("51710157050400012", BORN, LENGTH),
        ("５１７１０１５７０５０４０００１", BORN, LENGTH),  # full-width digits
        ("5171015705040\u0661\u0662\u0663", BORN, LENGTH),  # Arabic-Indic digits
    ],
)
def test_the_nik_rule(app, nik, born, problem):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        found = eligibility.nik_problem(nik, born)
        assert (str(found) if found is not None else None) == problem


def test_the_service_refuses_a_nik_the_form_would_refuse(app, open_window):
    """A script or a future page that calls the service directly meets the same NIK rule as the form."""
    application = ApplicationFactory(date_of_birth=BORN)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        for nik in ("5171015805040001", "５１７１０１５７０５０４０００１"):
            with pytest.raises(DomainError) as refused:
                drafts.save_step(application, 1, {"nik": nik}, actor=application.applicant)
            assert refused.value.field == "nik"
            db.session.rollback()
        drafts.save_step(application, 1, {"nik": "5171015705040001"}, actor=application.applicant)
    db.session.commit()
    assert db.session.get(Application, application.id).nik == "5171015705040001"


def test_a_nik_that_no_longer_matches_the_date_of_birth_cannot_be_submitted(client, login, open_window):
    application = ApplicationFactory(date_of_birth=date(2004, 5, 18), nik="5171015705040001",
                                     applicant=UserFactory(locale="en"))
    login(application.applicant)
    response = submit(client, f"/applications/{application.id}/step/5", {"consent": "y", "action": "submit"})
    assert response.status_code == 200 and MISMATCH in text(response)
    db.session.refresh(application)
    assert application.status == S.DRAFT
