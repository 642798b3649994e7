"""Step details (issue 12, item 6): the founding month, subsectors in the page's language, business details offered
again for a second call, and the phone shown as its hint writes it."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.festival.models import Application
from app.festival.models.application import ApplicationStatus as S
from app.festival.vocab import Subsector
from tests.factories import ApplicationFactory, CallFactory, EditionFactory, UserFactory
from tests.festival.test_apply_steps import BUSINESS, reload, step_url
from tests.helpers import field_error, submit, text


def start(client, user, call) -> Application:
    """Start a draft through the calls page, as the applicant does."""
    submit(client, f"/festival/calls/{call.id}/apply", {}, page="/festival")
    return db.session.scalar(select(Application).where(Application.applicant_id == user.id,
                                                       Application.call_id == call.id))


@pytest.fixture
def applicant(client, login, open_window):
    user = UserFactory(name="Ni Made Ayu", locale="en", phone_e164="+6281122334455")
    login(user)
    return user


@pytest.mark.parametrize(("typed", "stored"), [("2024-03", date(2024, 3, 1)), ("2024-03-17", date(2024, 3, 1))])
def test_the_founding_date_is_a_month_and_a_year(client, applicant, typed, stored):
    draft = start(client, applicant, CallFactory())
    page = text(client.get(step_url(draft, 2)))
    assert re.search(r'<input[^>]*id="founded_on"[^>]*type="month"', page) or 'type="month"' in page
    submit(client, step_url(draft, 2), {**BUSINESS, "founded_on": typed, "action": "save"})
    assert reload(draft).founded_on == stored
    assert 'value="2024-03"' in text(client.get(step_url(draft, 2)))


def test_a_founding_month_in_the_future_is_refused_and_this_month_accepted(client, applicant):
    draft = start(client, applicant, CallFactory())
    html = text(submit(client, step_url(draft, 2), {**BUSINESS, "founded_on": "2027-06", "action": "save"}))
    assert field_error(html, "founded_on") == "This date is in the future."
    submit(client, step_url(draft, 2), {**BUSINESS, "founded_on": "2027-05", "action": "save"})  # May 2027: now
    assert reload(draft).founded_on == date(2027, 5, 1)


@pytest.mark.parametrize("locale", ["en", "id"])
def test_subsectors_are_sorted_in_the_pages_language(client, login, open_window, locale):
    user = UserFactory(locale=locale)
    login(user)
    draft = start(client, user, CallFactory())
    page = text(client.get(step_url(draft, 2)))
    select_html = page.split('id="subsector"', 1)[1].split("</select>", 1)[0]
    labels = re.findall(r'<option value="[a-z_]+"[^>]*>([^<]+)</option>', select_html)
    assert len(labels) == len(Subsector) and labels == sorted(labels, key=str.casefold)


def test_business_details_are_offered_again_for_a_second_call(client, applicant):
    edition = EditionFactory()
    ApplicationFactory(applicant=applicant, call=CallFactory(edition=edition), submitted=True, status=S.REJECTED,
                       business_name="Kopi Kita", instagram="@kopikita", founded_on=date(2023, 7, 1))
    response = submit(client, f"/festival/calls/{CallFactory(edition=edition, kind='pitching').id}/apply", {},
                      page="/festival")
    second = db.session.scalar(select(Application).where(Application.applicant_id == applicant.id,
                                                         Application.status == S.DRAFT))
    assert (second.business_name, second.instagram, second.founded_on) == ("Kopi Kita", "@kopikita", date(2023, 7, 1))
    page = text(client.get(response.headers["Location"]))
    assert "We filled in your business details from your last application" in page
    assert 'value="Kopi Kita"' in text(client.get(step_url(second, 2)))


def test_a_first_application_starts_without_business_details(client, applicant):
    draft = start(client, applicant, CallFactory())
    assert draft.business_name == "" and draft.subsector is None
    assert "We filled in" not in text(client.get(step_url(draft, 1)))


def test_someone_elses_business_is_never_copied(client, applicant):
    ApplicationFactory(business_name="Usaha Orang Lain", submitted=True)
    draft = start(client, applicant, CallFactory())
    assert draft.business_name == ""


@pytest.mark.parametrize(("stored", "shown"), [("+6281122334455", "0811-2233-4455"),
                                               ("+61412345678", "+61 412 345 678")])
def test_the_phone_is_shown_as_its_hint_writes_it(client, login, open_window, stored, shown):
    user = UserFactory(locale="en", phone_e164=stored)
    login(user)
    draft = start(client, user, CallFactory())
    page = text(client.get(step_url(draft, 1)))
    assert f'value="{shown}"' in page and "For example 0812-3456-7890." in page
    submit(client, step_url(draft, 1), {"full_name": "Ayu", "phone": shown, "date_of_birth": "2004-05-17",
                                        "district": "denpasar_timur", "nik": "", "action": "save"})
    assert reload(draft).phone_e164 == stored  # what it shows is read back unchanged


@pytest.mark.parametrize("typed", ["abc", "2024-13", "03/2024", "2024-3-1x"])
def test_a_founding_month_that_cannot_be_read_keeps_its_own_message_and_saves_nothing(client, applicant, typed):
    draft = start(client, applicant, CallFactory())
    html = text(submit(client, step_url(draft, 2), {**BUSINESS, "founded_on": typed, "action": "save"}))
    assert field_error(html, "founded_on") == "Not a valid date value."
    assert reload(draft).founded_on is None and reload(draft).business_name == "Kopi Kita"  # the rest is saved
