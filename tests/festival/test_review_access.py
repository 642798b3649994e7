"""A reviewer sees only what is assigned to them, and nothing on which they declared a conflict."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.festival.models import ApplicationFile, ReviewAssignment
from app.festival.models.application import ApplicationStatus, FileKind
from app.festival.models.review import AssignmentStatus
from app.festival.services.access import can_view_application
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, AssignmentFactory, CallFactory, UserFactory
from tests.helpers import field_error, path_of, submit, text


def _reviewer(**kwargs):
    return UserFactory(reviewer=True, locale="en", **kwargs)


def test_reviewer_list_shows_only_their_own_assignments_grouped(client, login):
    me = _reviewer()
    todo = AssignmentFactory(reviewer=me)
    done = AssignmentFactory(reviewer=me, status=AssignmentStatus.SUBMITTED, weighted_score=3.5)
    hidden = AssignmentFactory(reviewer=me, status=AssignmentStatus.CONFLICT, conflict_reason="neighbour")
    someone_elses = AssignmentFactory()
    login(me)
    html = text(client.get("/review"))
    assert_valid(html, "/review")
    assert f"/review/{todo.id}" in html and f"/review/{done.id}" in html
    assert f"/review/{hidden.id}" not in html and hidden.application.reference not in html
    assert f"/review/{someone_elses.id}" not in html and someone_elses.application.reference not in html
    assert "You have reviewed 1 of 2 applications." in html
    assert html.index(todo.application.reference) < html.index("Done (1)") < html.index(done.application.reference)
    assert todo.application.call.name_en in html

    home = text(client.get("/reviewer"))
    assert_valid(home, "/reviewer")
    assert f"/review/{todo.id}" in home


def test_reviewer_opening_an_assignment_not_theirs_gets_404(client, login):
    mine = AssignmentFactory(reviewer=_reviewer())
    other = AssignmentFactory()
    login(mine.reviewer)
    assert client.get(f"/review/{mine.id}").status_code == 200
    assert client.get(f"/review/{other.id}").status_code == 404
    assert client.get("/review/999999").status_code == 404
    for url in (f"/review/{other.id}", f"/review/{other.id}/conflict"):
        response = submit(client, url, {"reason": "x", f"score_{other.application.call.criteria[0].id}": "5"},
                          page="/review")
        assert response.status_code == 404
    assert db.session.get(ReviewAssignment, other.id).status == AssignmentStatus.ASSIGNED


def test_reviewer_cannot_open_the_application_or_its_files_unless_assigned(client, login):
    application = ApplicationFactory(submitted=True)
    photo = ApplicationFile(application=application, kind=FileKind.PHOTO, original_name="produk.jpg",
                            storage_key="not-on-disk", content_type="image/jpeg", size_bytes=10, sha256="0" * 64)
    db.session.add(photo)
    db.session.commit()
    login(_reviewer())
    assert client.get(f"/applications/{application.id}").status_code == 404
    assert client.get(f"/files/{photo.id}").status_code == 404


@pytest.mark.parametrize("role", [{}, {"staff": True}, {"mentor": True}])
def test_review_pages_are_for_reviewers_only(client, login, role):
    assignment = AssignmentFactory()
    login(UserFactory(**role))
    assert client.get("/review").status_code == 403
    assert client.get(f"/review/{assignment.id}").status_code == 403


def test_declaring_a_conflict_hides_the_application_and_reassigns_it(app, client, login):
    call = CallFactory(reviewers_per_application=2)
    application = ApplicationFactory(call=call, submitted=True, status=ApplicationStatus.UNDER_REVIEW)
    me, colleague, busy, spare = _reviewer(), _reviewer(), _reviewer(), _reviewer()
    mine = AssignmentFactory(application=application, reviewer=me)
    AssignmentFactory(application=application, reviewer=colleague)
    AssignmentFactory(application=ApplicationFactory(call=call, submitted=True), reviewer=busy)  # busy has load 1
    login(me)
    response = submit(client, f"/review/{mine.id}/conflict", {"reason": "She is my cousin."},
                      page=f"/review/{mine.id}")
    assert response.status_code == 302 and path_of(response.headers["Location"]) == "/review"

    db.session.refresh(mine)
    assert (mine.status, mine.conflict_reason) == (AssignmentStatus.CONFLICT, "She is my cousin.")
    assert client.get(f"/review/{mine.id}").status_code == 404
    assert application.reference not in text(client.get("/review"))
    assert not can_view_application(me, application)
    assert client.get(f"/applications/{application.id}").status_code == 404
    replacement = db.session.scalar(select(ReviewAssignment).where(
        ReviewAssignment.application_id == application.id, ReviewAssignment.status == AssignmentStatus.ASSIGNED,
        ReviewAssignment.reviewer_id.not_in([colleague.id])))
    assert replacement.reviewer_id == spare.id  # the least loaded, never the colleague already on it
    assert replacement.assigned_by_id is None

    staff_client = app.test_client()
    login(UserFactory(staff=True, locale="en"), on=staff_client)
    panel = text(staff_client.get(f"/staff/applications/{application.id}"))
    assert "Conflict of interest declared: She is my cousin." in panel
    assert "automatically, replacing a reviewer who declared a conflict" in panel
    assert f'<option value="{me.id}">' not in panel


def test_conflict_without_eligible_reviewer_leaves_the_slot_open(client, login):
    application = ApplicationFactory(submitted=True, status=ApplicationStatus.UNDER_REVIEW)
    mine = AssignmentFactory(application=application, reviewer=_reviewer())
    login(mine.reviewer)
    submit(client, f"/review/{mine.id}/conflict", {"reason": "Business partner"}, page=f"/review/{mine.id}")
    assignments = db.session.scalars(select(ReviewAssignment)).all()
    assert [(a.id, a.status) for a in assignments] == [(mine.id, AssignmentStatus.CONFLICT)]


def test_a_conflict_needs_a_reason(client, login):
    mine = AssignmentFactory(reviewer=_reviewer())
    login(mine.reviewer)
    response = submit(client, f"/review/{mine.id}/conflict", {"reason": "  "}, page=f"/review/{mine.id}")
    assert response.status_code == 200
    assert field_error(text(response), "reason") == "Say briefly why, for the programme team."
    assert_valid(text(response), "conflict form with an error")
    assert db.session.get(ReviewAssignment, mine.id).status == AssignmentStatus.ASSIGNED
