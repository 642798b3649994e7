"""Staff set up cohorts through the real forms (CSRF on): create, edit, errors on the field, valid pages."""

from sqlalchemy import select

from app.cohorts.models import Cohort, CohortMode
from app.extensions import db
from tests.cohorts.factories import CohortFactory, ParticipantFactory
from tests.core.test_html import assert_valid
from tests.factories import EditionFactory, UserFactory
from tests.helpers import field_error, submit, text

GOOD = {"name_ind": "Inkubator Kriya 2027", "name_en": "Crafts incubator 2027", "partner": "Darwin Innovation Hub",
        "edition_id": "", "starts_on": "2027-09-01", "ends_on": "2027-11-30", "capacity": "12",
        "mode": "online", "description": "Tiga bulan."}


def test_staff_create_a_cohort_and_see_it_listed(client, login):
    edition = EditionFactory()
    login(UserFactory(staff=True, locale="en"))
    response = submit(client, "/staff/cohorts/new", {**GOOD, "edition_id": str(edition.id)})
    assert response.status_code == 302
    cohort = db.session.scalars(select(Cohort)).one()
    assert (cohort.name_ind, cohort.capacity, cohort.mode, cohort.edition_id) == (
        "Inkubator Kriya 2027", 12, CohortMode.ONLINE, edition.id)
    assert response.headers["Location"].endswith(f"/staff/cohorts/{cohort.id}")
    listing = client.get("/staff/cohorts")
    assert "Crafts incubator 2027" in text(listing)  # in the viewer's language
    for page in ("/staff/cohorts", "/staff/cohorts/new", f"/staff/cohorts/{cohort.id}",
                 f"/staff/cohorts/{cohort.id}/edit", f"/staff/cohorts/{cohort.id}/admit",
                 f"/staff/cohorts/{cohort.id}/sessions/new"):
        assert_valid(text(client.get(page)), page)


def test_dates_in_the_wrong_order_are_refused_on_the_field(client, login):
    login(UserFactory(staff=True, locale="en"))
    response = submit(client, "/staff/cohorts/new", {**GOOD, "ends_on": "2027-08-01"})
    assert response.status_code == 200
    assert field_error(text(response), "ends_on") == "The last day cannot be before the first day."
    assert_valid(text(response), "cohort form with errors")
    assert db.session.scalars(select(Cohort)).all() == []


def test_a_capacity_of_zero_is_refused_on_the_field(client, login):
    login(UserFactory(staff=True, locale="en"))
    response = submit(client, "/staff/cohorts/new", {**GOOD, "capacity": "0"})
    assert field_error(text(response), "capacity") == "Enter a whole number from 1 to 10000."
    assert db.session.scalars(select(Cohort)).all() == []


def test_the_capacity_cannot_go_below_the_people_admitted(client, login):
    cohort = CohortFactory(capacity=5)
    for _ in range(3):
        ParticipantFactory(cohort=cohort)
    login(UserFactory(staff=True, locale="en"))
    url = f"/staff/cohorts/{cohort.id}/edit"
    response = submit(client, url, {**GOOD, "capacity": "2"})
    assert response.status_code == 200
    assert field_error(text(response), "capacity") == "3 people are already admitted: the capacity cannot be lower."
    db.session.refresh(cohort)
    assert cohort.capacity == 5 and cohort.name_ind != GOOD["name_ind"]  # nothing changed
    assert submit(client, url, {**GOOD, "capacity": "3"}).status_code == 302
    db.session.refresh(cohort)
    assert (cohort.capacity, cohort.name_ind) == (3, GOOD["name_ind"])


def test_a_form_without_its_csrf_token_is_refused(client, login):
    login(UserFactory(staff=True, locale="en"))
    response = client.post("/staff/cohorts/new", data=GOOD)
    assert response.status_code == 400
    assert db.session.scalars(select(Cohort)).all() == []


def test_non_staff_cannot_open_the_staff_pages(client, login):
    cohort = CohortFactory()
    login(UserFactory(locale="en"))
    for page in ("/staff/cohorts", "/staff/cohorts/new", f"/staff/cohorts/{cohort.id}",
                 f"/staff/cohorts/{cohort.id}/edit", f"/staff/cohorts/{cohort.id}/admit",
                 f"/staff/cohorts/{cohort.id}/sessions/new"):
        assert client.get(page).status_code == 403, page
