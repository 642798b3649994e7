"""Cohort staff actions leave one audit entry each: cohorts, sessions, milestones, admissions, invitations,
attendance, report decisions and comments, completion and certificates. Names never enter the log."""

from datetime import UTC, datetime

from sqlalchemy import select

from app.cohorts.models import (
    Certificate,
    Cohort,
    CohortInvitation,
    CohortParticipant,
    CohortSession,
    Milestone,
    ParticipantStatus,
)
from app.extensions import db
from tests.audit.action_checks import entries, entry_count, posted, the_entry
from tests.cohorts.completion_factories import CertificateFactory, cohort_with_standings
from tests.cohorts.factories import (
    CohortFactory,
    ParticipantFactory,
    SessionFactory,
    accepted_in,
)
from tests.cohorts.progress_factories import ReportFactory
from tests.factories import EditionFactory

COHORT = {"name_ind": "Inkubator Kriya 2027", "name_en": "Crafts incubator 2027", "partner": "Darwin Innovation Hub",
          "edition_id": "", "starts_on": "2027-09-01", "ends_on": "2027-11-30", "capacity": "12",
          "mode": "online", "description": "Tiga bulan."}
SESSION = {"kind": "workshop", "title_ind": "Kanvas model bisnis", "title_en": "Business model canvas",
           "facilitator": "Sarah Nguyen", "facilitator_in_darwin": "y", "zone": "Asia/Makassar",
           "starts_at": "2027-09-01T10:00", "ends_at": "2027-09-01T12:00", "place": "Dharma Negara Alaya",
           "online_url": "https://meet.example.org/abc", "language": "en"}
MILESTONE = {"title_ind": "Kanvas model bisnis", "title_en": "Business model canvas", "description": "Satu halaman.",
             "due_on": "2027-09-30", "required": "y"}


def test_creating_and_changing_a_cohort(client, staff):
    posted(client, "/staff/cohorts/new", COHORT)
    cohort = db.session.scalar(select(Cohort))
    the_entry("cohorts.cohort.created", staff, cohort, label="Crafts incubator 2027",
              after={"capacity": 12, "mode": "online", "starts_on": "2027-09-01"})
    posted(client, f"/staff/cohorts/{cohort.id}/edit", {**COHORT, "capacity": "15"})
    entry = the_entry("cohorts.cohort.updated", staff, cohort, before={"capacity": 12}, after={"capacity": 15})
    assert set(entry.after) == {"capacity"}


def test_adding_and_changing_a_session_keeps_the_facilitators_name_out(client, staff):
    cohort = CohortFactory()
    posted(client, f"/staff/cohorts/{cohort.id}/sessions/new", SESSION)
    session = db.session.scalar(select(CohortSession))
    entry = the_entry("cohorts.session.added", staff, session, label="Business model canvas",
                      after={"kind": "workshop", "zone": "Asia/Makassar"})
    assert datetime.fromisoformat(entry.after["starts_at"]) == datetime(2027, 9, 1, 2, 0, tzinfo=UTC)
    assert "facilitator" not in entry.after and "Sarah" not in str(entry.after)
    posted(client, f"/staff/cohorts/sessions/{session.id}/edit", {**SESSION, "ends_at": "2027-09-01T13:00",
                                                                 "facilitator": "Someone Else"})
    entry = the_entry("cohorts.session.updated", staff, session, before={"ends_at": "2027-09-01T04:00:00+00:00"},
                      after={"ends_at": "2027-09-01T05:00:00+00:00"})
    assert set(entry.after) == {"ends_at"}


def test_milestones_are_created_changed_and_deleted(client, staff):
    cohort = CohortFactory()
    posted(client, f"/staff/cohorts/{cohort.id}/milestones/new", MILESTONE)
    milestone = db.session.scalar(select(Milestone))
    milestone_id = milestone.id
    the_entry("cohorts.milestone.created", staff, milestone, after={"due_on": "2027-09-30", "required": True})
    posted(client, f"/staff/cohorts/milestones/{milestone_id}/edit", {**MILESTONE, "due_on": "2027-10-07"})
    the_entry("cohorts.milestone.updated", staff, milestone, before={"due_on": "2027-09-30"},
              after={"due_on": "2027-10-07"})
    posted(client, f"/staff/cohorts/milestones/{milestone_id}/delete", {},
           page=f"/staff/cohorts/milestones/{milestone_id}/edit")
    entry = the_entry("cohorts.milestone.deleted", staff, "cohorts_milestone", before={"due_on": "2027-10-07"})
    assert entry.target_id == milestone_id and entry.after is None


def test_admitting_records_one_entry_per_person(client, staff):
    edition = EditionFactory()
    cohort = CohortFactory(edition=edition)
    applications = [accepted_in(edition), accepted_in(edition)]
    posted(client, f"/staff/cohorts/{cohort.id}/admit", {"application_ids": [str(a.id) for a in applications]})
    found = entries("cohorts.participant.admitted")
    participants = db.session.scalars(select(CohortParticipant).order_by(CohortParticipant.id)).all()
    assert sorted(e.target_id for e in found) == [p.id for p in participants] and len(found) == 2
    for entry in found:
        participant = db.session.get(CohortParticipant, entry.target_id)
        assert (entry.actor_id, entry.address, entry.before, entry.after) == (
            staff.id, "127.0.0.1", {"status": None, "application_id": None},
            {"status": "admitted", "application_id": participant.application_id})


def test_taking_a_participant_out(client, staff):
    participant = ParticipantFactory()
    posted(client, f"/staff/cohorts/participants/{participant.id}/withdraw", {},
           page=f"/staff/cohorts/{participant.cohort_id}")
    the_entry("cohorts.participant.withdrawn", staff, participant, before={"status": "admitted"},
              after={"status": "withdrawn"})


def test_inviting_and_withdrawing_an_invitation_keeps_the_address_out(client, staff):
    cohort = CohortFactory()
    page = f"/staff/cohorts/{cohort.id}/invitations"
    posted(client, page, {"email": "wayan@example.org", "locale": "en"})
    invitation = db.session.scalar(select(CohortInvitation))
    entry = the_entry("cohorts.invitation.sent", staff, invitation, after={"cohort_id": cohort.id, "locale": "en"})
    assert "wayan" not in str(entry.after) and "token_sha256" not in entry.after and entry.target_label == ""
    posted(client, f"/staff/cohorts/invitations/{invitation.id}/revoke", {}, page=page)
    entry = the_entry("cohorts.invitation.revoked", staff, invitation, before={"revoked_at": None})
    assert entry.after["revoked_at"] is not None


def test_marking_attendance_is_on_the_participants_history(client, staff):
    session = SessionFactory()
    participant = ParticipantFactory(cohort_id=session.cohort_id)
    sheet = f"/staff/cohorts/sessions/{session.id}/attendance"
    posted(client, f"{sheet}/{participant.id}", {"status": "present"}, page=sheet)
    key = f"session_{session.id}"
    the_entry("cohorts.attendance.marked", staff, participant, before={key: None}, after={key: "present"})
    posted(client, f"{sheet}/{participant.id}", {"status": "late"}, page=sheet)
    assert [(e.before, e.after) for e in entries("cohorts.attendance.marked")][-1] == (
        {key: "present"}, {key: "late"})


def test_a_report_decision_and_a_staff_comment(client, staff):
    report = ReportFactory()
    url = f"/cohorts/reports/{report.id}"
    posted(client, url, {"body": "Nice canvas, Ayu. Who pays?"})
    entry = the_entry("cohorts.report.commented", staff, report)
    assert set(entry.after) == {"comment_id"} and "Ayu" not in str(entry.after)
    posted(client, f"{url}/decision", {"decision": "accept", "comment": ""}, page=url)
    the_entry("cohorts.report.decided", staff, report, before={"status": "submitted"}, after={"status": "accepted"})


def test_the_participants_own_comment_is_not_a_staff_action(client, login):
    report = ReportFactory()
    author = db.session.get(CohortParticipant, report.participant_id).user
    login(author)
    posted(client, f"/cohorts/reports/{report.id}", {"body": "Terima kasih."})
    assert entry_count() == 0


def test_confirming_completion_records_each_certificate(client, staff):
    cohort, people = cohort_with_standings()
    page = f"/staff/cohorts/{cohort.id}/completion"
    posted(client, f"/staff/cohorts/participants/{people['ready'].id}/complete", {}, page=page)
    certificate = db.session.scalar(select(Certificate))
    entry = the_entry("cohorts.participant.completed", staff, people["ready"],
                      before={"completed_at": None, "certificate_id": None},
                      after={"certificate_id": certificate.id})
    assert entry.after["completed_at"] is not None and "Ayu" not in str(entry.after)


def test_confirm_all_records_one_entry_per_person(client, staff):
    cohort, people = cohort_with_standings()
    cohort.min_attendance_percent = 50  # "absent" came to half the sessions: now both meet the rule
    db.session.commit()
    page = f"/staff/cohorts/{cohort.id}/completion"
    posted(client, f"{page}/confirm", {}, page=page)
    found = entries("cohorts.participant.completed")
    assert sorted(e.target_id for e in found) == sorted([people["ready"].id, people["absent"].id])


def test_revoking_a_certificate_keeps_the_reason_out(client, staff):
    cohort, people = cohort_with_standings()
    certificate = CertificateFactory(participant=people["ready"])
    posted(client, f"/staff/certificates/{certificate.id}/revoke", {"reason": "Issued to Ayu by mistake."})
    entry = the_entry("cohorts.certificate.revoked", staff, certificate, before={"revoked_at": None},
                      label=certificate.code)
    assert set(entry.after) == {"revoked_at"} and entry.after["revoked_at"] is not None
    assert people["ready"].status == ParticipantStatus.ADMITTED
