"""Staff assign reviewers: by hand on the application page, or evenly for a whole call."""

import random
import threading
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, insert, select

from app.accounts.models import User, UserRole
from app.core.permissions import Role
from app.extensions import db
from app.festival.models import Application, ApplicationEvent, Call, ReviewAssignment
from app.festival.models.application import ApplicationStatus
from app.festival.models.review import AssignmentStatus
from app.festival.services import assignment as assigning
from app.festival.services.access import can_view_application
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, AssignmentFactory, CallFactory, UserFactory
from tests.helpers import path_of, submit, text


def _staff() -> User:  # in English, so that tests can read the messages
    return UserFactory(staff=True, locale="en")


def _reviewers(n: int) -> list[User]:
    return [UserFactory(reviewer=True) for _ in range(n)]


def _applications(call, n: int, **kwargs) -> list[Application]:
    return [ApplicationFactory(call=call, submitted=True, **kwargs) for _ in range(n)]


def _assignments(call) -> list[ReviewAssignment]:
    return list(db.session.scalars(
        select(ReviewAssignment).join(Application).where(Application.call_id == call.id).order_by(ReviewAssignment.id)
    ))


def _follow(client, response):
    """The page a POST redirected to (the test client runs each request in its own context)."""
    assert response.status_code == 302, response.status_code
    return client.get(path_of(response.headers["Location"]))


def _distribute(client, call):
    return _follow(client, submit(client, f"/staff/calls/{call.id}/distribute", {},
                                  page=f"/staff/calls/{call.id}/reviewers"))


def _active_by_application(call) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {}
    for a in _assignments(call):
        if a.status != AssignmentStatus.CONFLICT:
            result.setdefault(a.application_id, []).append(a.reviewer_id)
    return result


def test_distribute_gives_every_application_n_reviewers_with_even_loads(client, login):
    call = CallFactory(reviewers_per_application=2)
    applications = _applications(call, 7)
    reviewers = _reviewers(4)
    login(_staff())

    page = client.get(f"/staff/calls/{call.id}/reviewers")
    assert_valid(text(page), "call reviewers")
    assert 'id="lacking">7<' in text(page)

    response = _distribute(client, call)
    assert "14 assignments made." in text(response)
    assert 'id="lacking">0<' in text(response)
    by_application = _active_by_application(call)
    assert set(by_application) == {a.id for a in applications}
    for reviewer_ids in by_application.values():
        assert len(reviewer_ids) == 2 and len(set(reviewer_ids)) == 2
    loads = Counter(a.reviewer_id for a in _assignments(call))
    assert set(loads) == {r.id for r in reviewers}
    assert max(loads.values()) - min(loads.values()) <= 1
    for application in applications:  # the first reviewer starts the review, through the state machine
        db.session.refresh(application)
        assert application.status == ApplicationStatus.UNDER_REVIEW
        assert application.events[-1].to_status == ApplicationStatus.UNDER_REVIEW


def test_distribution_is_deterministic_lowest_load_then_lowest_id(client, login):
    call = CallFactory(reviewers_per_application=1)
    first, second = _applications(call, 2)
    r1, r2, r3 = _reviewers(3)
    AssignmentFactory(application=ApplicationFactory(call=call, submitted=True), reviewer=r1)  # r1 is busier
    login(_staff())
    _distribute(client, call)
    chosen = {a.application_id: a.reviewer_id for a in _assignments(call)}
    assert chosen[first.id] == r2.id and chosen[second.id] == r3.id


def test_a_reviewer_in_conflict_is_never_assigned_again(client, login):
    call = CallFactory(reviewers_per_application=2)
    application = ApplicationFactory(call=call, submitted=True)
    conflicted, other, third = _reviewers(3)
    AssignmentFactory(application=application, reviewer=conflicted, status=AssignmentStatus.CONFLICT,
                      conflict_reason="my cousin")
    login(_staff())
    _distribute(client, call)
    assert sorted(_active_by_application(call)[application.id]) == sorted([other.id, third.id])
    _distribute(client, call)  # and not on a second run either
    assert db.session.scalar(select(ReviewAssignment).where(
        ReviewAssignment.reviewer_id == conflicted.id)).status == AssignmentStatus.CONFLICT
    assert len(_assignments(call)) == 3


def test_rerunning_distribute_only_tops_up(client, login):
    call = CallFactory(reviewers_per_application=2)
    _applications(call, 3)
    _reviewers(3)
    login(_staff())
    _distribute(client, call)
    before = {(a.id, a.application_id, a.reviewer_id) for a in _assignments(call)}
    assert len(before) == 6

    again = _distribute(client, call)
    assert "0 assignments made." in text(again)
    assert {(a.id, a.application_id, a.reviewer_id) for a in _assignments(call)} == before

    late = ApplicationFactory(call=call, submitted=True)
    removed = _assignments(call)[0]
    db.session.delete(removed)
    db.session.commit()
    _distribute(client, call)
    after = {(a.id, a.application_id, a.reviewer_id) for a in _assignments(call)}
    assert before - {(removed.id, removed.application_id, removed.reviewer_id)} <= after
    assert len(after) == 8
    assert len(_active_by_application(call)[late.id]) == 2


def test_distribute_says_how_many_applications_it_could_not_fill(client, login):
    call = CallFactory(reviewers_per_application=3)
    _applications(call, 2)
    _reviewers(2)
    login(_staff())
    response = _distribute(client, call)
    assert "4 assignments made." in text(response)
    assert "2 applications still lack reviewers" in text(response)
    assert len(_assignments(call)) == 4


def test_distribute_skips_drafts_decided_applications_inactive_reviewers_and_the_applicant(client, login):
    call = CallFactory(reviewers_per_application=2)
    draft = ApplicationFactory(call=call)
    withdrawn = ApplicationFactory(call=call, submitted=True, status=ApplicationStatus.WITHDRAWN)
    accepted = ApplicationFactory(call=call, submitted=True, status=ApplicationStatus.ACCEPTED)
    reviewer_applicant, active = _reviewers(2)
    UserFactory(reviewer=True, active=False)
    own = ApplicationFactory(call=call, submitted=True, applicant=reviewer_applicant)
    login(_staff())
    _distribute(client, call)
    by_application = _active_by_application(call)
    assert set(by_application) == {own.id}
    assert by_application[own.id] == [active.id]
    assert not {draft.id, withdrawn.id, accepted.id} & set(by_application)


def test_distribute_reads_the_state_in_a_constant_number_of_queries(app):
    staff = UserFactory(staff=True)
    _reviewers(5)

    def selects_for(n_applications: int) -> int:
        call = CallFactory(reviewers_per_application=2)
        for application in _applications(call, n_applications):  # already under review: no transitions
            application.status = ApplicationStatus.UNDER_REVIEW
        db.session.commit()
        statements: list[str] = []

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assigning.distribute(call, staff)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        db.session.commit()
        return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT"))

    assert selects_for(3) == selects_for(30)


def test_distribution_invariants_on_random_calls(app):
    rng = random.Random(20270814)
    staff = UserFactory(staff=True)
    reviewers = _reviewers(6)
    for _round in range(4):
        call = CallFactory(reviewers_per_application=rng.randint(1, 4))
        applications = _applications(call, rng.randint(3, 12))
        conflicts = set()
        for application in applications:
            if rng.random() < 0.3:
                reviewer = rng.choice(reviewers)
                AssignmentFactory(application=application, reviewer=reviewer, status=AssignmentStatus.CONFLICT)
                conflicts.add((application.id, reviewer.id))
        result = assigning.distribute(call, staff)
        db.session.commit()
        by_application = _active_by_application(call)
        unfilled = 0
        for application in applications:
            chosen = by_application.get(application.id, [])
            eligible = len(reviewers) - sum(1 for (a, _r) in conflicts if a == application.id)
            assert len(chosen) == len(set(chosen)) == min(call.reviewers_per_application, eligible)
            assert not {(application.id, r) for r in chosen} & conflicts
            unfilled += len(chosen) < call.reviewers_per_application
        assert result.unfilled == unfilled
        if not conflicts:
            loads = Counter(r for chosen in by_application.values() for r in chosen)
            assert max(loads.values()) - min(loads.get(r.id, 0) for r in reviewers) <= 1


def test_distribute_at_scale_fills_every_application_with_even_loads(app):
    """Correctness at scale; the time for 10,000 applications is measured by `make bench`."""
    call = CallFactory(reviewers_per_application=2)
    staff = UserFactory(staff=True)
    db.session.execute(insert(User), [
        {"email": f"jury{i}@example.org", "name": f"Jury {i}", "password_hash": "x"} for i in range(30)
    ])
    db.session.execute(insert(User), [
        {"email": f"muda{i}@example.org", "name": f"Muda {i}", "password_hash": "x"} for i in range(2_000)
    ])
    jury = db.session.scalars(select(User.id).where(User.email.like("jury%"))).all()
    applicants = db.session.scalars(select(User.id).where(User.email.like("muda%"))).all()
    db.session.execute(insert(UserRole), [{"user_id": user_id, "role": Role.REVIEWER} for user_id in jury]
                       + [{"user_id": user_id, "role": Role.APPLICANT} for user_id in applicants])
    now = datetime.now(UTC)
    db.session.execute(insert(Application), [
        {"call_id": call.id, "applicant_id": user_id, "status": ApplicationStatus.SUBMITTED, "submitted_at": now,
         "reference": f"DYF27-{n:05d}"}
        for n, user_id in enumerate(applicants)
    ])
    db.session.commit()

    result = assigning.distribute(call, staff)
    db.session.commit()

    assert (result.assigned, result.unfilled, result.applications) == (4_000, 0, 2_000)
    loads = Counter(db.session.scalars(select(ReviewAssignment.reviewer_id)))
    assert len(loads) == 30 and max(loads.values()) - min(loads.values()) <= 1
    assert db.session.scalar(select(ApplicationEvent.id).limit(1)) is not None
    assert db.session.scalar(select(func.count()).select_from(Application)
                             .where(Application.status == ApplicationStatus.UNDER_REVIEW)) == 2_000


@pytest.mark.postgres
def test_two_staff_distributing_at_once_do_not_overfill(app):
    call = CallFactory(reviewers_per_application=2)
    applications = _applications(call, 20)
    _reviewers(5)
    call_id, staff_ids = call.id, [_staff().id, _staff().id]
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def run(staff_id: int) -> None:
        with app.app_context():
            try:
                staff, target = db.session.get(User, staff_id), db.session.get(Call, call_id)
                barrier.wait()
                assigning.distribute(target, staff)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(staff_id,)) for staff_id in staff_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    by_application = _active_by_application(call)
    assert all(len(by_application[a.id]) == 2 for a in applications)
    assert len(_assignments(call)) == 40


# By hand

def _panel_page(application) -> str:
    return f"/staff/applications/{application.id}"


def _assign(client, application, reviewer):
    return _follow(client, submit(client, f"/staff/applications/{application.id}/reviewers",
                                  {"reviewer": str(reviewer.id), "next": _panel_page(application)},
                                  page=_panel_page(application)))


def test_staff_assign_a_reviewer_by_hand_from_the_application_page(client, login):
    application = ApplicationFactory(submitted=True)
    reviewer = UserFactory(reviewer=True, name="Made Juri")
    login(_staff())
    page = client.get(_panel_page(application))
    assert f'<option value="{reviewer.id}">' in text(page)
    assert_valid(text(page), "staff application with the assignment panel")

    response = _assign(client, application, reviewer)
    assert "Made Juri" in text(response)
    assignment = db.session.scalar(select(ReviewAssignment))
    assert (assignment.reviewer_id, assignment.status) == (reviewer.id, AssignmentStatus.ASSIGNED)
    db.session.refresh(application)
    assert application.status == ApplicationStatus.UNDER_REVIEW
    assert can_view_application(reviewer, application)


@pytest.mark.parametrize("case", ["applicant", "conflict", "duplicate", "draft", "withdrawn", "not_reviewer"])
def test_assigning_by_hand_refuses_with_a_message(client, login, case):
    reviewer = UserFactory(reviewer=True, name="Ketut Juri")
    application = ApplicationFactory(submitted=True)
    if case == "applicant":
        application = ApplicationFactory(submitted=True, applicant=reviewer)
    elif case == "conflict":
        AssignmentFactory(application=application, reviewer=reviewer, status=AssignmentStatus.CONFLICT)
    elif case == "duplicate":
        AssignmentFactory(application=application, reviewer=reviewer)
    elif case == "not_reviewer":
        reviewer = UserFactory(mentor=True)
    login(_staff())
    page = f"/staff/calls/{application.call_id}/reviewers"
    if case in ("draft", "withdrawn"):
        application.status = ApplicationStatus.DRAFT if case == "draft" else ApplicationStatus.WITHDRAWN
        db.session.commit()
    before = len(db.session.scalars(select(ReviewAssignment)).all())
    response = _follow(client, submit(client, f"/staff/applications/{application.id}/reviewers",
                                      {"reviewer": str(reviewer.id), "next": page}, page=page))
    assert 'class="flash flash-error"' in text(response)
    assert len(db.session.scalars(select(ReviewAssignment)).all()) == before


def test_staff_remove_an_assignment_only_before_the_review_is_submitted(client, login):
    application = ApplicationFactory(submitted=True)
    pending = AssignmentFactory(application=application)
    done = AssignmentFactory(application=application, status=AssignmentStatus.SUBMITTED, weighted_score=4.0)
    login(_staff())
    page = _panel_page(application)
    html = text(client.get(page))
    assert f"/staff/assignments/{pending.id}/remove" in html
    assert f"/staff/assignments/{done.id}/remove" not in html

    submit(client, f"/staff/assignments/{done.id}/remove", {"next": page}, page=page)
    submit(client, f"/staff/assignments/{pending.id}/remove", {"next": page}, page=page)
    assert [a.id for a in db.session.scalars(select(ReviewAssignment))] == [done.id]


def test_only_staff_can_assign_or_distribute(client, login):
    application = ApplicationFactory(submitted=True)
    reviewer = UserFactory(reviewer=True)
    login(reviewer)
    token_page = "/review"
    for url in (f"/staff/applications/{application.id}/reviewers", f"/staff/calls/{application.call_id}/distribute"):
        assert submit(client, url, {"reviewer": str(reviewer.id)}, page=token_page).status_code == 403
    assert client.get(f"/staff/calls/{application.call_id}/reviewers").status_code == 403
    assert db.session.scalar(select(ReviewAssignment)) is None


def test_each_reviewer_gets_one_mail_per_distribution_in_their_language(client, login, outbox):
    call = CallFactory(reviewers_per_application=1)
    _applications(call, 3)
    english = UserFactory(reviewer=True, locale="en")
    indonesian = UserFactory(reviewer=True, locale="id")
    login(_staff())
    _distribute(client, call)
    loads = Counter(a.reviewer_id for a in _assignments(call))
    mail = outbox.last(english.email)
    assert len(outbox.messages(english.email)) == 1 and len(outbox.messages(indonesian.email)) == 1
    assert mail.locale == "en" and "Creative bazaar" in mail.subject
    assert f"{loads[english.id]} application" in mail.subject
    assert "/review" in mail.body_text
    assert outbox.last(indonesian.email).locale == "id"
    assert "Bazar UMKM Kreatif" in outbox.last(indonesian.email).subject


def test_a_reviewer_assigned_by_hand_is_told(client, login, outbox):
    application = ApplicationFactory(submitted=True)
    reviewer = UserFactory(reviewer=True, locale="en")
    login(_staff())
    submit(client, f"/staff/applications/{application.id}/reviewers", {"reviewer": str(reviewer.id)},
           page=f"/staff/applications/{application.id}")
    assert outbox.last(reviewer.email).subject == "1 application to review in Creative bazaar"
