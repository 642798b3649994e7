"""The staff list of applications: filters, search, sort, pages, bulk decisions, and a query count that stays flat."""

import itertools
import re
from datetime import UTC, datetime, timedelta, timezone

import flask_babel
import pytest

from app.core.errors import NotAllowed
from app.core.i18n import PageI18n
from app.extensions import db
from app.festival.models.application import ApplicationStatus as S
from app.festival.services.listing import ApplicationFilters, list_applications
from app.festival.vocab import District, Subsector
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, CallFactory, EditionFactory, UserFactory
from tests.helpers import count_statements, submit, text

URL = "/staff/applications"
NOW = datetime(2027, 6, 1, 4, 0, tzinfo=UTC)


@pytest.fixture
def staff(login):
    user = UserFactory(staff=True, locale="en")  # the assertions read English
    login(user)
    return user


def sent(call, minutes: int = 0, **kwargs):
    kwargs.setdefault("submitted_at", NOW + timedelta(minutes=minutes))
    return ApplicationFactory(call=call, submitted=True, **kwargs)


def references(html: str) -> list[str]:
    return re.findall(r'<a href="/staff/applications/\d+(?:\?[^"]*)?">([^<]+)</a>', html)


def test_a_row_shows_what_staff_need(client, login):
    login(UserFactory(staff=True, locale="id"))
    call = CallFactory()
    application = sent(call, full_name="Ni Luh Ayu", business_name="Tenun Ayu", subsector=Subsector.FASHION,
                       district=District.DENPASAR_TIMUR, status=S.UNDER_REVIEW, score_mean=4.25,
                       score_spread=0.5, review_count=2)
    ApplicationFactory(call=call, business_name="Draft Secret")  # a draft: never listed
    html = text(client.get(URL))
    assert_valid(html, URL)
    assert references(html) == [application.reference]
    row = html[html.index(application.reference):]
    for shown in ("Ni Luh Ayu", "Tenun Ayu", "Bazar UMKM Kreatif", "Fesyen", "Denpasar Timur", "Sedang dinilai",
                  "4,25", "± 0,50", "2 penilaian", "01/06/27 12.00"):  # Indonesian words and numbers, Denpasar time
        assert shown in row, shown
    assert "Draft Secret" not in html and "1 pendaftaran" in html


def test_the_row_follows_the_viewers_language_and_zone(client, login):
    viewer = UserFactory(staff=True, locale="en", timezone="Australia/Darwin")
    login(viewer)
    sent(CallFactory(), score_mean=3.5, score_spread=0.0, review_count=1)
    html = text(client.get(URL))
    assert "Creative bazaar" in html and "Submitted" in html and "3.50" in html and "1 review" in html
    assert "6/1/27, 1:30" in html  # 04:00 UTC is 13:30 in Darwin


def test_filters_narrow_the_list(client, staff):
    edition = EditionFactory()
    call = CallFactory(edition=edition)
    other_call = CallFactory()
    a = sent(call, subsector=Subsector.MUSIC, district=District.DENPASAR_BARAT, score_mean=4.6, status=S.ACCEPTED)
    b = sent(call, subsector=Subsector.CULINARY, district=District.DENPASAR_UTARA, score_mean=2.1)
    c = sent(other_call, subsector=Subsector.MUSIC, district=District.DENPASAR_BARAT, score_mean=3.3)
    cases = {
        f"call={call.id}": {a, b},
        f"edition={edition.id}": {a, b},
        "status=accepted": {a},
        "subsector=music": {a, c},
        "district=denpasar_utara": {b},
        "score_min=3": {a, c},
        "score_max=3.3": {b, c},
        "score_min=3&score_max=4": {c},
        f"call={call.id}&subsector=music": {a},
        "status=withdrawn": set(),
    }
    for query, expected in cases.items():
        html = text(client.get(f"{URL}?{query}"))
        assert set(references(html)) == {x.reference for x in expected}, query


def test_search_by_name_business_or_reference_ignores_case(client, staff):
    call = CallFactory()
    a = sent(call, full_name="Komang Sari", business_name="Kopi Kintamani")
    b = sent(call, full_name="Wayan Budi", business_name="Sari Roti Bali")
    c = sent(call, full_name="Putu Ade", business_name="Ukiran 100% Kayu")
    for term, expected in {"sari": {a, b}, "KINTAMANI": {a}, a.reference.lower(): {a}, "100%": {c},
                           "%": {c}, "_": set(), "nobody": set()}.items():
        html = text(client.get(URL, query_string={"q": term}))
        assert set(references(html)) == {x.reference for x in expected}, term


def test_sorting(client, staff):
    call = CallFactory()
    first = sent(call, minutes=1, score_mean=2.0)
    second = sent(call, minutes=2, score_mean=4.5)
    third = sent(call, minutes=3)  # not scored yet
    assert references(text(client.get(URL))) == [third.reference, second.reference, first.reference]
    assert references(text(client.get(URL + "?sort=oldest"))) == [first.reference, second.reference,
                                                                   third.reference]
    assert references(text(client.get(URL + "?sort=score"))) == [second.reference, first.reference,
                                                                  third.reference]
    assert references(text(client.get(URL + "?sort=score_low"))) == [first.reference, second.reference,
                                                                      third.reference]


def test_a_bad_filter_is_shown_and_left_out(client, login):
    login(UserFactory(staff=True, locale="en"))
    application = sent(CallFactory())
    ApplicationFactory()
    html = text(client.get(URL + "?score_min=9&status=draft&call=424242"))
    assert_valid(html, "list with bad filters")
    assert "Enter a score from 1 to 5." in html and "Not a valid choice." in html
    assert references(html) == [application.reference]  # the bad filters are ignored, drafts stay hidden


def test_pages_of_fifty_keep_the_filters(client, staff):
    call = CallFactory()
    for n in range(53):
        sent(call, minutes=n)
    sent(CallFactory())  # another call, filtered out
    html = text(client.get(f"{URL}?call={call.id}"))
    assert len(references(html)) == 50 and "53 applications" in html and "page 1 of 2" in html
    next_link = re.search(r'<a href="([^"]+)" rel="next">', html).group(1).replace("&amp;", "&")
    assert f"call={call.id}" in next_link and "page=2" in next_link
    assert len(references(text(client.get(next_link)))) == 3




def test_the_number_of_sql_statements_does_not_grow_with_the_rows(client, staff):
    small, big = CallFactory(), CallFactory()
    for n in range(5):
        sent(small, minutes=n, score_mean=3.0, review_count=2)
    for n in range(50):
        sent(big, minutes=n, score_mean=3.0, review_count=2, status=S.UNDER_REVIEW if n % 2 else S.SUBMITTED)
    five, _ = count_statements(client, f"{URL}?call={small.id}")
    fifty, _ = count_statements(client, f"{URL}?call={big.id}")
    assert len(references(text(client.get(f"{URL}?call={big.id}")))) == 50
    assert five == fifty


def test_the_list_runs_six_statements(client, staff):
    """The user with their roles (one statement, not two), the calls for the filters, the count, the rows, and the
    calls with a waiting list and their free places (the waitlist offers)."""
    call = CallFactory()
    sent(call, status=S.WAITLISTED)
    sent(call, minutes=1)
    assert count_statements(client, f"{URL}?call={call.id}", queries_only=True)[0] == 6


def count_babel_lookups(client, url: str, monkeypatch) -> int:
    """How often Flask-Babel looks up the request's locale, zone or catalogue while serving `url`: every `gettext`,
    lazy string and `format_*` of Flask-Babel does (it is where a list page's time went)."""
    lookups = []
    lookup = flask_babel._get_current_context

    def counted():
        lookups.append(1)
        return lookup()

    with monkeypatch.context() as patch:
        patch.setattr(flask_babel, "_get_current_context", counted)
        response = client.get(url)
    assert response.status_code == 200
    return len(lookups)


@pytest.mark.parametrize("locale", ["id", "en"])
def test_translating_and_formatting_are_done_per_page_not_per_row(client, login, monkeypatch, locale):
    login(UserFactory(staff=True, locale=locale))
    small, big = CallFactory(), CallFactory()
    for call, rows in ((small, 2), (big, 50)):  # the same labels on both pages, 2 rows and 50
        for n in range(rows):
            sent(call, minutes=n, subsector=Subsector.MUSIC, district=District.DENPASAR_BARAT, score_mean=3.0,
                 review_count=2, status=S.UNDER_REVIEW if n % 2 else S.SUBMITTED)
    two = count_babel_lookups(client, f"{URL}?call={small.id}", monkeypatch)
    fifty = count_babel_lookups(client, f"{URL}?call={big.id}", monkeypatch)
    html = text(client.get(f"{URL}?call={big.id}"))
    assert len(references(html)) == 50 and ("Musik" if locale == "id" else "Music") in html
    assert two == fifty


@pytest.mark.parametrize("locale", ["id", "en"])
def test_the_page_formatter_writes_what_the_app_formatters_write(app, locale):
    """PageI18n (per page) and app.core.i18n's formatters (times to the minute) agree; dates as Flask-Babel's."""
    from app.core import i18n

    moments = [NOW, datetime(2027, 12, 31, 23, 59, 59), NOW.astimezone(timezone(timedelta(hours=-5)))]  # naive = UTC
    with app.test_request_context("/"), flask_babel.force_locale(locale):
        page = PageI18n()
        for moment, format in itertools.product(moments, ("short", "medium", "long", "full")):
            assert page.format_datetime(moment, format) == i18n.format_datetime(moment, format)
            assert page.format_date(moment, format) == flask_babel.format_date(moment, format)
            assert page.format_time(moment, format) == i18n.format_time(moment, format)
        for moment in moments:  # patterns of the templates' own
            assert page.format_datetime(moment, "d MMM yyyy HH:mm") == i18n.format_datetime(moment,
                                                                                            "d MMM yyyy HH:mm")
            assert page.format_time(moment, "HH:mm") == i18n.format_time(moment, "HH:mm")


def test_the_service_returns_the_page_and_the_total(app):
    call = CallFactory()
    made = [sent(call, minutes=n) for n in range(7)]
    rows, total = list_applications(UserFactory(staff=True), ApplicationFilters(call_id=call.id, sort="oldest"),
                                    page=2, per_page=3)
    assert total == 7 and [row.id for row in rows] == [a.id for a in made[3:6]]
    assert rows[0].call_name_en == "Creative bazaar" and rows[0].reference == made[3].reference
    with app.test_request_context(), pytest.raises(NotAllowed):
        list_applications(UserFactory(), None, 1)


@pytest.mark.parametrize("role", ["applicant", "mentor", "reviewer"])
def test_only_staff_open_the_list(client, login, role):
    login(UserFactory(**({} if role == "applicant" else {role: True})))
    assert client.get(URL).status_code == 403


def test_bulk_drafts_after_confirming_the_count_and_reports_the_skipped_ones(client, staff, outbox):
    call = CallFactory()
    ok = [sent(call, minutes=1), sent(call, minutes=2, status=S.UNDER_REVIEW)]
    gone = sent(call, minutes=3, status=S.WITHDRAWN)
    untouched = sent(call, minutes=4)
    page = f"{URL}?call={call.id}&sort=oldest"
    data = {"ids": [a.id for a in [*ok, gone]], "decision": "waitlisted", "message": "Sabar ya"}
    response = submit(client, page, data)
    assert response.status_code == 200  # first the count, to confirm
    html = text(response)
    assert "Draft “Put on the waiting list” for 3 applications?" in html
    assert_valid(html, "list with the bulk confirmation")
    db.session.expire_all()
    assert all(a.draft_decision is None for a in ok)

    response = submit(client, page, {**data, "confirmed": "1"})
    assert response.status_code == 302 and f"call={call.id}" in response.headers["Location"]
    html = text(client.get(response.headers["Location"]))
    assert "2 decisions drafted; nothing is sent until you release the call" in html
    assert f"1 skipped: {gone.reference} is withdrawn." in html
    db.session.expire_all()
    assert [(a.status, a.draft_decision, a.draft_message) for a in ok] == [
        (S.SUBMITTED, S.WAITLISTED, "Sabar ya"), (S.UNDER_REVIEW, S.WAITLISTED, "Sabar ya")]
    assert ok[0].draft_decided_by_id == staff.id
    assert gone.status == S.WITHDRAWN and gone.draft_decision is None and untouched.draft_decision is None
    assert outbox.messages() == []  # nothing is mailed before the release


def test_bulk_without_a_selection_or_a_decision_says_so(client, staff):
    application = sent(CallFactory())
    response = submit(client, URL, {"decision": "accepted"})
    assert response.status_code == 200
    assert "Select at least one application in the list." in text(response)
    assert_valid(text(response), "list with bulk errors")
    response = submit(client, URL, {"ids": [application.id], "decision": "under_review"})
    assert "Choose accept, waiting list or reject." in text(response)
    assert f'value="{application.id}" id="select-{application.id}"' in text(response)
    db.session.expire_all()
    assert application.status == S.SUBMITTED


def test_the_staff_dashboard_links_to_the_list(client, staff):
    assert 'href="/staff/applications"' in text(client.get("/staff/"))
