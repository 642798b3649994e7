"""The staff desk shows what waits for whom, per call, with links to the list filtered for it."""

import html as html_lib

import pytest

from app.core.errors import NotAllowed
from app.festival.models.application import ApplicationStatus as S
from app.festival.models.review import AssignmentStatus
from app.staff.waiting import waiting_by_call
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, AssignmentFactory, CallFactory, UserFactory
from tests.helpers import count_statements, text


@pytest.fixture
def desk():
    """A call with one application in each situation, and a call where nothing waits."""
    call = CallFactory()
    apps = {
        "unassigned": ApplicationFactory(call=call, submitted=True),
        "scoring": ApplicationFactory(call=call, submitted=True, status=S.UNDER_REVIEW),
        "scored": ApplicationFactory(call=call, submitted=True, status=S.UNDER_REVIEW),
        "drafted": ApplicationFactory(call=call, submitted=True, status=S.UNDER_REVIEW, draft_decision=S.ACCEPTED),
        "waitlisted_draft": ApplicationFactory(call=call, submitted=True, status=S.WAITLISTED,
                                               draft_decision=S.REJECTED),
        "decided": ApplicationFactory(call=call, submitted=True, status=S.ACCEPTED),
    }
    reviewer = UserFactory(reviewer=True)
    AssignmentFactory(application=apps["scoring"], reviewer=reviewer, status=AssignmentStatus.ASSIGNED)
    AssignmentFactory(application=apps["scoring"], status=AssignmentStatus.SUBMITTED)
    AssignmentFactory(application=apps["scored"], reviewer=reviewer, status=AssignmentStatus.SUBMITTED)
    AssignmentFactory(application=apps["drafted"], reviewer=reviewer, status=AssignmentStatus.ASSIGNED)
    AssignmentFactory(application=apps["decided"], status=AssignmentStatus.ASSIGNED)  # decided: no longer waits
    quiet = CallFactory()
    ApplicationFactory(call=quiet, submitted=True, status=S.REJECTED)
    return call, quiet


def test_the_counts_per_call(app, desk):
    call, _ = desk
    with app.test_request_context():
        [row] = waiting_by_call(UserFactory(staff=True))  # the quiet call is left out
    assert row.call == call
    # unassigned: only the untouched one (the drafted one has a reviewer); undecided: submitted or under review,
    # without a draft; drafts: also on the waiting list; unscored: two open assignments of one reviewer
    assert (row.unassigned, row.unscored, row.reviewers, row.undecided, row.drafts) == (1, 2, 1, 3, 2)


def test_the_desk_takes_as_many_statements_for_one_call_as_for_four(client, login, desk):
    login(UserFactory(staff=True, locale="en"))
    client.get("/staff/")  # warm up (session, caches)
    one, _ = count_statements(client, "/staff/", queries_only=True)
    for _ in range(3):
        ApplicationFactory(call=CallFactory(), submitted=True)
    four, page = count_statements(client, "/staff/", queries_only=True)
    assert one == four and page.count('<th scope="row">') == 4


def test_only_staff_see_the_work(app):
    with app.test_request_context():
        for user in (UserFactory(), UserFactory(reviewer=True), UserFactory(mentor=True)):
            with pytest.raises(NotAllowed):
                waiting_by_call(user)


def test_the_staff_desk_links_each_count_to_the_filtered_list(client, login, desk):
    call, _ = desk
    login(UserFactory(staff=True, locale="en"))
    page = text(client.get("/staff/"))
    assert_valid(page, "staff desk with work")
    links = html_lib.unescape(page)
    assert f'href="/staff/applications?call={call.id}&status=submitted">1</a>' in links
    assert f'href="/staff/applications?call={call.id}&status=under_review">2</a>' in links
    assert f'href="/staff/applications?call={call.id}&sort=score">3</a>' in links
    assert f'href="/staff/calls/{call.id}/decisions">2</a>' in links
    assert page.count('<th scope="row">') == 1  # the quiet call is not listed


def test_nothing_waiting_is_said_so(client, login):
    login(UserFactory(staff=True, locale="en"))
    assert "Nothing waits: every application is assigned, scored, decided and sent." in text(client.get("/staff/"))
