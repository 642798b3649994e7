"""Only staff set up editions and calls: others get 403, visitors go to login, unknown ids are 404."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.festival.models import CallQuestion
from tests.factories import CallFactory
from tests.helpers import csrf_token, text


def get_pages(call) -> list[str]:
    edition_id, question, criterion = call.edition_id, call.questions[0], call.criteria[0]
    return ["/staff/editions", "/staff/editions/new", f"/staff/editions/{edition_id}",
            f"/staff/editions/{edition_id}/edit", f"/staff/editions/{edition_id}/calls/new", f"/staff/calls/{call.id}",
            f"/staff/calls/{call.id}/edit", f"/staff/calls/{call.id}/questions/new",
            f"/staff/questions/{question.id}/edit", f"/staff/calls/{call.id}/criteria/new",
            f"/staff/criteria/{criterion.id}/edit"]


def post_pages(call) -> list[str]:
    question, criterion = call.questions[0], call.criteria[0]
    return ["/staff/editions/new", f"/staff/calls/{call.id}/edit", f"/staff/questions/{question.id}/delete",
            f"/staff/questions/{question.id}/move", f"/staff/criteria/{criterion.id}/delete",
            f"/staff/criteria/{criterion.id}/move", f"/staff/calls/{call.id}/questions/new"]


@pytest.mark.parametrize("traits", [{}, {"reviewer": True}, {"mentor": True}], ids=["applicant", "reviewer", "mentor"])
def test_other_roles_are_refused(client, login, user_factory, traits):
    call = CallFactory()
    login(user_factory(**traits))
    for page in get_pages(call):
        assert client.get(page).status_code == 403, page
    token = csrf_token(text(client.get("/account")))
    for page in post_pages(call):
        assert client.post(page, data={"csrf_token": token, "direction": "up"}).status_code == 403, page
    assert db.session.scalar(select(func.count(CallQuestion.id))) == 3


def test_visitors_are_sent_to_login(client):
    call = CallFactory()
    for page in get_pages(call):
        response = client.get(page)
        assert response.status_code == 302 and "/login" in response.headers["Location"], page


def test_unknown_ids_are_not_found(client, login, user_factory):
    login(user_factory(staff=True))
    for page in ("/staff/editions/99", "/staff/editions/99/edit", "/staff/editions/99/calls/new", "/staff/calls/99",
                 "/staff/calls/99/edit", "/staff/calls/99/questions/new", "/staff/questions/99/edit",
                 "/staff/calls/99/criteria/new", "/staff/criteria/99/edit"):
        assert client.get(page).status_code == 404, page
    token = csrf_token(text(client.get("/staff/editions")))
    for page in ("/staff/questions/99/delete", "/staff/questions/99/move", "/staff/criteria/99/delete",
                 "/staff/criteria/99/move", "/staff/editions/99/edit", "/staff/calls/99/edit"):
        assert client.post(page, data={"csrf_token": token}).status_code == 404, page


def test_buttons_need_the_csrf_token(client, login, user_factory):
    call = CallFactory()
    login(user_factory(staff=True))
    question = call.questions[0]
    assert client.post(f"/staff/questions/{question.id}/delete").status_code == 400
    assert client.post(f"/staff/questions/{question.id}/move", data={"direction": "down"}).status_code == 400
    db.session.expire_all()
    assert [q.key for q in call.questions] == ["products", "price_range", "needs_power"]
