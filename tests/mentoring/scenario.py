"""Shared set-up of the matching tests: a cohort with mentors serving it and participants who stated their needs.

    cohort = CohortFactory()
    ana = mentor_in(cohort, capacity=2, languages=["en"])      # a mentor (profile + cohort link)
    budi = waiting_in(cohort, languages=["id", "en"])           # a participant with needs
    run = staff_runs(client, login, cohort)                     # staff press "Run the matcher"
"""

from sqlalchemy import select

from app.extensions import db
from app.mentoring.models import MatchRun, Mentorship, ProposedPair
from tests.cohorts.factories import ParticipantFactory
from tests.factories import UserFactory
from tests.helpers import submit
from tests.mentoring.factories import CohortMentorFactory, MentorProfileFactory, NeedsFactory


def mentor_in(cohort, capacity: int | None = None, name: str | None = None, **profile):
    """A new mentor (English, Darwin) with a profile, serving `cohort` (capacity: the cohort's override)."""
    made = MentorProfileFactory(**profile, **({"user__name": name} if name else {}))
    CohortMentorFactory(cohort=cohort, mentor=made.user, capacity=capacity)
    return made.user


def waiting_in(cohort, user=None, **needs):
    """An admitted participant of `cohort` with needs."""
    participant = ParticipantFactory(cohort=cohort, **({"user_id": user.id} if user else {}))
    if "languages" in needs:
        needs.setdefault("preferred_language", needs["languages"][0])
    NeedsFactory(participant=participant, **needs)
    return participant


def as_staff(login):
    user = UserFactory(staff=True, locale="en")
    login(user)
    return user


def run_matcher(client, cohort):
    """Press "Run the matcher" on the cohort's matching page; the response (a redirect to the run on success)."""
    return submit(client, f"/staff/cohorts/{cohort.id}/matching/runs", {},
                  page=f"/staff/cohorts/{cohort.id}/matching")


def runs_of(cohort) -> list[MatchRun]:
    return list(db.session.scalars(select(MatchRun).where(MatchRun.cohort_id == cohort.id)
                                   .order_by(MatchRun.number)))


def rows_of(run: MatchRun) -> list[tuple]:
    """(participant id, mentor id, score, reason) of each row, in participant order."""
    rows = db.session.scalars(select(ProposedPair).where(ProposedPair.run_id == run.id)
                              .order_by(ProposedPair.participant_id))
    return [(row.participant_id, row.mentor_id, row.score, row.unmatched_reason) for row in rows]


def mentorships(cohort) -> list[Mentorship]:
    return list(db.session.scalars(select(Mentorship).where(Mentorship.cohort_id == cohort.id)
                                   .order_by(Mentorship.id)))


def publish(client, cohort, number: int):
    return submit(client, f"/staff/cohorts/{cohort.id}/matching/runs/{number}/publish", {},
                  page=f"/staff/cohorts/{cohort.id}/matching/runs/{number}")


def browser_of(app, login, user):
    """A new client (its own cookies) logged in as `user`."""
    client = app.test_client()
    login(user, on=client)
    return client
