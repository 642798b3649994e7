"""Staff set up and run the matcher for a cohort through the real pages: mentors of the cohort, pins and forbids,
runs with "why this pair", the unmatched with their reason, the same input giving the same run, and what changed."""

from sqlalchemy import select

from app.extensions import db
from app.mentoring.models import CohortMentor, PairRule, RuleKind, RunStatus
from tests.cohorts.factories import CohortFactory, ParticipantFactory
from tests.core.test_html import assert_valid
from tests.factories import UserFactory
from tests.helpers import field_error, submit, text
from tests.mentoring.factories import MentorProfileFactory, MentorshipFactory
from tests.mentoring.scenario import (
    as_staff,
    browser_of,
    mentor_in,
    rows_of,
    run_matcher,
    runs_of,
    waiting_in,
)


def _cohort():
    """Ana speaks English only (culinary, 1 place); Ben English and Indonesian (fashion, 2 places). Putu speaks
    Indonesian only, Made both (culinary), Komang only Javanese; Wayan has not given needs."""
    cohort = CohortFactory()
    ana = mentor_in(cohort, name="Ana Darwin", capacity=1, languages=["en"], subsectors=["culinary"])
    ben = mentor_in(cohort, name="Ben Darwin", capacity=2, languages=["en", "id"], subsectors=["fashion"])
    putu = waiting_in(cohort, languages=["id"], preferred_language="id", subsectors=["culinary"])
    made = waiting_in(cohort, languages=["en", "id"], preferred_language="en", subsectors=["culinary"])
    komang = waiting_in(cohort, languages=["jv"], preferred_language="jv")
    wayan = ParticipantFactory(cohort=cohort)
    return cohort, (ana, ben), (putu, made, komang, wayan)


def test_staff_add_a_mentor_with_a_capacity_and_remove_one_without_mentees(client, login):
    cohort = CohortFactory()
    mentor = MentorProfileFactory(user__name="Carla Candidate").user
    UserFactory(mentor=True, name="Nina No Profile")
    as_staff(login)
    url = f"/staff/cohorts/{cohort.id}/matching"
    page = text(client.get(url))
    assert "Carla Candidate" in page and "Nina No Profile" not in page
    assert_valid(page, "matching page")
    response = submit(client, f"{url}/mentors", {"mentor_id": str(mentor.id), "capacity": "5"}, page=url)
    assert response.status_code == 302
    link = db.session.scalar(select(CohortMentor).where(CohortMentor.cohort_id == cohort.id))
    assert (link.mentor_id, link.capacity) == (mentor.id, 5)
    again = submit(client, f"{url}/mentors", {"mentor_id": str(mentor.id)}, page=url)
    assert again.status_code == 200
    assert field_error(text(again), "pool_mentor_id") == "Carla Candidate already mentors in this cohort."
    too_many = submit(client, f"{url}/mentors", {"mentor_id": str(mentor.id), "capacity": "21"}, page=url)
    assert field_error(text(too_many), "pool_capacity") == "Enter a whole number from 1 to 20."
    response = submit(client, f"/staff/cohorts/matching/mentors/{link.id}/remove", {}, page=url)
    assert response.status_code == 302
    assert db.session.scalar(select(CohortMentor).where(CohortMentor.cohort_id == cohort.id)) is None


def test_a_mentor_with_a_live_mentee_cannot_be_removed(client, login):
    cohort = CohortFactory()
    mentor = mentor_in(cohort, name="Busy Mentor")
    MentorshipFactory(participant=ParticipantFactory(cohort=cohort), mentor=mentor)
    link = db.session.scalar(select(CohortMentor).where(CohortMentor.mentor_id == mentor.id))
    as_staff(login)
    url = f"/staff/cohorts/{cohort.id}/matching"
    assert "Remove from the cohort" not in text(client.get(url))
    response = submit(client, f"/staff/cohorts/matching/mentors/{link.id}/remove", {}, page=url)
    assert "Busy Mentor has mentees in this cohort: they cannot be removed." in text(client.get(url))
    assert response.status_code == 302 and db.session.get(CohortMentor, link.id) is not None


def test_a_run_proposes_pairs_with_reasons_and_explains_the_unmatched(client, login):
    cohort, (ana, ben), (putu, made, komang, wayan) = _cohort()
    as_staff(login)
    waiting = text(client.get(f"/staff/cohorts/{cohort.id}/matching"))
    assert "They have not said yet what they need from a mentor" in waiting
    response = run_matcher(client, cohort)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/staff/cohorts/{cohort.id}/matching/runs/1")
    [run] = runs_of(cohort)
    assert (run.status, run.matched, run.unmatched) == (RunStatus.PROPOSED, 2, 2)
    assert [(p, m, reason) for p, m, _score, reason in rows_of(run)] == [
        (putu.id, ben.id, None), (made.id, ana.id, None), (komang.id, None, "no_shared_language"),
        (wayan.id, None, "needs_not_given")]
    page = text(client.get(f"/staff/cohorts/{cohort.id}/matching/runs/1"))
    assert_valid(page, "run page")
    assert page.count("<details") == 2 and "Why this pair:" in page
    assert "Shared subsectors: Culinary" in page and "Shared language (required): English" in page
    assert "No mentor speaks one of their languages" in page
    assert "They have not said yet what they need from a mentor" in page
    assert "This is the cohort's first run." in page
    assert f"<dd>{run.total_score}</dd>" in page


def test_the_same_input_gives_the_same_run_and_a_second_run_supersedes_the_first(client, login):
    cohort, _mentors, _people = _cohort()
    as_staff(login)
    run_matcher(client, cohort)
    run_matcher(client, cohort)
    first, second = runs_of(cohort)
    assert rows_of(first) == rows_of(second)
    assert (first.status, second.status) == (RunStatus.SUPERSEDED, RunStatus.PROPOSED)
    assert (first.total_score, first.matched) == (second.total_score, second.matched)
    page = text(client.get(f"/staff/cohorts/{cohort.id}/matching/runs/2"))
    assert "Nothing changed against run 1: 2 pairs are the same." in page
    assert "Publish this run" in page
    assert "Publish this run" not in text(client.get(f"/staff/cohorts/{cohort.id}/matching/runs/1"))


def test_a_forbid_moves_a_participant_and_the_run_shows_what_changed(client, login):
    cohort, (ana, ben), (putu, made, _komang, _wayan) = _cohort()
    as_staff(login)
    url = f"/staff/cohorts/{cohort.id}/matching"
    run_matcher(client, cohort)
    response = submit(client, f"{url}/rules", {"participant_id": str(made.id), "mentor_id": str(ana.id),
                                               "kind": "forbid"}, page=url)
    assert response.status_code == 302
    run_matcher(client, cohort)
    second = runs_of(cohort)[1]
    assert {p: m for p, m, _s, _r in rows_of(second) if m} == {putu.id: ben.id, made.id: ben.id}
    page = text(client.get(f"{url}/runs/2"))
    assert f"{made.user.name} moves from Ana Darwin to Ben Darwin" in page


def test_a_pin_is_kept_even_against_a_better_score(client, login):
    cohort, (ana, ben), (putu, made, _komang, _wayan) = _cohort()
    as_staff(login)
    url = f"/staff/cohorts/{cohort.id}/matching"
    submit(client, f"{url}/rules", {"participant_id": str(made.id), "mentor_id": str(ben.id), "kind": "pin"},
           page=url)
    run_matcher(client, cohort)
    [run] = runs_of(cohort)
    assert {p: m for p, m, _s, _r in rows_of(run) if m} == {putu.id: ben.id, made.id: ben.id}
    assert "pinned" in text(client.get(f"{url}/runs/1"))


def test_bad_rules_are_refused_on_the_field(client, login):
    cohort, (ana, ben), (putu, made, _komang, _wayan) = _cohort()
    outsider = MentorProfileFactory().user
    as_staff(login)
    url = f"/staff/cohorts/{cohort.id}/matching"
    submit(client, f"{url}/rules", {"participant_id": str(made.id), "mentor_id": str(ben.id), "kind": "pin"},
           page=url)
    cases = [({"participant_id": str(made.id), "mentor_id": str(ana.id), "kind": "pin"}, "rule_participant_id",
              "This participant is already pinned to another mentor. Remove that pin first."),
             ({"participant_id": str(made.id), "mentor_id": str(ben.id), "kind": "forbid"}, "rule_kind",
              "This pair already has a rule: Always pair. Remove it first to change it."),
             ({"participant_id": str(putu.id), "mentor_id": str(outsider.id), "kind": "forbid"}, "rule_mentor_id",
              "Choose a mentor of this cohort from the list."),
             ({"participant_id": "", "mentor_id": str(ana.id), "kind": "forbid"}, "rule_participant_id",
              "This field is required.")]
    for data, field, message in cases:
        response = submit(client, f"{url}/rules", data, page=url)
        assert response.status_code == 200, data
        assert field_error(text(response), field) == message, data
    assert [(r.participant_id, r.mentor_id, r.kind) for r in db.session.scalars(select(PairRule))] == [
        (made.id, ben.id, RuleKind.PIN)]


def test_a_pin_to_a_mentor_without_a_shared_language_stops_the_run_with_a_clear_message(client, login):
    cohort, (ana, _ben), (putu, _made, _komang, _wayan) = _cohort()
    db.session.add(PairRule(cohort_id=cohort.id, participant_id=putu.id, mentor_id=ana.id, kind=RuleKind.PIN))
    db.session.commit()
    as_staff(login)
    run_matcher(client, cohort)
    page = text(client.get(f"/staff/cohorts/{cohort.id}/matching"))
    assert f"{putu.user.name} is pinned to Ana Darwin, but they share no language: remove the pin." in page
    assert runs_of(cohort) == []


def test_a_participant_whose_mentors_are_full_is_unmatched_for_capacity(client, login):
    cohort = CohortFactory()
    mentor = mentor_in(cohort, capacity=1, languages=["id"])
    MentorshipFactory(participant=ParticipantFactory(cohort=cohort), mentor=mentor, accepted=True)
    late = waiting_in(cohort, languages=["id"])
    as_staff(login)
    run_matcher(client, cohort)
    [run] = runs_of(cohort)
    assert rows_of(run) == [(late.id, None, 0, "no_capacity")]
    assert "Every mentor they could have is full" in text(client.get(f"/staff/cohorts/{cohort.id}/matching"))


def test_matching_pages_are_for_staff_only(app, login):
    cohort, _mentors, _people = _cohort()
    staff = as_staff(login)
    url = f"/staff/cohorts/{cohort.id}/matching"
    for someone in (UserFactory(), UserFactory(mentor=True), UserFactory(reviewer=True)):
        assert browser_of(app, login, someone).get(url).status_code == 403
    desk = browser_of(app, login, staff)
    assert desk.get(f"{url}/runs/1").status_code == 404
    assert desk.get("/staff/cohorts/999999/matching").status_code == 404


def test_a_run_with_nobody_waiting_is_refused_and_one_without_pairs_cannot_be_published(client, login):
    cohort = CohortFactory()
    mentor_in(cohort)
    as_staff(login)
    run_matcher(client, cohort)
    assert "Nobody in this cohort is waiting for a mentor." in text(client.get(f"/staff/cohorts/{cohort.id}/matching"))
    assert runs_of(cohort) == []
    ParticipantFactory(cohort=cohort)  # no needs yet
    run_matcher(client, cohort)
    [run] = runs_of(cohort)
    assert (run.matched, run.unmatched) == (0, 1)
    url = f"/staff/cohorts/{cohort.id}/matching/runs/1"
    response = submit(client, f"{url}/publish", {}, page=url)
    assert "Run 1 proposes no pairs: there is nothing to publish." in text(client.get(response.headers["Location"]))
    assert runs_of(cohort)[0].status == RunStatus.PROPOSED


def test_removing_a_mentor_takes_their_pins_with_them_and_keeps_forbids(client, login):
    cohort, (ana, ben), (putu, made, _komang, _wayan) = _cohort()
    db.session.add_all([PairRule(cohort_id=cohort.id, participant_id=made.id, mentor_id=ana.id, kind=RuleKind.PIN),
                        PairRule(cohort_id=cohort.id, participant_id=putu.id, mentor_id=ana.id,
                                 kind=RuleKind.FORBID)])
    db.session.commit()
    link = db.session.scalar(select(CohortMentor).where(CohortMentor.mentor_id == ana.id))
    as_staff(login)
    url = f"/staff/cohorts/{cohort.id}/matching"
    assert submit(client, f"/staff/cohorts/matching/mentors/{link.id}/remove", {}, page=url).status_code == 302
    assert [(r.participant_id, r.kind) for r in db.session.scalars(select(PairRule))] == [(putu.id, RuleKind.FORBID)]
    assert run_matcher(client, cohort).status_code == 302  # the run goes through without the pin
