"""Staff write each call's public page (both languages, the expected decision date) and each criterion's anchors."""

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.festival.models import Call
from tests.core.test_html import assert_valid
from tests.factories import CallFactory, EditionFactory
from tests.festival.test_setup_calls import CALL
from tests.helpers import field_error, submit, text

PAGE = {"intro_ind": "Bazar kreatif di Lapangan Puputan.", "intro_en": "A creative bazaar on Puputan Square.",
        "eligibility_ind": "Usaha muda di Denpasar.", "eligibility_en": "", "fee_note_ind": "Sewa stan Rp 350.000.",
        "fee_note_en": "Stall rent Rp 350,000.", "next_steps_ind": "Kami kabari lewat e-mail.",
        "next_steps_en": "We e-mail you.", "decision_expected_on": "2027-06-20"}


@pytest.fixture
def staff(login, user_factory):
    user = user_factory(staff=True, locale="en")
    login(user)
    return user


def test_staff_write_the_calls_page_when_creating_and_editing(client, staff):
    edition = EditionFactory()
    form = text(client.get(f"/staff/editions/{edition.id}/calls/new"))
    assert_valid(form, "new call form")
    for name in PAGE:
        assert f'name="{name}"' in form and f'<label for="{name}"' in form
    response = submit(client, f"/staff/editions/{edition.id}/calls/new", {**CALL, **PAGE})
    assert response.status_code == 302
    call = db.session.scalar(select(Call))
    assert (call.intro_ind, call.intro_en, call.eligibility_en) == (PAGE["intro_ind"], PAGE["intro_en"], "")
    assert (call.fee_note_ind, call.next_steps_en) == (PAGE["fee_note_ind"], PAGE["next_steps_en"])
    assert call.decision_expected_on == date(2027, 6, 20)
    assert call.page_text("eligibility", "en") == "Usaha muda di Denpasar."  # not written in English: Indonesian
    setup = text(client.get(f"/staff/calls/{call.id}"))
    assert f'href="/festival/calls/{call.id}"' in setup  # staff can preview what applicants read

    edited = submit(client, f"/staff/calls/{call.id}/edit", {**CALL, **PAGE, "intro_en": "  Changed.  ",
                                                              "decision_expected_on": ""})
    assert edited.status_code == 302
    db.session.refresh(call)
    assert call.intro_en == "Changed." and call.decision_expected_on is None


def test_a_bad_decision_date_shows_on_its_field(client, staff):
    call = CallFactory()
    response = submit(client, f"/staff/calls/{call.id}/edit", {**CALL, "decision_expected_on": "20 Juni"})
    assert response.status_code == 200
    assert field_error(text(response), "decision_expected_on") == "Enter a date, such as 2027-08-14."


def test_staff_write_the_anchors_of_a_criterion(client, staff):
    call = CallFactory()
    criterion = call.criteria[0]
    url = f"/staff/criteria/{criterion.id}/edit"
    form = text(client.get(url))
    assert_valid(form, "criterion form")
    assert 'name="anchor_low_ind"' in form and 'name="anchor_high_en"' in form
    data = {"name_ind": criterion.name_ind, "name_en": criterion.name_en, "guidance_ind": "", "guidance_en": "",
            "weight": "3", "anchor_low_ind": " Belum ada produk. ", "anchor_low_en": "No product yet.",
            "anchor_high_ind": "Laris.", "anchor_high_en": ""}
    assert submit(client, url, data).status_code == 302
    db.session.refresh(criterion)
    assert (criterion.anchor_low_ind, criterion.anchor_low_en) == ("Belum ada produk.", "No product yet.")
    assert criterion.anchor_high("en") == "Laris."  # falls back to Indonesian
    too_long = submit(client, url, {**data, "anchor_high_ind": "x" * 201})
    assert too_long.status_code == 200 and field_error(text(too_long), "anchor_high_ind")
