"""Age at registration: the form says who may apply (in the page's language and date format), refuses someone too
young for the next festival on the date-of-birth field, and the home page lists only calls the person may enter."""

import html
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from tests.factories import CallFactory, EditionFactory
from tests.helpers import field_error, submit, text

TODAY = datetime(2027, 3, 10, 2, 0, tzinfo=UTC)  # applications open; the festival starts on 14 August 2027
GOOD = {"name": "Komang Arya", "email": "komang@example.com", "phone": "0812 3456 7890", "locale": "en",
        "password": "sepuluh karakter", "password_confirm": "sepuluh karakter"}


def users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_the_form_says_who_may_apply_in_english_and_indonesian(client, frozen_clock):
    frozen_clock(TODAY)
    EditionFactory(name="D'Youth Festival 2027")
    english = html.unescape(text(client.get("/register", headers={"Accept-Language": "en"})))
    assert "To apply to D'Youth Festival 2027 you must be 16 to 30 years old on its first day, August 14, 2027." \
        in english
    indonesian = text(client.get("/register", headers={"Accept-Language": "id"}))
    assert "14 Agustus 2027" in indonesian and "2027-08-14" not in indonesian


def test_without_an_edition_the_rule_is_still_said(client):
    page = text(client.get("/register", headers={"Accept-Language": "en"}))
    assert "you must be 16 to 30 years old on its first day" in page


def test_a_fourteen_year_old_is_told_why_on_the_field(client, frozen_clock, outbox):
    frozen_clock(TODAY)
    EditionFactory()
    response = submit(client, "/register", {**GOOD, "date_of_birth": "2012-09-01"},
                      headers={"Accept-Language": "en"})
    assert response.status_code == 200
    error = field_error(text(response), "date_of_birth")
    assert error and "at least 16 years old on the first festival day (August 14, 2027)" in error
    assert users() == 0 and outbox.messages() == []


def test_sixteen_on_the_first_festival_day_may_register(client, frozen_clock):
    frozen_clock(TODAY)
    EditionFactory()
    response = submit(client, "/register", {**GOOD, "date_of_birth": "2011-08-14"})
    assert response.status_code == 302 and users() == 1


def test_home_lists_only_calls_the_person_may_enter(app, client, login, user_factory, frozen_clock):
    frozen_clock(TODAY)
    CallFactory(name_en="Creative bazaar")
    login(user_factory(locale="en", date_of_birth=date(1990, 1, 1)))  # 37 on the first festival day
    assert "Creative bazaar" not in text(client.get("/home"))
    other = app.test_client()
    login(user_factory(locale="en"), on=other)  # 23
    assert "Creative bazaar" in text(other.get("/home"))
