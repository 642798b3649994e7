"""The state machine: every pair of statuses, for every kind of actor, is allowed exactly when the table says so."""

from datetime import UTC, datetime
from itertools import product

import pytest
from sqlalchemy import func, select

from app.core.errors import InvalidState, NotAllowed
from app.extensions import db
from app.festival.models import ApplicationEvent
from app.festival.models.application import ApplicationStatus as S
from app.festival.services.workflow import DECISIONS, NOTIFY, TRANSITIONS, By, transition
from tests.factories import ApplicationFactory, UserFactory

NOW = datetime(2027, 4, 2, 3, 4, tzinfo=UTC)
PAIRS = list(product(S, S))
ACTORS = ["owner", "staff", "system", "stranger"]
BY = {"owner": By.APPLICANT, "staff": By.STAFF, "system": By.SYSTEM}


@pytest.fixture
def moment(app, frozen_clock):
    frozen_clock(NOW)
    with app.test_request_context():  # mails carry absolute links
        yield


def application_in(status: S):
    return ApplicationFactory(submitted=True, status=status) if status != S.DRAFT else ApplicationFactory()


def actor_for(kind: str, application):
    return {
        "owner": lambda: application.applicant,
        "staff": lambda: UserFactory(staff=True),
        "system": lambda: None,
        "stranger": lambda: UserFactory(),
    }[kind]()


def events() -> int:
    return db.session.scalar(select(func.count(ApplicationEvent.id)))


def test_the_table_names_only_known_actors_and_real_moves():
    assert all(current != target for current, target in TRANSITIONS)
    assert all(who and who <= set(By) for who in TRANSITIONS.values())
    assert not any(current == S.WITHDRAWN for current, _ in TRANSITIONS)  # withdrawn is final
    assert not any(target == S.DRAFT for _, target in TRANSITIONS)  # nothing goes back to a draft


@pytest.mark.parametrize("actor_kind", ACTORS)
@pytest.mark.parametrize(("current", "target"), PAIRS, ids=[f"{c}->{t}" for c, t in PAIRS])
def test_every_transition_for_every_actor(moment, outbox, current, target, actor_kind):
    application = application_in(current)
    actor = actor_for(actor_kind, application)
    before = (application.reference, application.submitted_at, application.decided_at)

    if actor_kind == "stranger":
        with pytest.raises(NotAllowed):
            transition(application, target, actor, "hello")
        allowed = False
    elif BY[actor_kind] in TRANSITIONS.get((current, target), frozenset()):
        event = transition(application, target, actor, "  a message  ")
        allowed = True
    else:
        with pytest.raises(InvalidState):
            transition(application, target, actor, "hello")
        allowed = False

    db.session.commit()
    db.session.expire_all()
    mails = outbox.messages(application.applicant.email)
    if not allowed:  # nothing moved, nothing recorded, nobody written to
        assert application.status == current
        assert (application.reference, application.submitted_at, application.decided_at) == before
        assert events() == 0 and mails == []
        return

    assert application.status == target
    assert (event.from_status, event.to_status, event.actor_id, event.message, event.created_at) == (
        current, target, actor.id if actor else None, "a message", NOW)
    assert events() == 1
    if target == S.SUBMITTED:
        assert application.submitted_at == NOW
        assert application.reference.startswith(application.call.edition.code + "-")
    if target in DECISIONS:
        assert application.decided_at == NOW
    expected = [] if (current, target) == (S.DRAFT, S.WITHDRAWN) or target not in NOTIFY else [NOTIFY[target]]
    assert [m.template for m in mails] == expected


@pytest.mark.parametrize("role", ["reviewer", "mentor"])
@pytest.mark.parametrize(("current", "target"), [(S.SUBMITTED, S.ACCEPTED), (S.ACCEPTED, S.WITHDRAWN),
                                                 (S.SUBMITTED, S.UNDER_REVIEW)])
def test_reviewers_and_mentors_are_strangers_to_the_workflow(moment, role, current, target):
    application = application_in(current)
    with pytest.raises(NotAllowed):
        transition(application, target, UserFactory(**{role: True}))
    assert application.status == current and events() == 0


# The workflow written out a second time, by hand, from the product's rules (DESIGN.md: draft → submitted → under
# review → accepted / waitlisted / rejected; withdrawn at any time before a decision, and after acceptance; the waitlist
# moves up; issue 12: staff may revise a released acceptance or rejection, with a reason). The tests above derive
# their expectations from TRANSITIONS, so an extra or missing row there would pass
# them; this one does not. A: applicant, S: staff, P: the portal itself.
EXPECTED_WORKFLOW = """
    draft        -> submitted     A
    draft        -> withdrawn     A
    submitted    -> under_review  S P
    submitted    -> accepted      S
    submitted    -> waitlisted    S
    submitted    -> rejected      S
    submitted    -> withdrawn     A
    under_review -> accepted      S
    under_review -> waitlisted    S
    under_review -> rejected      S
    under_review -> withdrawn     A
    waitlisted   -> accepted      S P
    waitlisted   -> rejected      S
    waitlisted   -> withdrawn     A
    accepted     -> withdrawn     A
    accepted     -> waitlisted    S
    accepted     -> rejected      S
    rejected     -> accepted      S
    rejected     -> waitlisted    S
"""
WHO = {"A": By.APPLICANT, "S": By.STAFF, "P": By.SYSTEM}


def test_the_table_is_the_workflow_written_out_independently():
    expected = {}
    for line in EXPECTED_WORKFLOW.strip().splitlines():
        current, _, target, *who = line.split()
        expected[(S(current), S(target))] = frozenset(WHO[w] for w in who)
    assert dict(TRANSITIONS) == expected
