"""The completion rule (attendance ≥ the cohort's minimum and every required milestone accepted), the staff page that
shows each participant against it, confirming (all at once or one by one: a certificate each, a mail, never twice),
revoking a certificate, and the rule's field on the cohort form."""

import re

import pytest
from sqlalchemy import func, select

from app.cohorts.models import Certificate, Cohort, CohortParticipant
from app.extensions import db
from tests.cohorts.completion_factories import AFTER_THE_COHORT, CertificateFactory, cohort_with_standings
from tests.cohorts.factories import CohortFactory
from tests.core.test_html import assert_valid
from tests.factories import UserFactory
from tests.helpers import field_error, submit, text

CODE = re.compile(r"^DY-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


@pytest.fixture
def standings(frozen_clock):
    frozen_clock(AFTER_THE_COHORT)
    return cohort_with_standings()


@pytest.fixture
def staff(login):
    user = UserFactory(staff=True, locale="en")
    login(user)
    return user


def _certificates() -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).order_by(Certificate.id)))


def test_the_page_shows_each_participant_against_the_rule(client, staff, standings):
    cohort, people = standings
    url = f"/staff/cohorts/{cohort.id}/completion"
    page = text(client.get(url))
    assert_valid(page, url)
    rows = {name: page.split(f'id="participant-{p.id}"')[1].split("</tr>")[0] for name, p in people.items()}
    assert "4 of 4 (100 %)" in rows["ready"] and "1 of 1" in rows["ready"] and "Meets the rule" in rows["ready"]
    assert "2 of 4 (50 %)" in rows["absent"] and "Attendance 50 % is below the 75 % required." in rows["absent"]
    assert "0 of 1" in rows["unreported"]
    assert "1 required milestone(s) without an accepted report." in rows["unreported"]
    assert "Confirm the 1 participant who meets the rule" in page


def test_confirming_all_issues_one_certificate_and_tells_the_participant(client, staff, standings, outbox):
    cohort, people = standings
    url = f"/staff/cohorts/{cohort.id}/completion"
    response = submit(client, f"{url}/confirm", {}, page=url, follow_redirects=True)
    assert "1 certificate issued." in text(response)
    [certificate] = _certificates()
    ready = db.session.get(CohortParticipant, people["ready"].id)
    assert certificate.participant_id == ready.id and ready.completed_at == AFTER_THE_COHORT
    assert CODE.match(certificate.code) and certificate.holder_name == "Ayu Lestari"
    assert certificate.issued_by_id == staff.id
    assert all(db.session.get(CohortParticipant, people[n].id).completed_at is None for n in ("absent", "unreported"))
    mail = outbox.last(ready.user.email)
    assert mail.locale == "en" and "certificate of completion" in mail.subject
    assert certificate.code in mail.body_text
    assert f"/certificates/{certificate.id}/certificate.pdf" in outbox.link(ready.user.email, "certificate.pdf")
    assert outbox.link(ready.user.email, "/verify/").endswith(f"/verify/{certificate.code}")

    again = submit(client, f"{url}/confirm", {}, page=url, follow_redirects=True)  # a second tab, a double click
    assert "Nobody is left to confirm" in text(again)
    assert len(_certificates()) == 1 and len(outbox.messages(ready.user.email)) == 1


def test_confirming_one_by_one_refuses_who_does_not_meet_the_rule(client, staff, standings):
    cohort, people = standings
    page = f"/staff/cohorts/{cohort.id}/completion"
    refused = submit(client, f"/staff/cohorts/participants/{people['absent'].id}/complete", {}, page=page,
                     follow_redirects=True)
    assert "Bagus Wirawan does not meet the rule yet: Attendance 50 % is below the 75 % required." in text(refused)
    assert _certificates() == []
    done = submit(client, f"/staff/cohorts/participants/{people['ready'].id}/complete", {}, page=page,
                  follow_redirects=True)
    [certificate] = _certificates()
    assert f"Completion confirmed; certificate {certificate.code} issued." in text(done)
    again = submit(client, f"/staff/cohorts/participants/{people['ready'].id}/complete", {}, page=page,
                   follow_redirects=True)
    assert "Ayu Lestari&#39;s completion is already confirmed." in text(again)
    assert len(_certificates()) == 1


def test_a_lower_minimum_lets_more_people_complete(client, staff, standings):
    cohort, people = standings
    db.session.get(Cohort, cohort.id).min_attendance_percent = 50
    db.session.commit()
    url = f"/staff/cohorts/{cohort.id}/completion"
    submit(client, f"{url}/confirm", {}, page=url)
    assert {c.participant_id for c in _certificates()} == {people["ready"].id, people["absent"].id}


def test_staff_revoke_a_certificate_with_a_reason(client, staff, standings):
    cohort, people = standings
    certificate = CertificateFactory(participant=people["ready"])
    url = f"/staff/certificates/{certificate.id}/revoke"
    assert_valid(text(client.get(url)), url)
    empty = submit(client, url, {"reason": "  "})
    assert field_error(text(empty), "reason") == "Say why the certificate is revoked."
    response = submit(client, url, {"reason": "Issued by mistake."})
    assert response.status_code == 302
    db.session.refresh(certificate)
    assert certificate.revoked_at is not None and certificate.revoked_reason == "Issued by mistake."
    assert "Revoked" in text(client.get(f"/staff/cohorts/{cohort.id}/completion"))


@pytest.mark.parametrize("role", [{}, {"mentor": True}, {"reviewer": True}])
def test_only_staff_open_the_completion_pages(client, login, role):
    cohort = CohortFactory()
    certificate = CertificateFactory()
    login(UserFactory(**role))
    assert client.get(f"/staff/cohorts/{cohort.id}/completion").status_code == 403
    assert client.get(f"/staff/certificates/{certificate.id}/revoke").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    cohort = CohortFactory()
    response = client.get(f"/staff/cohorts/{cohort.id}/completion")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _cohort_form(**changes) -> dict:
    return {"name_ind": "Inkubator Darwin", "name_en": "", "partner": "Darwin Hub", "edition_id": "",
            "starts_on": "2027-09-01", "ends_on": "2027-11-30", "capacity": "12", "mode": "mixed",
            "description": "", **changes}


def test_the_cohort_form_sets_the_minimum_attendance(client, staff):
    assert submit(client, "/staff/cohorts/new", _cohort_form(min_attendance_percent="80")).status_code == 302
    cohort = db.session.scalar(select(Cohort))
    assert cohort.min_attendance_percent == 80
    edit = f"/staff/cohorts/{cohort.id}/edit"
    assert 'value="80"' in text(client.get(edit))
    assert submit(client, edit, _cohort_form(min_attendance_percent="")).status_code == 302  # empty: unchanged
    db.session.refresh(cohort)
    assert cohort.min_attendance_percent == 80


@pytest.mark.parametrize("typed", ["101", "-1", "lots"])
def test_a_minimum_outside_0_to_100_is_refused_on_the_field(client, staff, typed):
    response = submit(client, "/staff/cohorts/new", _cohort_form(min_attendance_percent=typed))
    assert response.status_code == 200
    assert field_error(text(response), "min_attendance_percent")
    assert db.session.scalar(select(func.count(Cohort.id))) == 0


def test_a_new_cohort_without_the_field_gets_75(client, staff):
    assert submit(client, "/staff/cohorts/new", _cohort_form()).status_code == 302
    assert db.session.scalar(select(Cohort.min_attendance_percent)) == 75
