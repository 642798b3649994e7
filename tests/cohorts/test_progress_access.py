"""Who sees a progress report, its file and the report form (role × page, object level): the participant, their
mentor and staff; anyone else gets 404 (the report's existence is private), visitors are asked to log in."""

import pytest

from app.cohorts.models import ParticipantStatus
from app.core.uploads import store
from app.extensions import db
from app.mentoring.models import MentorshipStatus
from tests.cohorts.factories import CohortFactory, MilestoneFactory, ParticipantFactory
from tests.cohorts.progress_factories import PDF, CommentFactory, ReportFactory
from tests.factories import UserFactory
from tests.helpers import csrf_token, text
from tests.mentoring.factories import MentorProfileFactory, MentorshipFactory


@pytest.fixture
def world(app, tmp_path, monkeypatch):
    """A report with a PDF by a participant of a cohort, and everyone around it, by name."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    cohort = CohortFactory()
    author = ParticipantFactory(cohort=cohort)
    neighbour = ParticipantFactory(cohort=cohort)
    milestone = MilestoneFactory(cohort=cohort)
    report = ReportFactory(milestone=milestone, participant=author, file_key=store(PDF, "pdf"),
                           file_name="canvas.pdf", file_content_type="application/pdf", file_size=len(PDF))
    CommentFactory(report=report)
    people = {
        "author": author.user,
        "mentor": MentorshipFactory(participant=author, accepted=True).mentor,
        "neighbour": neighbour.user,
        "neighbours_mentor": MentorshipFactory(participant=neighbour, accepted=True).mentor,
        "declined_mentor": MentorshipFactory(participant=author, status=MentorshipStatus.DECLINED).mentor,
        "staff": UserFactory(staff=True, locale="en"),
        "reviewer": UserFactory(reviewer=True),
        "other_mentor": MentorProfileFactory().user,
    }
    return report, people


SEES = {"author", "mentor", "staff"}
ROLES = ["author", "mentor", "neighbour", "neighbours_mentor", "declined_mentor", "staff", "reviewer", "other_mentor"]


@pytest.mark.parametrize("who", ROLES)
def test_the_report_and_its_file_are_seen_by_the_author_their_mentor_and_staff_only(client, login, world, who):
    report, people = world
    login(people[who])
    expected = 200 if who in SEES else 404
    page = client.get(f"/cohorts/reports/{report.id}")
    assert page.status_code == expected, who
    file = client.get(f"/cohorts/reports/{report.id}/file")
    assert file.status_code == expected, who
    if expected == 200:
        assert file.data == PDF
    # Commenting follows the same rule (a hidden report cannot be commented on by URL either).
    token = csrf_token(text(client.get("/profile")))
    response = client.post(f"/cohorts/reports/{report.id}", data={"csrf_token": token, "body": "Halo"})
    assert response.status_code == (302 if who in SEES else 404), who


@pytest.mark.parametrize("who", ROLES)
def test_only_the_participant_opens_their_report_form(client, login, world, who):
    report, people = world
    login(people[who])
    response = client.get(f"/cohorts/milestones/{report.milestone_id}/report")
    expected = {"author": 200, "neighbour": 200}.get(who, 404)  # the neighbour writes their own report there
    assert response.status_code == expected, who


def test_a_mentor_sees_the_report_while_the_pairing_is_offered_and_no_longer_once_withdrawn(client, login, world):
    report, _people = world
    pair = MentorshipFactory(participant=ParticipantFactory(cohort=report.milestone.cohort))
    own = ReportFactory(milestone=report.milestone, participant=pair.participant)
    login(pair.mentor)
    assert client.get(f"/cohorts/reports/{own.id}").status_code == 200
    pair.status = MentorshipStatus.ENDED
    db.session.commit()
    assert client.get(f"/cohorts/reports/{own.id}").status_code == 404


def test_visitors_are_asked_to_log_in(client, world):
    report, _people = world
    for url in (f"/cohorts/reports/{report.id}", f"/cohorts/reports/{report.id}/file",
                f"/cohorts/milestones/{report.milestone_id}/report"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_a_withdrawn_author_still_reads_their_report_but_cannot_send_more(client, login, world):
    report, people = world
    report.participant.status = ParticipantStatus.WITHDRAWN
    db.session.commit()
    login(people["author"])
    assert client.get(f"/cohorts/reports/{report.id}").status_code == 200
    assert client.get(f"/cohorts/milestones/{report.milestone_id}/report").status_code == 404
