"""The list's bulk draft of everything the filter matches (bounded); the application page leads to the next and
previous application of the list it was opened from (same filters, sort and page, across page edges) and back to
that list; opened from elsewhere it offers only the way back."""

import html as html_lib
import re

import pytest

from app.extensions import db
from app.festival.models.application import ApplicationStatus as S
from app.festival.routes import desk
from tests.factories import CallFactory, UserFactory
from tests.festival.test_desk_list import sent
from tests.helpers import field_error, submit, text


@pytest.fixture
def staff(login):
    user = UserFactory(staff=True, locale="en")
    login(user)
    return user


def link(page: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}"', page)
    return html_lib.unescape(found.group(1)) if found else None


def row_links(page: str) -> list[str]:
    return [html_lib.unescape(u) for u in re.findall(r'<td><a href="(/staff/applications/\d+[^"]*)">', page)]


def test_next_and_previous_follow_the_filtered_sorted_list_across_pages(client, staff, monkeypatch):
    monkeypatch.setattr(desk, "PER_PAGE", 2)  # three pages from five applications
    call = CallFactory()
    ours = [sent(call, minutes=i) for i in range(5)]
    sent(CallFactory(), minutes=2)  # another call's: filtered out, never a neighbour
    first_page = text(client.get(f"/staff/applications?call={call.id}&sort=oldest"))
    links = row_links(first_page)
    assert len(links) == 2 and all(f"call={call.id}" in u and "sort=oldest" in u for u in links)

    seen, url = [], links[0]
    while url:
        page = text(client.get(url))
        seen.append(int(re.search(r"/staff/applications/(\d+)", url).group(1)))
        url = link(page, "next")
        assert url is None or (f"call={call.id}" in url and "sort=oldest" in url)  # the list's query goes along
    assert seen == [a.id for a in ours]  # oldest first, through pages 1, 2 and 3

    last = text(client.get(f"/staff/applications/{ours[-1].id}?call={call.id}&sort=oldest&page=3"))
    backwards, url = [], link(last, "prev")
    while url:
        backwards.append(int(re.search(r"/staff/applications/(\d+)", url).group(1)))
        url = link(text(client.get(url)), "prev")
    assert backwards == [a.id for a in reversed(ours[:-1])]
    assert f'href="/staff/applications?call={call.id}&amp;sort=oldest&amp;page=3"' in last  # back to that page


def test_opened_without_a_list_it_offers_only_the_way_back(client, staff):
    application = sent(CallFactory())
    page = text(client.get(f"/staff/applications/{application.id}"))
    assert link(page, "next") is None and link(page, "prev") is None
    assert "Back to the list" in page and "j next application, k previous, d go to the decision" in page


def test_an_application_outside_the_filter_has_no_neighbours(client, staff):
    call, other = CallFactory(), CallFactory()
    sent(call), sent(call, minutes=1)
    stranger = sent(other)
    page = text(client.get(f"/staff/applications/{stranger.id}?call={call.id}"))
    assert link(page, "next") is None and link(page, "prev") is None


def test_all_matching_the_filter_drafts_every_page_after_confirming_and_is_bounded(client, staff, monkeypatch,
                                                                                  outbox):
    monkeypatch.setattr(desk, "PER_PAGE", 2)
    call = CallFactory()
    ours = [sent(call, minutes=i) for i in range(5)]
    elsewhere = sent(CallFactory())
    page = f"/staff/applications?call={call.id}&sort=oldest"
    assert "All 5 applications that match the filter, on every page" in text(client.get(page))
    data = {"all_matching": "y", "decision": "rejected", "message": ""}
    response = submit(client, page, data)
    assert "Draft “Reject” for 5 applications?" in text(response)
    ids = re.findall(r'<input type="hidden" name="ids" value="(\d+)">', text(response))
    assert sorted(map(int, ids)) == sorted(a.id for a in ours)
    response = submit(client, page, {"ids": ids, "decision": "rejected", "message": "", "confirmed": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert [a.draft_decision for a in ours] == [S.REJECTED] * 5 and elsewhere.draft_decision is None
    assert outbox.messages() == []

    monkeypatch.setattr(desk, "MAX_BULK", 4)  # a filter matching more than a bulk may hold is refused
    response = submit(client, page, {**data, "decision": "accepted"})
    assert response.status_code == 200
    assert field_error(text(response), "all_matching") == "At most 4 applications at once: narrow the filter."
    db.session.expire_all()
    assert [a.draft_decision for a in ours] == [S.REJECTED] * 5
