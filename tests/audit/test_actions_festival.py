"""Festival staff actions leave one audit entry each, written by the request that made them: editions, calls,
questions and rubric, reviewers, drafted, released and revised decisions, waiting-list offers."""

from sqlalchemy import select

from app.extensions import db
from app.festival.models import Call, CallQuestion, Edition
from app.festival.models.application import ApplicationStatus as S
from app.festival.services.workflow import transition
from app.festival.vocab import CallKind
from tests.audit.action_checks import entries, entry_count, posted, the_entry
from tests.factories import ApplicationFactory, AssignmentFactory, CallFactory, EditionFactory, UserFactory

EDITION = {
    "name": "D'Youth Festival 2027", "slug": "", "code": "dyf27", "starts_on": "2027-08-14", "ends_on": "2027-08-16",
    "venue": "Lapangan Puputan Badung, Denpasar", "description": "Festival kewirausahaan pemuda.",
    "applications_open_at": "2027-03-01T08:00", "applications_close_at": "2027-05-31T23:59", "status": "published",
}
CALL = {"kind": "pitching", "name_ind": "Kompetisi Pitching", "name_en": "Pitching competition",
        "description_ind": "Sampaikan ide usaha Anda.", "description_en": "", "places": "10",
        "reviewers_per_application": "3", "blind_review": "y"}
QUESTION = {"key": "instagram_followers", "kind": "number", "label_ind": "Jumlah pengikut Instagram",
            "label_en": "Instagram followers", "help_ind": "", "help_en": "Roughly.", "max_length": ""}
CRITERION = {"name_ind": "Presentasi", "name_en": "Presentation", "guidance_ind": "", "guidance_en": "Clear.",
             "weight": "2"}


# Editions, calls, questions, rubric -----------------------------------------------------------------------------

def test_creating_an_edition(client, staff):
    posted(client, "/staff/editions/new", EDITION)
    edition = db.session.scalar(select(Edition))
    entry = the_entry("festival.edition.created", staff, edition, label="DYF27",
                      after={"code": "DYF27", "status": "published", "venue": EDITION["venue"]})
    assert entry.before is None
    assert entry.after["name"] == "•••"  # a name column is masked, even an edition's


def test_changing_an_edition_keeps_only_what_changed(client, staff):
    edition = EditionFactory(venue="Taman Kota Lumintang")
    posted(client, f"/staff/editions/{edition.id}/edit", {**EDITION, "code": edition.code, "slug": edition.slug})
    entry = the_entry("festival.edition.updated", staff, edition, before={"venue": "Taman Kota Lumintang"},
                      after={"venue": EDITION["venue"]})
    assert "code" not in entry.after and "slug" not in entry.after
    assert entry_count() == 1


def test_creating_and_changing_a_call(client, staff):
    edition = EditionFactory()
    posted(client, f"/staff/editions/{edition.id}/calls/new", CALL)
    call = db.session.scalar(select(Call))
    the_entry("festival.call.created", staff, call, after={"kind": "pitching", "places": 10},
              label=f"{edition.code} Pitching competition")
    posted(client, f"/staff/calls/{call.id}/edit", {**CALL, "places": "12"})
    the_entry("festival.call.updated", staff, call, before={"places": 10}, after={"places": 12})
    assert entry_count() == 2  # the default questions and rubric come with the call, not as actions of their own


def test_adding_a_question(client, staff):
    call = CallFactory(kind=CallKind.BAZAAR)
    posted(client, f"/staff/calls/{call.id}/questions/new", {**QUESTION, "required": "y"})
    question = db.session.scalar(select(CallQuestion).where(CallQuestion.key == "instagram_followers"))
    the_entry("festival.question.added", staff, question, after={"key": "instagram_followers", "position": 3},
              label="instagram_followers")


def test_changing_deleting_and_moving_questions(client, staff):
    call = CallFactory(kind=CallKind.BAZAAR)
    first, second, third = call.questions
    data = {"key": second.key, "kind": second.kind.value, "label_ind": "Kisaran harga baru",
            "label_en": second.label_en, "help_ind": second.help_ind, "help_en": second.help_en,
            "max_length": str(second.max_length or ""), "required": "y" if second.required else ""}
    old_label = second.label_ind
    posted(client, f"/staff/questions/{second.id}/edit", data)
    the_entry("festival.question.updated", staff, second, before={"label_ind": old_label},
              after={"label_ind": "Kisaran harga baru"})
    posted(client, f"/staff/questions/{third.id}/move", {"direction": "up"}, page=f"/staff/calls/{call.id}")
    the_entry("festival.question.moved", staff, third, before={"position": 2}, after={"position": 1})
    first_id, first_key = first.id, first.key
    posted(client, f"/staff/questions/{first_id}/delete", {}, page=f"/staff/calls/{call.id}")
    entry = the_entry("festival.question.deleted", staff, "festival_call_question", before={"key": first_key})
    assert entry.target_id == first_id and entry.after is None


def test_the_rubric_criteria(client, staff):
    call = CallFactory(kind=CallKind.BAZAAR)
    posted(client, f"/staff/calls/{call.id}/criteria/new", CRITERION)
    db.session.refresh(call)
    added = call.criteria[-1]
    the_entry("festival.criterion.added", staff, added, after={"name_en": "Presentation", "weight": 2},
              label="Presentation")
    posted(client, f"/staff/criteria/{added.id}/edit", {**CRITERION, "weight": "7"})
    the_entry("festival.criterion.updated", staff, added, before={"weight": 2}, after={"weight": 7})
    posted(client, f"/staff/criteria/{added.id}/move", {"direction": "up"}, page=f"/staff/calls/{call.id}")
    last = len(call.criteria) - 1
    the_entry("festival.criterion.moved", staff, added, before={"position": last}, after={"position": last - 1})
    first_id, first_name = call.criteria[0].id, call.criteria[0].name_en
    posted(client, f"/staff/criteria/{first_id}/delete", {}, page=f"/staff/calls/{call.id}")
    entry = the_entry("festival.criterion.deleted", staff, "festival_rubric_criterion",
                      before={"name_en": first_name})
    assert entry.target_id == first_id


# Reviewers ------------------------------------------------------------------------------------------------------

def test_assigning_and_removing_a_reviewer(client, staff):
    application = ApplicationFactory(submitted=True)
    reviewer = UserFactory(reviewer=True)
    page = f"/staff/calls/{application.call_id}/reviewers"
    posted(client, f"/staff/applications/{application.id}/reviewers", {"reviewer": str(reviewer.id), "next": page},
           page=page)
    the_entry("festival.application.reviewer_assigned", staff, application, label=application.reference,
              before={"status": "submitted", "reviewer_id": None},
              after={"status": "under_review", "reviewer_id": reviewer.id})
    assert entry_count() == 1  # the move to "under review" is part of the assignment, not a second entry

    pending = AssignmentFactory(application=application)
    pending_id, other_reviewer_id = pending.id, pending.reviewer_id
    page = f"/staff/applications/{application.id}"
    posted(client, f"/staff/assignments/{pending_id}/remove", {"next": page}, page=page)
    the_entry("festival.application.reviewer_removed", staff, application,
              before={"reviewer_id": other_reviewer_id}, after={"reviewer_id": None})


def test_distributing_a_call_is_one_entry_listing_the_applications(client, staff):
    call = CallFactory(reviewers_per_application=2)
    applications = [ApplicationFactory(call=call, submitted=True) for _ in range(3)]
    UserFactory(reviewer=True), UserFactory(reviewer=True)
    posted(client, f"/staff/calls/{call.id}/distribute", {}, page=f"/staff/calls/{call.id}/reviewers")
    the_entry("festival.call.reviewers_distributed", staff, call,
              after={"assigned": 6, "unfilled": 0, "application_ids": sorted(a.id for a in applications)})
    assert entry_count() == 1


# Decisions ------------------------------------------------------------------------------------------------------

def test_drafting_and_clearing_a_decision(client, staff):
    application = ApplicationFactory(submitted=True)
    url = f"/staff/applications/{application.id}"
    posted(client, url, {"decision": "accepted", "message": "Selamat, Ayu!"})
    entry = the_entry("festival.application.decision_drafted", staff, application,
                      before={"draft_decision": None}, after={"draft_decision": "accepted"})
    assert "Ayu" not in str(entry.after)  # the message to the applicant stays out of the log
    posted(client, f"{url}/clear-draft", {}, page=url)
    the_entry("festival.application.draft_cleared", staff, application,
              before={"draft_decision": "accepted"}, after={"draft_decision": None})


def test_a_bulk_draft_records_one_entry_per_application(client, staff):
    call = CallFactory()
    chosen = [ApplicationFactory(call=call, submitted=True) for _ in range(2)]
    gone = ApplicationFactory(call=call, submitted=True, status=S.WITHDRAWN)
    page = f"/staff/applications?call={call.id}"
    posted(client, page, {"ids": [a.id for a in [*chosen, gone]], "decision": "rejected", "message": "",
                          "confirmed": "1"})
    found = entries("festival.application.decision_drafted")
    assert sorted(e.target_id for e in found) == sorted(a.id for a in chosen)  # the skipped one has no entry
    assert {(e.actor_id, e.address, e.after["draft_decision"]) for e in found} == {(staff.id, "127.0.0.1",
                                                                                   "rejected")}


def test_releasing_a_call_records_each_decision_sent(client, staff):
    application = ApplicationFactory(submitted=True, status=S.UNDER_REVIEW)
    posted(client, f"/staff/applications/{application.id}", {"decision": "waitlisted"})
    release = f"/staff/calls/{application.call_id}/decisions"
    posted(client, release, {})
    the_entry("festival.application.decision_released", staff, application,
              before={"status": "under_review"}, after={"status": "waitlisted"})


def test_revising_a_decision(client, staff):
    application = ApplicationFactory(submitted=True, status=S.REJECTED)
    url = f"/staff/applications/{application.id}"
    posted(client, f"{url}/revise", {"decision": "accepted", "reason": "Salah hitung skor."}, page=url)
    entry = the_entry("festival.application.decision_revised", staff, application,
                      before={"status": "rejected"}, after={"status": "accepted"})
    assert "Salah" not in str(entry.after)
    assert entry_count() == 1


def test_offering_a_waiting_list_place(client, staff, app):
    call = CallFactory(auto_promote_waitlist=False)
    accepted = ApplicationFactory(call=call, submitted=True, status=S.ACCEPTED)
    waiting = ApplicationFactory(call=call, submitted=True, status=S.WAITLISTED, score_mean=4.0)
    with app.test_request_context():
        transition(accepted, S.WITHDRAWN, accepted.applicant, "")
        db.session.commit()
    assert entry_count() == 0  # the applicant's own withdrawal is not a staff action
    ranking = f"/staff/calls/{call.id}/ranking"
    posted(client, f"/staff/calls/{call.id}/offer-place", {"application_id": waiting.id}, page=ranking)
    the_entry("festival.application.place_offered", staff, waiting, before={"status": "waitlisted"},
              after={"status": "accepted"})
