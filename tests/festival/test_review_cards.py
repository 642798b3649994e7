"""The reviewer's list: one card per assignment, the whole card the link to its score form (reference included)."""

import re

from app.festival.models.application import ApplicationStatus as S
from app.festival.models.review import AssignmentStatus
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, AssignmentFactory, UserFactory
from tests.helpers import text


def test_each_assignment_is_a_card_linking_to_its_form(client, login):
    reviewer = UserFactory(reviewer=True, locale="en")
    to_do = AssignmentFactory(reviewer=reviewer, application=ApplicationFactory(
        submitted=True, status=S.UNDER_REVIEW, business_name="Klepon Kekinian"))
    done = AssignmentFactory(reviewer=reviewer, status=AssignmentStatus.SUBMITTED,
                             application=ApplicationFactory(submitted=True, status=S.UNDER_REVIEW))
    closed = AssignmentFactory(reviewer=reviewer, application=ApplicationFactory(submitted=True, status=S.WITHDRAWN))
    hidden = AssignmentFactory(reviewer=reviewer, status=AssignmentStatus.CONFLICT,
                               application=ApplicationFactory(submitted=True, status=S.UNDER_REVIEW))
    login(reviewer)
    html = text(client.get("/review"))
    assert_valid(html, "/review")
    assert "<table" not in html
    cards = dict(re.findall(r'<a class="review-card" href="/review/(\d+)">(.*?)</a>', html, re.S))
    assert set(cards) == {str(to_do.id), str(done.id), str(closed.id)} and str(hidden.id) not in cards
    assert to_do.application.reference in cards[str(to_do.id)] and "Klepon Kekinian" in cards[str(to_do.id)]
    assert 'Review <span aria-hidden="true">→' in cards[str(to_do.id)] and ">Open <" in cards[str(done.id)]
    assert html.index(f"/review/{to_do.id}") < html.index(f"/review/{done.id}") < html.index(f"/review/{closed.id}")
