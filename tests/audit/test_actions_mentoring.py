"""Mentoring staff actions leave one audit entry each: the cohort's mentor pool, pins and forbids (on the cohort),
matcher runs and their publication (on the run), ended pairs, mentor profiles edited by staff. A mentor's own edits
are not staff actions."""

from sqlalchemy import select

from app.extensions import db
from app.mentoring.models import CohortMentor, MatchRun, Mentorship, MentorshipStatus, PairRule
from tests.audit.action_checks import entry_count, posted, the_entry
from tests.cohorts.factories import CohortFactory
from tests.factories import UserFactory
from tests.mentoring.factories import MentorProfileFactory, MentorshipFactory
from tests.mentoring.scenario import mentor_in, waiting_in

PROFILE = {"organisation": "Charles Darwin University", "country": "au", "subsectors": ["culinary", "fashion"],
           "functions": ["export", "marketing"], "languages": ["en", "id"], "capacity": "4",
           "hours_start": "08:30", "hours_end": "16:00", "zone": "Australia/Darwin",
           "bio": "Exported Top End mangoes to Asia for ten years."}


def test_the_mentor_pool_is_on_the_cohorts_history(client, staff):
    cohort = CohortFactory()
    mentor = MentorProfileFactory().user
    url = f"/staff/cohorts/{cohort.id}/matching"
    posted(client, f"{url}/mentors", {"mentor_id": str(mentor.id), "capacity": "5"}, page=url)
    the_entry("mentoring.pool.mentor_added", staff, cohort, after={"mentor_id": mentor.id, "capacity": 5},
              label=cohort.name_en)
    link = db.session.scalar(select(CohortMentor))
    posted(client, f"/staff/cohorts/matching/mentors/{link.id}/remove", {}, page=url)
    entry = the_entry("mentoring.pool.mentor_removed", staff, cohort, before={"mentor_id": mentor.id, "capacity": 5})
    assert entry.after is None


def test_pins_and_forbids(client, staff):
    cohort = CohortFactory()
    ana = mentor_in(cohort, languages=["en"])
    made = waiting_in(cohort, languages=["en"])
    url = f"/staff/cohorts/{cohort.id}/matching"
    posted(client, f"{url}/rules", {"participant_id": str(made.id), "mentor_id": str(ana.id), "kind": "forbid"},
           page=url)
    rule = db.session.scalar(select(PairRule))
    values = {"rule_id": rule.id, "kind": "forbid", "participant_id": made.id, "mentor_id": ana.id}
    the_entry("mentoring.rule.added", staff, cohort, after=values)
    posted(client, f"/staff/cohorts/matching/rules/{rule.id}/remove", {}, page=url)
    the_entry("mentoring.rule.removed", staff, cohort, before=values)


def test_running_and_publishing_the_matcher(client, staff):
    cohort = CohortFactory()
    mentor_in(cohort, capacity=2, languages=["en"], subsectors=["culinary"])
    waiting_in(cohort, languages=["en"], subsectors=["culinary"])
    waiting_in(cohort, languages=["en"], subsectors=["culinary"])
    posted(client, f"/staff/cohorts/{cohort.id}/matching/runs", {}, page=f"/staff/cohorts/{cohort.id}/matching")
    run = db.session.scalar(select(MatchRun))
    the_entry("mentoring.run.started", staff, run, label=f"{cohort.name_en} run 1",
              after={"cohort_id": cohort.id, "number": 1, "status": "proposed", "matched": 2})
    page = f"/staff/cohorts/{cohort.id}/matching/runs/1"
    posted(client, f"{page}/publish", {}, page=page)
    made = db.session.scalars(select(Mentorship).order_by(Mentorship.id)).all()
    the_entry("mentoring.run.published", staff, run, before={"status": "proposed", "mentorship_ids": None},
              after={"status": "published", "mentorship_ids": [pair.id for pair in made]})
    assert len(made) == 2 and entry_count() == 2  # one entry for the publication, not one per pair


def test_ending_a_pair(client, staff):
    pair = MentorshipFactory(accepted=True)
    posted(client, f"/staff/mentoring/pairs/{pair.id}/end", {})
    entry = the_entry("mentoring.mentorship.ended", staff, pair, before={"status": "accepted", "ended_at": None},
                      after={"status": "ended"})
    assert entry.after["ended_at"] is not None and pair.status == MentorshipStatus.ENDED


def test_staff_editing_a_mentors_profile_keeps_the_bio_out(client, staff):
    profile = MentorProfileFactory(capacity=3)
    posted(client, f"/staff/mentors/{profile.user_id}/profile", {**PROFILE, "capacity": "2"})
    entry = the_entry("mentoring.profile.edited", staff, profile, before={"capacity": 3}, after={"capacity": 2})
    assert "bio" not in entry.after and "mangoes" not in str(entry.after)


def test_a_mentors_own_profile_edit_is_not_a_staff_action(client, login):
    mentor = UserFactory(mentor=True)
    login(mentor)
    posted(client, "/mentoring/profile", PROFILE)
    assert entry_count() == 0
