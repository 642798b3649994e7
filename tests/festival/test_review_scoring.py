"""Reviewers score each rubric criterion; the application keeps the mean and spread of the reviewers' scores."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.festival.models import Application, ReviewAssignment, ReviewScore
from app.festival.models.application import ApplicationStatus
from app.festival.models.review import AssignmentStatus
from app.festival.services import workflow
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, AssignmentFactory, CallFactory, UserFactory
from tests.helpers import csrf_token, field_error, path_of, submit, text


def _setup(reviewers: int = 1):
    """A bazaar call (weights 3, 2, 2, 1) with one application under review and its reviewers."""
    call = CallFactory()
    application = ApplicationFactory(call=call, submitted=True, status=ApplicationStatus.UNDER_REVIEW)
    assignments = [AssignmentFactory(application=application, reviewer=UserFactory(reviewer=True, locale="en"))
                   for _ in range(reviewers)]
    return call, application, assignments


def _score_data(call, values, comments=None, overall=""):
    data = {"comment": overall}
    for n, criterion in enumerate(call.criteria):
        data[f"score_{criterion.id}"] = str(values[n])
        data[f"comment_{criterion.id}"] = (comments or {}).get(n, "")
    return data


def _review(client, login, assignment, data):
    login(assignment.reviewer, on=client)
    return submit(client, f"/review/{assignment.id}", data)


def test_scores_are_stored_with_the_weighted_mean_and_the_application_aggregate(app, login):
    call, application, (first, second) = _setup(reviewers=2)
    assert [c.weight for c in call.criteria] == [3, 2, 2, 1]

    response = _review(app.test_client(), login, first,
                       _score_data(call, [5, 4, 3, 2], {0: "Rasa enak, kemasan rapi."}, overall="Layak."))
    assert response.status_code == 302 and path_of(response.headers["Location"]) == "/review"
    db.session.refresh(first)
    assert first.status == AssignmentStatus.SUBMITTED and first.submitted_at is not None
    assert first.weighted_score == pytest.approx((5 * 3 + 4 * 2 + 3 * 2 + 2 * 1) / 8)  # 3.875
    assert first.comment == "Layak."
    scores = {s.criterion_id: (s.value, s.comment) for s in db.session.scalars(
        select(ReviewScore).where(ReviewScore.assignment_id == first.id))}
    assert scores[call.criteria[0].id] == (5, "Rasa enak, kemasan rapi.") and len(scores) == 4
    db.session.refresh(application)
    assert (application.review_count, application.score_mean, application.score_spread) == (1, 3.875, 0.0)

    _review(app.test_client(), login, second, _score_data(call, [3, 3, 2, 1]))  # (9 + 6 + 4 + 1) / 8 = 2.5
    db.session.refresh(application)
    assert application.review_count == 2
    assert application.score_mean == pytest.approx((3.875 + 2.5) / 2, abs=1e-3)
    assert application.score_spread == pytest.approx(abs(3.875 - 2.5) / 2, abs=1e-3)  # population std dev


def test_a_missing_score_is_an_error_on_its_criterion(client, login):
    call, application, (assignment,) = _setup()
    data = _score_data(call, [4, 4, 4, 4])
    del data[f"score_{call.criteria[2].id}"]
    response = _review(client, login, assignment, data)
    assert response.status_code == 200
    html = text(response)
    assert field_error(html, f"score_{call.criteria[2].id}") == "Give a score from 1 to 5."
    assert field_error(html, f"score_{call.criteria[0].id}") is None
    assert 'checked' in html  # what was given is kept
    assert_valid(html, "score form with an error")
    assert db.session.get(ReviewAssignment, assignment.id).status == AssignmentStatus.ASSIGNED
    assert db.session.scalar(select(ReviewScore)) is None


@pytest.mark.parametrize("value", ["0", "6", "x"])
def test_scores_outside_one_to_five_are_refused(client, login, value):
    call, application, (assignment,) = _setup()
    data = _score_data(call, [4, 4, 4, 4])
    data[f"score_{call.criteria[1].id}"] = value
    response = _review(client, login, assignment, data)
    assert field_error(text(response), f"score_{call.criteria[1].id}")
    assert db.session.scalar(select(ReviewScore)) is None


def test_the_score_form_is_accessible_and_uses_the_viewers_language(client, login):
    call, application, (assignment,) = _setup()
    criterion = call.criteria[0]
    criterion.guidance_en, criterion.guidance_ind = "Taste, finish, packaging.", "Rasa, hasil akhir, kemasan."
    db.session.commit()
    login(assignment.reviewer)
    html = text(client.get(f"/review/{assignment.id}"))
    assert_valid(html, "/review/<id>")
    assert html.count("<fieldset") == 4 and html.count("<legend>") == 4
    assert "Product quality" in html and "Taste, finish, packaging." in html and "Rasa, hasil" not in html
    assert f'aria-describedby="score_{criterion.id}-help"' in html
    for value in "12345":
        assert re.search(rf'<input[^>]*id="score_{criterion.id}-{int(value) - 1}"[^>]*value="{value}"', html)

    assignment.reviewer.locale = "id"
    db.session.commit()
    html = text(client.get(f"/review/{assignment.id}"))
    assert "Kualitas produk" in html and "Rasa, hasil akhir, kemasan." in html


def test_a_reviewer_can_change_their_scores_until_the_application_is_decided(app, client, login):
    call, application, (assignment,) = _setup()
    _review(client, login, assignment, _score_data(call, [2, 2, 2, 2]))
    page = text(client.get(f"/review/{assignment.id}"))
    assert re.search(rf'<input[^>]*checked[^>]*name="score_{call.criteria[0].id}"[^>]*value="2"', page) or \
        re.search(rf'<input[^>]*name="score_{call.criteria[0].id}"[^>]*value="2"[^>]*checked', page)
    submit(client, f"/review/{assignment.id}", _score_data(call, [4, 4, 4, 4]))
    db.session.refresh(assignment)
    assert assignment.weighted_score == 4.0
    assert db.session.get(Application, application.id).score_mean == 4.0
    assert len(db.session.scalars(select(ReviewScore)).all()) == 4  # updated, not duplicated

    with app.test_request_context():  # the decision mail has links
        workflow.transition(application, ApplicationStatus.ACCEPTED, UserFactory(staff=True))
    db.session.commit()
    page = text(client.get(f"/review/{assignment.id}"))
    assert "can no longer change" in page and "<fieldset" not in page
    assert_valid(page, "decided application, read-only review")
    response = client.post(f"/review/{assignment.id}", data={"csrf_token": csrf_token(page),
                                                             **_score_data(call, [1, 1, 1, 1])})
    assert response.status_code == 200 and 'role="alert"' in text(response)
    db.session.refresh(assignment)
    assert assignment.weighted_score == 4.0


def test_a_conflict_after_scoring_takes_the_scores_out_of_the_aggregate(app, login):
    call, application, (first, second) = _setup(reviewers=2)
    _review(app.test_client(), login, first, _score_data(call, [5, 5, 5, 5]))
    _review(app.test_client(), login, second, _score_data(call, [1, 1, 1, 1]))
    assert db.session.get(Application, application.id).score_mean == 3.0

    reviewer = app.test_client()
    login(second.reviewer, on=reviewer)
    submit(reviewer, f"/review/{second.id}/conflict", {"reason": "I mentor this business."},
           page=f"/review/{second.id}")
    db.session.refresh(application)
    assert (application.review_count, application.score_mean) == (1, 5.0)
    assert db.session.scalar(select(ReviewScore).where(ReviewScore.assignment_id == second.id)) is None
