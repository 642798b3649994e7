"""Staff's overview of a cohort's pairs: meetings, last contact, average rating, the "quiet for 30 days" flag and its
filter; ending a pair after a confirmation."""

from datetime import UTC, date, datetime

import pytest

from app.extensions import db
from app.mentoring.models import Mentorship, MentorshipStatus
from tests.helpers import csrf_token, submit, text
from tests.mentoring.factories import MeetingFactory
from tests.mentoring.pair_world import a_pair

OCTOBER_20 = datetime(2027, 10, 20, 2, 0, tzinfo=UTC)


@pytest.fixture
def cohort_pairs(frozen_clock):
    frozen_clock(OCTOBER_20)
    lapsed = a_pair()  # last meeting 40 days ago: quiet
    MeetingFactory(mentorship=lapsed.pair, held_on=date(2027, 9, 10), rating=4)
    MeetingFactory(mentorship=lapsed.pair, held_on=date(2027, 9, 3), rating=5)
    cohort = lapsed.cohort
    busy = a_pair(cohort=cohort)  # met ten days ago
    MeetingFactory(mentorship=busy.pair, held_on=date(2027, 10, 10))
    silent = a_pair(cohort=cohort)  # accepted on 2 September, never met: quiet
    waiting = a_pair(cohort=cohort, status=MentorshipStatus.OFFERED)  # not active: never flagged
    return cohort, lapsed, busy, silent, waiting


def row_of(html: str, name: str) -> str:
    start = html.index(name)
    return html[start:html.index("</tr>", start)]


def test_staff_see_each_pair_with_meetings_last_contact_rating_and_the_quiet_flag(client, login, user_factory,
                                                                                  cohort_pairs):
    cohort, lapsed, busy, silent, waiting = cohort_pairs
    login(user_factory(staff=True, locale="en"))
    html = text(client.get(f"/staff/cohorts/{cohort.id}/mentoring"))
    lapsed_row = row_of(html, lapsed.person.name)
    assert "<td>2</td>" in lapsed_row and "Sep 10, 2027" in lapsed_row and "4.5" in lapsed_row
    assert "Quiet for 30 days" in lapsed_row
    busy_row = row_of(html, busy.person.name)
    assert "Oct 10, 2027" in busy_row and "Quiet" not in busy_row
    silent_row = row_of(html, silent.person.name)
    assert "<td>0</td>" in silent_row and "Sep 2, 2027" in silent_row and "Quiet for 30 days" in silent_row
    assert "Quiet" not in row_of(html, waiting.person.name)


def test_the_filter_keeps_the_quiet_pairs(client, login, user_factory, cohort_pairs):
    cohort, lapsed, busy, silent, waiting = cohort_pairs
    login(user_factory(staff=True, locale="en"))
    html = text(client.get(f"/staff/cohorts/{cohort.id}/mentoring?quiet=1"))
    assert lapsed.person.name in html and silent.person.name in html
    assert busy.person.name not in html and waiting.person.name not in html


def test_staff_end_a_pair_after_confirming(client, login, user_factory, cohort_pairs):
    cohort, lapsed, *_ = cohort_pairs
    login(user_factory(staff=True, locale="en"))
    url = f"/staff/mentoring/pairs/{lapsed.pair.id}/end"
    assert "Yes, end this pair" in text(client.get(url))
    response = submit(client, url, {})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/cohorts/{cohort.id}/mentoring")
    db.session.expire_all()
    ended = db.session.get(Mentorship, lapsed.pair.id)
    assert ended.status == MentorshipStatus.ENDED and ended.ended_at is not None
    assert "The pair has ended." in text(client.get(response.headers["Location"]))
    page = text(client.get(url))
    assert "This pair has already ended." in page and "Yes, end this pair" not in page


def test_ending_twice_changes_nothing_the_second_time(client, login, user_factory, cohort_pairs):
    _cohort, lapsed, *_ = cohort_pairs
    login(user_factory(staff=True, locale="en"))
    url = f"/staff/mentoring/pairs/{lapsed.pair.id}/end"
    token = csrf_token(text(client.get(url)))
    client.post(url, data={"csrf_token": token})
    db.session.expire_all()
    first_end = db.session.get(Mentorship, lapsed.pair.id).ended_at
    response = client.post(url, data={"csrf_token": token})
    assert "This pair has already ended." in text(client.get(response.headers["Location"]))
    db.session.expire_all()
    assert db.session.get(Mentorship, lapsed.pair.id).ended_at == first_end


@pytest.mark.parametrize("who", ["mentor", "participant"])
def test_only_staff_see_the_overview_and_end_pairs(client, login, cohort_pairs, who):
    cohort, lapsed, *_ = cohort_pairs
    login(lapsed.mentor if who == "mentor" else lapsed.person)
    assert client.get(f"/staff/cohorts/{cohort.id}/mentoring").status_code == 403
    assert client.get(f"/staff/mentoring/pairs/{lapsed.pair.id}/end").status_code == 403


def test_unknown_cohort_or_pair_is_404(client, login, user_factory):
    login(user_factory(staff=True))
    assert client.get("/staff/cohorts/999999/mentoring").status_code == 404
    assert client.get("/staff/mentoring/pairs/999999/end").status_code == 404
