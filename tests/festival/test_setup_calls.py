"""Staff add calls to an edition; a new call starts with its kind's questions and rubric."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.festival.models import Call
from app.festival.vocab import CallKind
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, CallFactory, EditionFactory
from tests.helpers import field_error, submit, text

CALL = {"kind": "pitching", "name_ind": "Kompetisi Pitching", "name_en": "Pitching competition",
        "description_ind": "Sampaikan ide usaha Anda.", "description_en": "", "places": "10",
        "reviewers_per_application": "3", "blind_review": "y"}


@pytest.fixture
def staff(login, user_factory):
    user = user_factory(staff=True)
    login(user)
    return user


def calls_count() -> int:
    return db.session.scalar(select(func.count(Call.id)))


def test_creating_a_call_adds_the_kinds_questions_and_rubric(client, staff):
    edition = EditionFactory()
    response = submit(client, f"/staff/editions/{edition.id}/calls/new", CALL)
    assert response.status_code == 302
    call = db.session.scalar(select(Call))
    assert response.headers["Location"].endswith(f"/staff/calls/{call.id}")
    assert (call.kind, call.edition_id, call.places, call.reviewers_per_application) == (
        CallKind.PITCHING, edition.id, 10, 3)
    assert call.blind_review and not call.auto_promote_waitlist and call.description_en == ""
    assert [q.key for q in call.questions] == ["pitch_summary", "deck", "funding_need"]
    assert [q.position for q in call.questions] == [0, 1, 2]
    assert [c.name_en for c in call.criteria] == ["Problem and solution", "Market and business model", "Team",
                                                  "Social impact"]
    page = text(client.get(response.headers["Location"]))
    assert_valid(page, "call page")
    assert "Ringkasan pitch" in page and "Masalah dan solusi" in page and "1–5" in page


def test_calls_of_an_edition_are_numbered_in_order(client, staff):
    edition = EditionFactory()
    for kind in ("bazaar", "showcase"):
        submit(client, f"/staff/editions/{edition.id}/calls/new", {**CALL, "kind": kind, "places": ""})
    calls = db.session.scalars(select(Call).order_by(Call.id)).all()
    assert [(c.kind, c.position, c.places) for c in calls] == [(CallKind.BAZAAR, 0, None),
                                                                (CallKind.SHOWCASE, 1, None)]
    html = text(client.get(f"/staff/editions/{edition.id}"))
    assert html.count("Kompetisi Pitching") == 2


BAD_CALL = [
    ("kind", {"kind": "concert"}),
    ("name_ind", {"name_ind": "  "}),
    ("places", {"places": "0"}),
    ("places", {"places": "many"}),
    ("reviewers_per_application", {"reviewers_per_application": "0"}),
    ("reviewers_per_application", {"reviewers_per_application": "11"}),
    ("name_en", {"name_en": "x" * 121}),
]


@pytest.mark.parametrize(("field", "change"), BAD_CALL, ids=[f"{f}-{i}" for i, (f, _) in enumerate(BAD_CALL)])
def test_bad_call_input_is_shown_on_its_field(client, staff, field, change):
    edition = EditionFactory()
    response = submit(client, f"/staff/editions/{edition.id}/calls/new", {**CALL, **change})
    assert response.status_code == 200 and field_error(text(response), field)
    assert calls_count() == 0
    assert_valid(text(response), f"new call with a bad {field}")


def test_editing_a_call_keeps_its_questions(client, staff):
    call = CallFactory(kind=CallKind.BAZAAR)
    questions = [q.key for q in call.questions]
    page = text(client.get(f"/staff/calls/{call.id}/edit"))
    assert_valid(page, "edit call")
    assert 'value="Bazar UMKM Kreatif"' in page
    data = {**CALL, "kind": "bazaar", "places": "", "reviewers_per_application": "1", "auto_promote_waitlist": "y"}
    del data["blind_review"]
    assert submit(client, f"/staff/calls/{call.id}/edit", data).status_code == 302
    db.session.refresh(call)
    assert (call.name_ind, call.places, call.reviewers_per_application) == ("Kompetisi Pitching", None, 1)
    assert call.auto_promote_waitlist and not call.blind_review
    assert [q.key for q in call.questions] == questions


def test_kind_cannot_change_once_people_applied(client, staff):
    call = CallFactory(kind=CallKind.BAZAAR)
    data = {**CALL, "kind": "showcase"}
    assert submit(client, f"/staff/calls/{call.id}/edit", data).status_code == 302  # nobody applied yet
    db.session.refresh(call)
    assert call.kind == CallKind.SHOWCASE
    ApplicationFactory(call=call)
    response = submit(client, f"/staff/calls/{call.id}/edit", {**data, "kind": "pitching", "name_ind": "Baru"})
    assert field_error(text(response), "kind")
    db.session.refresh(call)
    assert (call.kind, call.name_ind) == (CallKind.SHOWCASE, "Kompetisi Pitching")
