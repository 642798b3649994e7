"""One application as staff see it (everything entered, files, reviews, history), its decision form, and the ranking."""

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.festival.models import ApplicationEvent, ApplicationFile, ReviewScore
from app.festival.models.application import ApplicationStatus as S
from app.festival.models.application import FileKind
from app.festival.models.review import AssignmentStatus
from app.festival.services.scoring import assignment_score, recompute_scores
from app.festival.vocab import CallKind
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, AssignmentFactory, CallFactory, UserFactory
from tests.helpers import field_error, submit, text

NOW = datetime(2027, 6, 5, 2, 30, tzinfo=UTC)


@pytest.fixture
def staff(login):
    user = UserFactory(staff=True, locale="en", name="Staf Desk")
    login(user)
    return user


def url(application) -> str:
    return f"/staff/applications/{application.id}"


def review(application, reviewer_name: str, values: list[int], comment: str = ""):
    """A submitted review: one score per rubric criterion, in order."""
    assignment = AssignmentFactory(application=application, reviewer=UserFactory(reviewer=True, name=reviewer_name),
                                   status=AssignmentStatus.SUBMITTED, comment=comment, submitted_at=NOW)
    for criterion, value in zip(application.call.criteria, values, strict=True):
        assignment.scores.append(ReviewScore(criterion=criterion, value=value, comment=f"{reviewer_name} on "
                                             f"{criterion.name_en}: {value}"))
    db.session.flush()
    assignment.weighted_score = assignment_score(assignment)
    recompute_scores(application)
    db.session.commit()
    return assignment


def a_full_application():
    call = CallFactory(kind=CallKind.PITCHING, name_en="Pitching night", name_ind="Malam pitching")
    application = ApplicationFactory(
        call=call, submitted=True, full_name="Ni Kadek Sari", nik="5171012345678901", phone_e164="+6281234567890",
        business_name="Sari Batik Digital", instagram="@saribatik", website="https://sari.example",
        answers={"pitch_summary": "Batik patterns as a service.", "funding_need": "IDR 50 million",
                 "old_key": "An answer to a removed question"},
    )
    db.session.add_all([
        ApplicationFile(application=application, kind=FileKind.PDF, question_key="deck", original_name="deck.pdf",
                        storage_key="k-deck", content_type="application/pdf", size_bytes=204800, sha256="0" * 64),
        ApplicationFile(application=application, kind=FileKind.PHOTO, original_name="stall.jpg",
                        storage_key="k-photo", content_type="image/jpeg", size_bytes=51200, sha256="1" * 64),
    ])
    db.session.add(ApplicationEvent(application=application, actor=application.applicant, from_status=S.DRAFT,
                                    to_status=S.SUBMITTED, created_at=NOW - timedelta(days=3)))
    db.session.commit()
    return application


def test_staff_see_everything_the_applicant_entered(client, staff, app):
    application = a_full_application()
    first = review(application, "Juri Satu", [5, 4, 4, 3], comment="Strong team.")
    second = review(application, "Juri Dua", [3, 3, 4, 2])
    html = text(client.get(url(application)))
    assert_valid(html, "application page")
    for shown in ("Ni Kadek Sari", "5171********8901", "+62 812-3456-7890", application.applicant.email,
                  "Sari Batik Digital", "@saribatik", "https://sari.example", "Pitching night",
                  "Pitch summary", "Batik patterns as a service.", "Funding need", "IDR 50 million",
                  "A question since removed from the call", "An answer to a removed question", "Pitch deck (PDF)",
                  "deck.pdf", "stall.jpg", "200 KB"):
        assert shown in html, shown
    assert "old_key" not in html  # an internal name, never shown
    if "festival.file" in app.view_functions:  # files are served by the files job, only to who may see them
        file = application.files[0]
        assert f'href="/files/{file.id}"' in html
    # the reviews: each criterion's value and comment per reviewer, their weighted score, the mean and spread
    for shown in ("Juri Satu", "Juri Dua", "Juri Satu on Team: 4", "Juri Dua on Social impact: 2", "Strong team.",
                  "Problem and solution", f"{first.weighted_score:.2f}", f"{second.weighted_score:.2f}",
                  f"{application.score_mean:.2f}", f"{application.score_spread:.2f}"):
        assert shown in html, shown
    # the history
    assert "Draft → <strong>Submitted</strong>" in html and f"by {application.applicant.name}" in html


def test_the_decision_form_offers_only_legal_moves(client, staff):
    def offered(status):
        html = text(client.get(url(ApplicationFactory(submitted=True, status=status))))
        return [v for v in ("accepted", "waitlisted", "rejected") if f'<option value="{v}">' in html]

    assert offered(S.SUBMITTED) == ["accepted", "waitlisted", "rejected"]
    assert offered(S.UNDER_REVIEW) == ["accepted", "waitlisted", "rejected"]
    assert offered(S.WAITLISTED) == ["accepted", "rejected"]
    assert offered(S.ACCEPTED) == ["waitlisted", "rejected"]  # only as a revision, with a reason
    html = text(client.get(url(ApplicationFactory(submitted=True, status=S.REJECTED))))
    assert "Revise the released decision" in html and "Save the draft decision" not in html
    assert_valid(html, "rejected application")
    html = text(client.get(url(ApplicationFactory(submitted=True, status=S.WITHDRAWN))))
    assert "No decision can be taken on an application that is withdrawn." in html and "<select" not in html
    assert_valid(html, "withdrawn application")


@pytest.mark.parametrize(("locale", "greeting"), [("en", "Hello"), ("id", "Halo")])
def test_a_decision_is_drafted_then_released_and_mailed_in_the_applicants_language(
        client, staff, outbox, frozen_clock, locale, greeting):
    frozen_clock(NOW)
    application = ApplicationFactory(submitted=True, status=S.UNDER_REVIEW, applicant=UserFactory(locale=locale))
    response = submit(client, url(application), {"decision": "accepted", "message": "Bring your banner!"})
    assert response.status_code == 302 and response.headers["Location"].endswith(url(application))
    db.session.expire_all()
    assert application.status == S.UNDER_REVIEW and application.draft_decision == S.ACCEPTED
    assert (application.draft_message, application.draft_decided_by_id, application.draft_decided_at) == (
        "Bring your banner!", staff.id, NOW)
    assert outbox.messages() == [] and application.events == []  # nothing moved, nothing sent
    html = text(client.get(url(application)))
    assert "Decision drafted for" in html and "Drafted: Accepted, by Staf Desk. Not sent yet." in html

    release = f"/staff/calls/{application.call_id}/decisions"
    response = submit(client, release, {})
    assert response.status_code == 302
    db.session.expire_all()
    assert application.status == S.ACCEPTED and application.decided_at == NOW and application.draft_decision is None
    event = application.events[-1]
    assert (event.actor_id, event.created_at, event.from_status, event.to_status, event.message) == (
        staff.id, NOW, S.UNDER_REVIEW, S.ACCEPTED, "Bring your banner!")
    mail = outbox.last(application.applicant.email)
    assert (mail.template, mail.locale) == ("festival/mail/accepted", locale)
    assert mail.body_text.startswith(greeting) and "Bring your banner!" in mail.body_text
    html = text(client.get(url(application)))
    assert "Under review → <strong>Accepted</strong>" in html
    assert "by Staf Desk" in html and "Bring your banner!" in html


def test_an_illegal_decision_is_refused_on_the_form(client, staff, outbox):
    application = ApplicationFactory(submitted=True, status=S.WAITLISTED)
    response = submit(client, url(application), {"decision": "waitlisted"})  # not offered, sent anyway
    assert response.status_code == 200
    assert "An application that is Waitlisted cannot become Waitlisted." in text(response)
    assert_valid(text(response), "refused decision")
    response = submit(client, url(application), {"decision": ""})
    assert field_error(text(response), "decision") == "This field is required."
    db.session.expire_all()
    assert application.status == S.WAITLISTED and outbox.messages() == [] and application.events == []
    assert application.draft_decision is None


def test_drafts_and_unknown_applications_are_not_found(client, staff):
    assert client.get(url(ApplicationFactory())).status_code == 404
    assert client.get("/staff/applications/999999").status_code == 404
    assert client.get("/staff/calls/999999/ranking").status_code == 404


@pytest.mark.parametrize("role", ["applicant", "mentor", "reviewer"])
def test_only_staff_open_the_desk_pages(client, login, role):
    application = ApplicationFactory(submitted=True)
    user = application.applicant if role == "applicant" else UserFactory(**{role: True})  # even their own
    login(user)
    assert client.get(url(application)).status_code == 403
    assert client.get(f"/staff/calls/{application.call_id}/ranking").status_code == 403


def test_the_ranking_orders_by_score_then_reviews_then_submission(client, staff):
    call = CallFactory(places=3)
    base = NOW - timedelta(days=10)

    def entry(status, score, reviews, minutes):
        return ApplicationFactory(call=call, submitted=True, status=status, score_mean=score, review_count=reviews,
                                  score_spread=0.25 if score else None, submitted_at=base + timedelta(minutes=minutes))

    top = entry(S.ACCEPTED, 4.5, 2, 5)
    tied_more_reviews = entry(S.UNDER_REVIEW, 4.0, 3, 9)
    tied_earlier = entry(S.WAITLISTED, 4.0, 2, 1)
    tied_later = entry(S.REJECTED, 4.0, 2, 2)
    unscored = entry(S.SUBMITTED, None, 0, 0)
    hidden = [entry(S.WITHDRAWN, 5.0, 2, 0), ApplicationFactory(call=call)]
    html = text(client.get(f"/staff/calls/{call.id}/ranking"))
    assert_valid(html, "ranking")
    order = [top, tied_more_reviews, tied_earlier, tied_later, unscored]
    table = html[html.index("<tbody>"):]
    positions = [table.index(a.reference) for a in order]
    assert positions == sorted(positions)
    assert all(a.reference is None or a.reference not in html for a in hidden)
    assert "<dt>Places</dt><dd>3</dd>" in html and "<dt>Accepted so far</dt><dd>1</dd>" in html
    assert f"Offer the place to {tied_earlier.reference}" in html  # 3 places, 1 accepted: the waiting list moves
    assert "<td>5</td>" in html and "4.50" in html and "0.25" in html  # position 5; score and spread


def test_an_answer_to_a_question_removed_later_shows_under_that_questions_last_label(client, staff):
    call = CallFactory(kind=CallKind.PITCHING, name_en="Pitching night")
    question = next(q for q in call.questions if q.key == "funding_need")
    question.label_en, question.label_ind = "How much funding do you need?", "Berapa dana yang Anda butuhkan?"
    draft = ApplicationFactory(call=call, answers={"funding_need": "IDR 20 million"})  # a draft answered it
    db.session.commit()
    removed = submit(client, f"/staff/questions/{question.id}/delete", {}, page=f"/staff/calls/{call.id}")
    assert removed.status_code == 302
    draft.status, draft.reference, draft.submitted_at = S.SUBMITTED, "DYF27-00077", NOW  # then it was submitted
    db.session.commit()
    html = text(client.get(url(draft)))
    assert "How much funding do you need? (since removed from the call)" in html and "IDR 20 million" in html
    assert "funding_need" not in html
