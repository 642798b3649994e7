"""Milestones: staff create, edit and delete them through the forms (delete only while nobody reported, else a clear
message); they are listed on the staff cohort page with their report counts, and on the participant's cohort page
with the participant's report status and due date."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app.cohorts.models import Milestone, ReportStatus
from app.extensions import db
from tests.cohorts.factories import CohortFactory, MilestoneFactory, ParticipantFactory
from tests.cohorts.progress_factories import ReportFactory
from tests.core.test_html import assert_valid
from tests.factories import UserFactory
from tests.helpers import csrf_token, field_error, submit, text

GOOD = {"title_ind": "Kanvas model bisnis", "title_en": "Business model canvas", "description": "Satu halaman.",
        "due_on": "2027-09-30", "required": "y"}


@pytest.fixture
def staff(client, login):
    user = UserFactory(staff=True, locale="en")
    login(user)
    return user


def _count() -> int:
    return db.session.scalar(select(func.count(Milestone.id))) or 0


def test_staff_create_a_milestone_and_see_it_on_the_cohort_page(client, staff):
    cohort = CohortFactory()
    response = submit(client, f"/staff/cohorts/{cohort.id}/milestones/new", GOOD)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/cohorts/{cohort.id}#milestones")
    milestone = db.session.scalar(select(Milestone))
    assert (milestone.cohort_id, milestone.title_ind, milestone.title_en, milestone.due_on, milestone.required) == (
        cohort.id, "Kanvas model bisnis", "Business model canvas", date(2027, 9, 30), True)
    page = text(client.get(f"/staff/cohorts/{cohort.id}"))
    assert "Business model canvas" in page and "The milestone has been saved." in page
    assert f"/staff/cohorts/milestones/{milestone.id}/delete" in page
    assert_valid(page, "staff cohort page with milestones")
    assert_valid(text(client.get(f"/staff/cohorts/{cohort.id}/milestones/new")), "milestone form")


def test_an_optional_milestone_without_english_title(client, staff):
    cohort = CohortFactory()
    submit(client, f"/staff/cohorts/{cohort.id}/milestones/new", {**GOOD, "title_en": "", "required": ""})
    milestone = db.session.scalar(select(Milestone))
    assert milestone.required is False and milestone.title_en == ""
    assert milestone.title("en") == "Kanvas model bisnis"  # the Indonesian title stands in


def test_staff_edit_a_milestone(client, staff):
    milestone = MilestoneFactory()
    url = f"/staff/cohorts/milestones/{milestone.id}/edit"
    assert 'value="2027-09-30"' in text(client.get(url))  # the form shows what is saved
    response = submit(client, url, {**GOOD, "title_ind": "Penjualan pertama", "due_on": "2027-10-15"})
    assert response.status_code == 302
    db.session.refresh(milestone)
    assert milestone.title_ind == "Penjualan pertama" and milestone.due_on == date(2027, 10, 15)


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"title_ind": ""}, "title_ind", "This field is required."),
    ({"due_on": "next week"}, "due_on", "Enter a date, such as 2027-08-14."),
    ({"due_on": "2028-01-10"}, "due_on", "The due date must fall within the cohort (2027-09-01 to 2027-11-30)."),
    ({"title_ind": "x" * 161}, "title_ind", "Use at most 160 characters."),
])
def test_bad_milestone_input_is_refused_on_the_field(client, staff, change, field, message):
    cohort = CohortFactory()
    response = submit(client, f"/staff/cohorts/{cohort.id}/milestones/new", {**GOOD, **change})
    assert response.status_code == 200
    assert field_error(text(response), field) == message
    assert _count() == 0


def test_a_milestone_without_reports_is_deleted(client, staff):
    milestone = MilestoneFactory()
    cohort_id = milestone.cohort_id
    response = submit(client, f"/staff/cohorts/milestones/{milestone.id}/delete", {},
                      page=f"/staff/cohorts/{cohort_id}")
    assert response.status_code == 302
    assert _count() == 0
    assert "The milestone has been deleted." in text(client.get(f"/staff/cohorts/{cohort_id}"))


def test_a_milestone_with_a_report_is_not_deleted_and_staff_are_told_why(client, staff):
    report = ReportFactory()
    milestone_id, cohort_id = report.milestone_id, report.milestone.cohort_id
    response = submit(client, f"/staff/cohorts/milestones/{milestone_id}/delete", {},
                      page=f"/staff/cohorts/{cohort_id}")
    assert response.status_code == 302
    page = text(client.get(f"/staff/cohorts/{cohort_id}"))
    assert "This milestone has 1 report(s): it can no longer be deleted. Edit it instead." in page
    assert f"/staff/cohorts/milestones/{milestone_id}/delete" not in page  # no button for it either
    assert _count() == 1


def test_the_participant_sees_each_milestone_with_the_status_of_their_report(client, login):
    cohort = CohortFactory()
    person = UserFactory(locale="en")
    participant = ParticipantFactory(cohort=cohort, user_id=person.id)
    canvas = MilestoneFactory(cohort=cohort, title_en="Business model canvas", due_on=date(2027, 9, 30))
    MilestoneFactory(cohort=cohort, title_en="First sale", due_on=date(2027, 10, 31), required=False)
    MilestoneFactory(title_en="Somebody else's milestone")
    report = ReportFactory(milestone=canvas, participant=participant, status=ReportStatus.CHANGES_REQUESTED)
    login(person)
    page = text(client.get(f"/cohorts/{cohort.id}"))
    assert page.index("Business model canvas") < page.index("First sale")
    assert "Due on Sep 30, 2027 · Required" in page
    assert "Changes requested" in page and f"/cohorts/reports/{report.id}" in page
    assert "No report yet." in page and "Somebody else" not in page
    assert_valid(page, "my cohort with milestones")


@pytest.mark.parametrize("who", ["applicant", "mentor"])
def test_only_staff_manage_milestones(client, login, who):
    milestone = MilestoneFactory()
    login(UserFactory(**{who: True}) if who != "applicant" else UserFactory())
    assert client.get(f"/staff/cohorts/{milestone.cohort_id}/milestones/new").status_code == 403
    assert client.get(f"/staff/cohorts/milestones/{milestone.id}/edit").status_code == 403
    response = client.post(f"/staff/cohorts/milestones/{milestone.id}/delete",
                           data={"csrf_token": csrf_token(text(client.get("/profile")))})
    assert response.status_code == 403 and _count() == 1
