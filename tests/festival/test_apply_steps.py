"""The applicant's five steps, through the real forms: pre-filled from the profile, saved on every step (valid fields
even when others are not), autosaved, resumable on another device, checked for completeness, submitted."""

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.festival.models import Application
from app.festival.models.application import ApplicationStatus as S
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, CallFactory, UserFactory
from tests.helpers import csrf_token, field_error, submit, text

ABOUT_YOU = {"full_name": "Ni Made Ayu", "phone": "0812 3456 7890", "date_of_birth": "2004-05-17",
             "district": "denpasar_timur", "nik": "5171015705040001"}
BUSINESS = {"business_name": "Kopi Kita", "subsector": "culinary", "stage": "started", "founded_on": "2025-02",
            "team_size": "3", "description": "Kopi Bali dari petani Kintamani.", "instagram": "@kopikita",
            "tiktok": "https://www.tiktok.com/@kopikita", "website": "kopikita.id"}
ANSWERS = {"q_products": "Kopi bubuk, cold brew", "q_price_range": "Rp 25.000 – 90.000", "q_needs_power": ""}


def step_url(application, number: int) -> str:
    return f"/applications/{application.id}/step/{number}"


def reload(application) -> Application:
    db.session.refresh(application)
    return application


@pytest.fixture
def draft(client, login, open_window):
    """A new, empty draft started through the public calls page by a logged-in English-speaking applicant."""
    user = UserFactory(name="Ni Made Ayu", locale="en", phone_e164="+6281122334455")
    call = CallFactory()
    login(user)
    response = submit(client, f"/festival/calls/{call.id}/apply", {}, page="/festival")
    application = db.session.scalar(select(Application).where(Application.applicant_id == user.id))
    assert response.headers["Location"] == step_url(application, 1)
    return application


def test_an_applicant_applies_through_the_five_steps(client, draft, upload, make_image, outbox):
    first = text(client.get(step_url(draft, 1)))
    assert 'value="Ni Made Ayu"' in first and 'value="0811-2233-4455"' in first and 'value="2004-05-17"' in first
    assert '<li aria-current="step" class="current">' in first
    assert_valid(first, "step 1")

    response = submit(client, step_url(draft, 1), {**ABOUT_YOU, "action": "next"})
    assert response.headers["Location"] == step_url(draft, 2)
    response = submit(client, step_url(draft, 2), {**BUSINESS, "action": "next"})
    assert response.headers["Location"] == step_url(draft, 3)
    third = text(client.get(step_url(draft, 3)))
    assert "Products you will sell" in third and "List your main products." in third  # the call's own questions
    assert "Pitch deck" not in third
    assert_valid(third, "step 3")
    response = submit(client, step_url(draft, 3), {**ANSWERS, "action": "next"})
    assert response.headers["Location"] == step_url(draft, 4)
    assert_valid(text(client.get(step_url(draft, 4))), "step 4")
    response = upload(draft, action="next", photos=[(make_image("JPEG"), "kopi.jpg")])
    assert response.headers["Location"] == step_url(draft, 5)

    review = text(client.get(step_url(draft, 5)))
    assert_valid(review, "step 5")
    for shown in ("Ni Made Ayu", "+62 812-3456-7890", "Denpasar Timur", "Kopi Kita", "Culinary",
                  "Kopi bubuk, cold brew", "kopi.jpg"):
        assert shown in review
    assert "Still missing" not in review

    response = submit(client, step_url(draft, 5), {"consent": "y", "action": "submit"})
    assert response.headers["Location"] == f"/applications/{draft.id}"
    application = reload(draft)
    reference = f"{application.call.edition.code}-00001"
    assert (application.status, application.reference) == (S.SUBMITTED, reference)
    assert application.phone_e164 == "+6281234567890" and application.nik == "5171015705040001"
    assert application.website == "https://kopikita.id" and application.team_size == 3
    assert application.answers == {"products": "Kopi bubuk, cold brew", "price_range": "Rp 25.000 – 90.000"}
    assert application.consent_at is not None and [e.to_status for e in application.events] == [S.SUBMITTED]
    assert outbox.last(application.applicant.email).subject == f"Application received: {reference}"
    status = text(client.get(f"/applications/{draft.id}"))
    assert reference in status and "Your application has been submitted." in status


def test_a_submitted_application_is_read_only(client, login, open_window):
    application = ApplicationFactory(submitted=True)
    login(application.applicant)
    for number in (1, 2, 3, 4, 5):
        response = client.get(step_url(application, number))
        assert response.headers["Location"] == f"/applications/{application.id}"
    token = csrf_token(text(client.get(f"/applications/{application.id}")))
    response = client.post(step_url(application, 2), data={"csrf_token": token, **BUSINESS, "action": "next"})
    assert response.headers["Location"] == f"/applications/{application.id}"
    assert client.post(f"{step_url(application, 2)}/autosave", data={"csrf_token": token, **BUSINESS}).status_code \
        == 409
    assert reload(application).business_name != "Kopi Kita"


def test_wrong_fields_get_messages_and_the_valid_ones_are_saved(client, draft):
    data = {**BUSINESS, "team_size": "abc", "founded_on": "2030-01", "website": "not a site", "subsector": "",
            "action": "next"}
    response = submit(client, step_url(draft, 2), data)
    html = text(response)
    assert response.status_code == 200
    assert field_error(html, "team_size") == "Not a valid integer value."
    assert field_error(html, "founded_on") == "This date is in the future."
    assert field_error(html, "website") == "Enter a web address such as https://warungkita.id."
    assert field_error(html, "subsector") == "This field is required."
    assert 'value="abc"' in html and 'value="not a site"' in html  # what was typed is still there
    assert_valid(html, "step 2 with errors")
    application = reload(draft)
    assert (application.business_name, application.description, application.stage) == (
        "Kopi Kita", "Kopi Bali dari petani Kintamani.", "started")
    assert (application.team_size, application.founded_on, application.website) == (None, None, "")
    assert application.current_step == 2 and application.draft_saved_at is not None


@pytest.mark.parametrize(("size", "message"), [("0", "Enter a number from 1 to 500."),
                                               ("501", "Enter a number from 1 to 500."), ("500", None)])
def test_team_size_is_between_one_and_five_hundred(client, draft, size, message):
    response = submit(client, step_url(draft, 2), {**BUSINESS, "team_size": size, "action": "next"})
    assert field_error(text(response), "team_size") == message


def test_missing_fields_block_next_but_a_half_filled_step_can_be_saved(client, draft):
    half = {"full_name": "Ni Made Ayu", "phone": "", "date_of_birth": "2004-05-17", "district": "", "nik": ""}
    response = submit(client, step_url(draft, 1), {**half, "action": "next"})
    assert response.status_code == 200
    assert field_error(text(response), "phone") == "This field is required."
    response = submit(client, step_url(draft, 1), {**half, "action": "save"})
    assert response.headers["Location"] == step_url(draft, 1)
    page = text(client.get(step_url(draft, 1)))
    assert "Your draft is saved." in page and "Saved at 10:00" in page  # 02:00 UTC in Denpasar
    assert reload(draft).phone_e164 is None  # a cleared field is saved as cleared


def test_the_step_indicator_saves_before_it_moves(client, draft):
    response = submit(client, step_url(draft, 1), {**ABOUT_YOU, "action": "goto-3"})
    assert response.headers["Location"] == step_url(draft, 3)
    assert reload(draft).district == "denpasar_timur"


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("5171011705040001", None),  # a man born on 17 May 2004
        ("5171015705040001", None),  # a woman: 40 added to the day
        ("5171015805040001", "Digits 7 to 12 of your NIK do not match your date of birth; please check both."),
        ("5171017705040001", "Digits 7 to 12 of your NIK do not match your date of birth; please check both."),
        ("0971011705040001", "The first two digits of a NIK are a province code (11 to 94); please check them."),
        ("9571011705040001", "The first two digits of a NIK are a province code (11 to 94); please check them."),
        ("5171011805040001", "Digits 7 to 12 of your NIK do not match your date of birth; please check both."),
        ("5171011705050001", "Digits 7 to 12 of your NIK do not match your date of birth; please check both."),
        ("51710117050400", "A NIK has exactly 16 digits."),
        ("51710117O5040001", "A NIK has exactly 16 digits."),
    ],
)
def test_nik_is_checked_against_the_province_and_the_date_of_birth(client, draft, nik, message):
    response = submit(client, step_url(draft, 1), {**ABOUT_YOU, "nik": nik, "action": "next"})
    assert field_error(text(response), "nik") == message
    assert reload(draft).nik == (None if message else nik)
    assert reload(draft).district == "denpasar_timur"


def test_nik_follows_the_date_of_birth_typed_in_the_same_form(client, draft):
    data = {**ABOUT_YOU, "date_of_birth": "2005-01-02", "nik": "5171014201050002"}
    assert submit(client, step_url(draft, 1), {**data, "action": "next"}).status_code == 302
    assert (reload(draft).date_of_birth, draft.nik) == (date(2005, 1, 2), "5171014201050002")


def test_autosave_keeps_the_valid_fields_and_answers_with_the_time(client, draft):
    page = text(client.get(step_url(draft, 2)))
    assert f'data-autosave-url="/applications/{draft.id}/step/2/autosave"' in page and "js/autosave.js" in page
    response = client.post(f"{step_url(draft, 2)}/autosave",
                           data={"csrf_token": csrf_token(page), "business_name": "Kopi Kita", "team_size": "abc"})
    assert response.status_code == 200
    assert response.get_json()["message"] == "Saved at 10:00"
    assert response.get_json()["saved_at"].startswith("2027-05-20T02:00:00")
    assert (reload(draft).business_name, draft.team_size) == ("Kopi Kita", None)


def test_autosave_of_the_questions_merges_the_answers(client, draft):
    token = csrf_token(text(client.get(step_url(draft, 3))))
    client.post(f"{step_url(draft, 3)}/autosave", data={"csrf_token": token, "q_products": "Kopi"})
    client.post(f"{step_url(draft, 3)}/autosave", data={"csrf_token": token, "q_price_range": "Rp 20.000"})
    assert reload(draft).answers == {"products": "Kopi", "price_range": "Rp 20.000"}


def test_autosave_needs_the_csrf_token_and_a_text_step(client, draft):
    assert client.post(f"{step_url(draft, 2)}/autosave", data={"business_name": "X"}).status_code == 400
    token = csrf_token(text(client.get(step_url(draft, 4))))
    assert client.post(f"{step_url(draft, 4)}/autosave", data={"csrf_token": token}).status_code == 404
    assert reload(draft).business_name == ""


def test_question_limits_of_the_call_are_enforced(client, draft):
    response = submit(client, step_url(draft, 3), {**ANSWERS, "q_price_range": "x" * 101, "action": "next"})
    assert field_error(text(response), "q_price_range") == "Field cannot be longer than 100 characters."
    assert reload(draft).answers == {"products": "Kopi bubuk, cold brew"}


def test_questions_are_shown_in_the_viewers_language(client, login, open_window):
    application = ApplicationFactory(applicant=UserFactory(locale="id"))
    login(application.applicant)
    page = text(client.get(step_url(application, 3)))
    assert "Produk yang akan dijual" in page and "Products you will sell" not in page


def test_a_draft_survives_logout_and_continues_on_a_second_device(app, client, login, draft):
    submit(client, step_url(draft, 1), {**ABOUT_YOU, "action": "next"})
    submit(client, step_url(draft, 2), {"business_name": "Kopi Kita", "description": "Kopi Bali", "action": "save"})
    submit(client, "/logout", {}, page="/applicant")
    assert "/login" in client.get(step_url(draft, 2)).headers["Location"]

    phone = app.test_client()
    login(draft.applicant, on=phone)
    home = text(phone.get("/applicant"))
    assert "Continue at step 2: Your business" in home
    page = text(phone.get(step_url(draft, 2)))
    assert 'value="Kopi Kita"' in page and "Kopi Bali" in page
    response = submit(phone, step_url(draft, 2), {**BUSINESS, "action": "next"})
    assert response.headers["Location"] == step_url(draft, 3)
    assert (reload(draft).team_size, draft.district) == (3, "denpasar_timur")


def test_an_incomplete_draft_is_sent_to_the_first_incomplete_step(client, login, open_window):
    application = ApplicationFactory(business_name="", answers={}, applicant=UserFactory(locale="en"))
    login(application.applicant)
    review = text(client.get(step_url(application, 5)))
    assert "Still missing before you can submit:" in review
    response = submit(client, step_url(application, 5), {"consent": "y", "action": "submit"})
    assert response.headers["Location"] == f"{step_url(application, 2)}?check=1"
    page = text(client.get(response.headers["Location"]))
    assert "Some answers are missing." in page
    assert field_error(page, "business_name") == "This field is required."
    assert field_error(page, "description") is None
    assert_valid(page, "step 2 in check mode")
    assert reload(application).status == S.DRAFT


def test_a_required_pdf_is_asked_for_in_the_files_step(client, login, open_window):
    application = ApplicationFactory(call=CallFactory(kind="pitching"), answers={"pitch_summary": "Kopi"},
                                     applicant=UserFactory(locale="en"))
    login(application.applicant)
    response = submit(client, step_url(application, 5), {"consent": "y", "action": "submit"})
    assert response.headers["Location"] == f"{step_url(application, 4)}?check=1"
    assert field_error(text(client.get(response.headers["Location"])), "pdf_deck") == "Please upload this document."


def test_consent_is_required(client, login, open_window, outbox):
    application = ApplicationFactory(applicant=UserFactory(locale="en"))
    login(application.applicant)
    response = submit(client, step_url(application, 5), {"action": "submit"})
    assert field_error(text(response), "consent") == "Please agree to the processing of your personal data."
    assert_valid(text(response), "step 5 with errors")
    assert reload(application).status == S.DRAFT
    assert outbox.messages() == []


def test_step_numbers_outside_one_to_five_are_not_found(client, draft):
    assert client.get(step_url(draft, 0)).status_code == 404
    assert client.get(step_url(draft, 6)).status_code == 404
