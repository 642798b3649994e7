"""Staff set up festival editions: the window is entered and shown in Denpasar time and stored in UTC."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.festival.models import Edition, EditionStatus
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, CallFactory, EditionFactory
from tests.helpers import field_error, submit, text

EDITION = {
    "name": "D'Youth Festival 2027", "slug": "", "code": "dyf27", "starts_on": "2027-08-14", "ends_on": "2027-08-16",
    "venue": "Lapangan Puputan Badung, Denpasar", "description": "Festival kewirausahaan pemuda.",
    "applications_open_at": "2027-03-01T08:00", "applications_close_at": "2027-05-31T23:59", "status": "published",
}


@pytest.fixture
def staff(login, user_factory):
    user = user_factory(staff=True)
    login(user)
    return user


def editions_count() -> int:
    return db.session.scalar(select(func.count(Edition.id)))


def test_window_entered_in_denpasar_time_is_stored_in_utc_and_shown_back(client, staff):
    response = submit(client, "/staff/editions/new", EDITION)
    assert response.status_code == 302
    edition = db.session.scalar(select(Edition))
    assert response.headers["Location"].endswith(f"/staff/editions/{edition.id}")
    assert edition.applications_open_at == datetime(2027, 3, 1, 0, 0, tzinfo=UTC)  # 08:00 WITA
    assert edition.applications_close_at == datetime(2027, 5, 31, 15, 59, tzinfo=UTC)  # 23:59 WITA
    assert (edition.slug, edition.code, edition.status) == ("dyouth-festival-2027", "DYF27", EditionStatus.PUBLISHED)

    page = text(client.get(response.headers["Location"]))
    assert "D&#39;Youth Festival 2027" in page and 'class="flash flash-success"' in page
    assert "1 Mar 2027" in page and "08.00" in page and "23.59" in page and "WITA" in page
    form = text(client.get(f"/staff/editions/{edition.id}/edit"))
    assert 'value="2027-03-01T08:00"' in form and 'value="2027-05-31T23:59"' in form
    listing = text(client.get("/staff/editions"))
    assert "D&#39;Youth Festival 2027" in listing and "08.00" in listing


def test_editing_keeps_the_window_in_utc(client, staff):
    edition = EditionFactory()
    data = {**EDITION, "code": edition.code, "slug": edition.slug, "applications_open_at": "2027-02-01T00:00"}
    assert submit(client, f"/staff/editions/{edition.id}/edit", data).status_code == 302
    db.session.refresh(edition)
    assert edition.applications_open_at == datetime(2027, 1, 31, 16, 0, tzinfo=UTC)
    assert edition.name == "D'Youth Festival 2027" and edition.venue == EDITION["venue"]


BAD_INPUT = [
    ("name", {"name": ""}),
    ("slug", {"slug": "Bad slug!"}),
    ("code", {"code": "D"}),
    ("code", {"code": "DYF-27"}),
    ("starts_on", {"starts_on": "14/08/2027"}),
    ("ends_on", {"ends_on": "2027-08-13"}),
    ("venue", {"venue": ""}),
    ("applications_open_at", {"applications_open_at": "soon"}),
    ("applications_close_at", {"applications_close_at": ""}),
    ("applications_close_at", {"applications_close_at": "2027-03-01T07:00"}),  # before it opens
    ("applications_close_at", {"applications_close_at": "2027-08-14T00:00"}),  # when the festival starts
    ("status", {"status": "deleted"}),
]


@pytest.mark.parametrize(("field", "change"), BAD_INPUT, ids=[f"{f}-{i}" for i, (f, _) in enumerate(BAD_INPUT)])
def test_bad_input_is_shown_on_its_field_and_nothing_is_stored(client, staff, field, change):
    response = submit(client, "/staff/editions/new", {**EDITION, **change})
    assert response.status_code == 200
    assert field_error(text(response), field), f"no error on {field}"
    assert editions_count() == 0
    assert_valid(text(response), f"new edition with a bad {field}")


def test_every_problem_is_shown_at_once(client, staff):
    response = submit(client, "/staff/editions/new", {**EDITION, "ends_on": "2027-08-01",
                                                      "applications_close_at": "2027-02-01T00:00"})
    html = text(response)
    assert field_error(html, "ends_on") and field_error(html, "applications_close_at")
    assert editions_count() == 0


def test_slug_and_code_must_be_unique(client, staff):
    EditionFactory(slug="dyouth-festival-2027", code="DYF27")
    html = text(submit(client, "/staff/editions/new", EDITION))
    assert field_error(html, "slug") and field_error(html, "code")
    assert editions_count() == 1


def test_editing_a_failing_edition_changes_nothing(client, staff):
    edition = EditionFactory(name="Old name")
    data = {**EDITION, "code": edition.code, "slug": edition.slug, "ends_on": "2027-01-01"}
    response = submit(client, f"/staff/editions/{edition.id}/edit", data)
    assert response.status_code == 200 and field_error(text(response), "ends_on")
    db.session.refresh(edition)
    assert edition.name == "Old name"


def test_code_is_fixed_once_an_application_has_a_reference(client, staff):
    call = CallFactory()
    edition = call.edition
    page = text(client.get(f"/staff/editions/{edition.id}/edit"))
    assert "readonly" not in page
    ApplicationFactory(call=call, submitted=True)
    page = text(client.get(f"/staff/editions/{edition.id}/edit"))
    assert "readonly" in page
    data = {**EDITION, "slug": edition.slug, "code": "NEW27"}
    response = submit(client, f"/staff/editions/{edition.id}/edit", data)
    assert edition.code in field_error(text(response), "code")
    db.session.refresh(edition)
    assert edition.code != "NEW27"
    # Everything else can still change.
    assert submit(client, f"/staff/editions/{edition.id}/edit", {**data, "code": edition.code}).status_code == 302
    db.session.refresh(edition)
    assert edition.name == EDITION["name"]


def test_list_counts_calls_and_submitted_applications(client, staff):
    call = CallFactory(edition__name="Festival Satu")
    CallFactory(edition=call.edition)
    ApplicationFactory(call=call, submitted=True)
    ApplicationFactory(call=call)  # a draft is not counted
    EditionFactory(name="Festival Dua")
    html = text(client.get("/staff/editions"))
    assert_valid(html, "/staff/editions")
    row = html.split("Festival Satu")[1].split("</tr>")[0]
    assert [cell.strip() for cell in row.split("<td>")[-2:]] == ["2</td>", "1</td>"]
    assert "Festival Dua" in html


def test_edition_page_lists_its_calls(client, staff):
    call = CallFactory(name_ind="Bazar Kreatif", name_en="Creative bazaar")
    html = text(client.get(f"/staff/editions/{call.edition_id}"))
    assert_valid(html, "edition page")
    assert "Bazar Kreatif" in html and f"/staff/editions/{call.edition_id}/calls/new" in html
    assert f"/staff/calls/{call.id}" in html


def test_pages_are_valid_html(client, staff):
    edition = EditionFactory()
    for page in ("/staff/editions", "/staff/editions/new", f"/staff/editions/{edition.id}",
                 f"/staff/editions/{edition.id}/edit", "/staff/"):
        response = client.get(page)
        assert response.status_code == 200, page
        assert_valid(text(response), page)
    assert "/staff/editions" in text(client.get("/staff/"))
