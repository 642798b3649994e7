"""The ranking draws a line at the call's number of places, shows a spread only with two reviews or more, and writes
every number with the page's locale formatter."""

import re

import pytest

from app.festival.models.application import ApplicationStatus as S
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, CallFactory, UserFactory
from tests.helpers import text


@pytest.fixture
def staff_in(login):
    def _staff(locale: str):
        login(UserFactory(staff=True, locale=locale))
    return _staff


def _ranked(call, scores):
    """Applications scored (mean, spread, reviews), best first."""
    return [ApplicationFactory(call=call, submitted=True, status=S.UNDER_REVIEW, score_mean=mean, score_spread=spread,
                               review_count=reviews) for mean, spread, reviews in scores]


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr[^>]*>.*?</tr>", html[html.index("<tbody>"):], re.S)


def test_a_line_after_the_last_place_and_spread_only_from_two_reviews(client, staff_in):
    staff_in("en")
    call = CallFactory(places=2)
    first, second, third = _ranked(call, [(4.5, 0.5, 2), (4.25, 0.0, 1), (3.0, 1.0, 3)])
    html = text(client.get(f"/staff/calls/{call.id}/ranking"))
    assert_valid(html, "ranking with places")
    rows = _rows(html)
    assert [first.reference in rows[0], second.reference in rows[1], third.reference in rows[3]] == [True] * 3
    assert 'class="ranking-line" id="places-line"' in rows[2]
    assert "Above this line: the 2 places of this call." in rows[2]
    assert 'class="ranking-outside"' in rows[3]
    cells = [re.findall(r"<td>(.*?)</td>", row) for row in (rows[0], rows[1], rows[3])]
    assert [c[4:7] for c in cells] == [["4.50", "0.50", "2"], ["4.25", "–", "1"], ["3.00", "1.00", "3"]]


def test_no_line_without_places_or_when_every_application_fits(client, staff_in):
    staff_in("en")
    open_call = CallFactory(places=None)
    _ranked(open_call, [(4.0, 0.0, 2), (3.0, 0.0, 2)])
    assert "places-line" not in text(client.get(f"/staff/calls/{open_call.id}/ranking"))
    roomy = CallFactory(places=2)
    _ranked(roomy, [(4.0, 0.0, 2), (3.0, 0.0, 2)])  # the line would fall after the last row: none
    assert "places-line" not in text(client.get(f"/staff/calls/{roomy.id}/ranking"))


def test_numbers_follow_the_page_locale(client, staff_in):
    staff_in("id")
    call = CallFactory(places=1)
    _ranked(call, [(4.25, 0.75, 2), (3.5, 0.0, 1)])
    html = text(client.get(f"/staff/calls/{call.id}/ranking"))
    cells = [re.findall(r"<td>(.*?)</td>", row) for row in _rows(html) if "ranking-line" not in row]
    assert [c[4:6] for c in cells] == [["4,25", "0,75"], ["3,50", "–"]]
    assert "4.25" not in html
