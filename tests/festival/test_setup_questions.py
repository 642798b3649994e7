"""A call's own questions and review rubric: add, edit, delete, reorder; guarded once applications are submitted."""

import pytest

from app.extensions import db
from app.festival.models.call import QuestionKind
from app.festival.vocab import CallKind
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, CallFactory
from tests.helpers import field_error, submit, text

QUESTION = {"key": "instagram_followers", "kind": "number", "label_ind": "Jumlah pengikut Instagram",
            "label_en": "Instagram followers", "help_ind": "", "help_en": "Roughly.", "max_length": ""}
CRITERION = {"name_ind": "Presentasi", "name_en": "Presentation", "guidance_ind": "", "guidance_en": "Clear and short.",
             "weight": "2"}


@pytest.fixture
def staff(login, user_factory):
    user = user_factory(staff=True, locale="en")  # the assertions read English
    login(user)
    return user


@pytest.fixture
def call():
    return CallFactory(kind=CallKind.BAZAAR)  # questions: products, price_range, needs_power; 4 criteria


def keys(call) -> list[str]:
    db.session.expire_all()
    return [q.key for q in call.questions]


def criteria(call) -> list[str]:
    db.session.expire_all()
    return [c.name_en for c in call.criteria]


def press(client, url: str, call, **data):
    """Press a button of the call page (the page gives the CSRF token) and follow the redirect."""
    response = submit(client, url, data, page=f"/staff/calls/{call.id}")
    assert response.status_code == 302
    assert f"/staff/calls/{call.id}" in response.headers["Location"]
    return text(client.get(response.headers["Location"]))


def test_question_is_added_at_the_end(client, staff, call):
    page = text(client.get(f"/staff/calls/{call.id}/questions/new"))
    assert_valid(page, "new question")
    response = submit(client, f"/staff/calls/{call.id}/questions/new", {**QUESTION, "required": "y"})
    assert response.status_code == 302
    assert keys(call) == ["products", "price_range", "needs_power", "instagram_followers"]
    question = call.questions[-1]
    assert (question.kind, question.position, question.required, question.max_length) == (
        QuestionKind.NUMBER, 3, True, 0)
    assert (question.label_en, question.help_en, question.help_ind) == ("Instagram followers", "Roughly.", "")


def test_text_question_keeps_its_longest_answer(client, staff, call):
    submit(client, f"/staff/calls/{call.id}/questions/new", {**QUESTION, "kind": "long_text", "max_length": "500"})
    assert call.questions[-1].max_length == 500 and not call.questions[-1].required


QUESTION_ERRORS = [
    ("key", {"key": "Instagram followers"}),
    ("key", {"key": "1st"}),
    ("key", {"key": "products"}),  # already used in this call
    ("key", {"key": ""}),
    ("kind", {"kind": "video"}),
    ("label_ind", {"label_ind": ""}),
    ("max_length", {"kind": "short_text", "max_length": ""}),
    ("max_length", {"kind": "short_text", "max_length": "0"}),
    ("max_length", {"kind": "long_text", "max_length": "20000"}),
]


@pytest.mark.parametrize(("field", "change"), QUESTION_ERRORS,
                         ids=[f"{f}-{i}" for i, (f, _) in enumerate(QUESTION_ERRORS)])
def test_bad_question_input_is_shown_on_its_field(client, staff, call, field, change):
    response = submit(client, f"/staff/calls/{call.id}/questions/new", {**QUESTION, **change})
    assert response.status_code == 200 and field_error(text(response), field)
    assert_valid(text(response), f"question with a bad {field}")
    assert keys(call) == ["products", "price_range", "needs_power"]


def test_question_is_edited(client, staff, call):
    question = call.questions[1]
    page = text(client.get(f"/staff/questions/{question.id}/edit"))
    assert_valid(page, "edit question")
    assert 'value="price_range"' in page
    data = {**QUESTION, "key": "prices", "kind": "short_text", "max_length": "80", "label_ind": "Harga"}
    assert submit(client, f"/staff/questions/{question.id}/edit", data).status_code == 302
    db.session.refresh(question)
    assert (question.key, question.kind, question.max_length, question.label_ind, question.position) == (
        "prices", QuestionKind.SHORT_TEXT, 80, "Harga", 1)
    # Another question's key is refused.
    response = submit(client, f"/staff/questions/{question.id}/edit", {**data, "key": "products"})
    assert field_error(text(response), "key")


def test_questions_move_up_and_down(client, staff, call):
    first, _, third = call.questions
    press(client, f"/staff/questions/{third.id}/move", call, direction="up")
    assert keys(call) == ["products", "needs_power", "price_range"]
    press(client, f"/staff/questions/{first.id}/move", call, direction="down")
    assert keys(call) == ["needs_power", "products", "price_range"]
    press(client, f"/staff/questions/{third.id}/move", call, direction="up")  # already at the top: no change
    assert keys(call) == ["needs_power", "products", "price_range"]
    assert [q.position for q in call.questions] == [0, 1, 2]


def test_question_is_deleted_and_the_rest_renumbered(client, staff, call):
    page = press(client, f"/staff/questions/{call.questions[0].id}/delete", call)
    assert 'class="flash flash-success"' in page
    assert keys(call) == ["price_range", "needs_power"]
    assert [q.position for q in call.questions] == [0, 1]


def test_criterion_is_added_edited_moved_and_deleted(client, staff, call):
    page = text(client.get(f"/staff/calls/{call.id}/criteria/new"))
    assert_valid(page, "new criterion")
    assert "1" in page and "5" in page
    assert submit(client, f"/staff/calls/{call.id}/criteria/new", CRITERION).status_code == 302
    assert criteria(call)[-1] == "Presentation"
    added = call.criteria[-1]
    assert (added.weight, added.position, added.guidance_en) == (2, 4, "Clear and short.")

    assert_valid(text(client.get(f"/staff/criteria/{added.id}/edit")), "edit criterion")
    assert submit(client, f"/staff/criteria/{added.id}/edit", {**CRITERION, "weight": "7",
                                                                "name_en": "Pitch"}).status_code == 302
    db.session.refresh(added)
    assert (added.weight, added.name_en) == (7, "Pitch")

    press(client, f"/staff/criteria/{added.id}/move", call, direction="up")
    assert criteria(call) == ["Product quality", "Creativity and originality", "Business readiness", "Pitch",
                              "Local Balinese character"]
    press(client, f"/staff/criteria/{call.criteria[0].id}/delete", call)
    assert criteria(call) == ["Creativity and originality", "Business readiness", "Pitch",
                              "Local Balinese character"]
    assert [c.position for c in call.criteria] == [0, 1, 2, 3]


@pytest.mark.parametrize(("field", "change"), [("weight", {"weight": "0"}), ("weight", {"weight": "11"}),
                                               ("weight", {"weight": ""}), ("name_ind", {"name_ind": ""})])
def test_bad_criterion_input_is_shown_on_its_field(client, staff, call, field, change):
    response = submit(client, f"/staff/calls/{call.id}/criteria/new", {**CRITERION, **change})
    assert response.status_code == 200 and field_error(text(response), field)
    assert len(criteria(call)) == 4


def test_the_last_criterion_cannot_be_deleted(client, staff, call):
    for criterion in call.criteria[1:]:
        press(client, f"/staff/criteria/{criterion.id}/delete", call)
    page = press(client, f"/staff/criteria/{call.criteria[0].id}/delete", call)
    assert 'class="flash flash-error"' in page
    assert criteria(call) == ["Product quality"]


def test_submitted_applications_freeze_keys_kinds_and_deletions(client, staff, call):
    ApplicationFactory(call=call, submitted=True)
    page = text(client.get(f"/staff/calls/{call.id}"))
    assert_valid(page, "locked call page")
    assert 'id="locked-note"' in page and "/delete" not in page
    question, criterion = call.questions[0], call.criteria[0]

    page = press(client, f"/staff/questions/{question.id}/delete", call)
    assert 'class="flash flash-error"' in page and "submitted applications" in page
    page = press(client, f"/staff/criteria/{criterion.id}/delete", call)
    assert 'class="flash flash-error"' in page
    assert len(keys(call)) == 3 and len(criteria(call)) == 4

    edit = text(client.get(f"/staff/questions/{question.id}/edit"))
    assert "submitted applications" in edit
    data = {"key": "products", "kind": "long_text", "label_ind": "Produk", "label_en": "Products", "help_ind": "",
            "help_en": "", "required": "y", "max_length": "1000"}
    response = submit(client, f"/staff/questions/{question.id}/edit", {**data, "key": "goods"})
    assert field_error(text(response), "key")
    response = submit(client, f"/staff/questions/{question.id}/edit", {**data, "kind": "short_text"})
    assert field_error(text(response), "kind")
    db.session.refresh(question)
    assert (question.key, question.kind, question.label_ind) == ("products", QuestionKind.LONG_TEXT,
                                                                "Produk yang akan dijual")

    # Wording, weights and order can still change.
    assert submit(client, f"/staff/questions/{question.id}/edit", data).status_code == 302
    assert submit(client, f"/staff/criteria/{criterion.id}/edit", {**CRITERION, "weight": "5"}).status_code == 302
    press(client, f"/staff/questions/{question.id}/move", call, direction="down")
    db.session.expire_all()
    assert (question.label_ind, criterion.weight, question.position) == ("Produk", 5, 1)


def test_a_draft_does_not_freeze_the_questions(client, staff, call):
    ApplicationFactory(call=call)
    press(client, f"/staff/questions/{call.questions[0].id}/delete", call)
    assert keys(call) == ["price_range", "needs_power"]
