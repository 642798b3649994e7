"""Data for the benchmarks: one edition, three calls, N applicants with submitted applications, R reviewers with
reviews. Rows are inserted in bulk so that 10,000 applications take seconds."""

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select, update

from app.accounts.models import User, UserRole
from app.core.permissions import Role
from app.extensions import db
from app.festival.models import Application, Call, Edition, EditionStatus, ReviewAssignment, ReviewScore
from app.festival.models.application import ApplicationStatus
from app.festival.models.review import AssignmentStatus
from app.festival.services.defaults import add_defaults
from app.festival.vocab import CallKind, District, Stage, Subsector

PASSWORD_HASH = "pbkdf2:sha256:1000$bench$" + "0" * 64  # nobody logs in as a generated applicant


def generate(applications: int = 10_000, reviewers: int = 30, reviews_per_application: int = 2,
             seed: int = 27) -> dict[str, int]:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    edition = Edition(
        name="D'Youth Festival Bench", slug="bench", code="DYFB", starts_on=date.today() + timedelta(days=150),
        ends_on=date.today() + timedelta(days=152), venue="Denpasar",
        applications_open_at=now - timedelta(days=30), applications_close_at=now + timedelta(days=60),
        status=EditionStatus.PUBLISHED, last_reference=applications,
    )
    calls = []
    for position, kind in enumerate(CallKind):
        call = Call(kind=kind, name_ind=f"Panggilan {kind.value}", name_en=f"Call {kind.value}", position=position)
        add_defaults(call)
        edition.calls.append(call)
        calls.append(call)
    db.session.add(edition)
    db.session.flush()

    db.session.execute(insert(User), [
        {"email": f"reviewer{n}@bench.example", "name": f"Reviewer {n}", "password_hash": PASSWORD_HASH,
         "locale": "en", "timezone": "Asia/Makassar", "email_confirmed_at": now,
         "active": True, "created_at": now, "updated_at": now}
        for n in range(reviewers)
    ])
    db.session.execute(insert(User), [
        {"email": f"applicant{n}@bench.example", "name": f"Pemuda Denpasar {n}", "password_hash": PASSWORD_HASH,
         "locale": "id", "timezone": "Asia/Makassar", "phone_e164": f"+62812{n:07d}",
         "date_of_birth": date(2000, 1, 1) + timedelta(days=n % 3000), "email_confirmed_at": now, "active": True,
         "created_at": now, "updated_at": now}
        for n in range(applications)
    ])
    reviewer_ids = _ids_by_email("reviewer%@bench.example")
    applicant_ids = _ids_by_email("applicant%@bench.example")
    db.session.execute(insert(UserRole), [{"user_id": user_id, "role": Role.REVIEWER} for user_id in reviewer_ids]
                       + [{"user_id": user_id, "role": Role.APPLICANT} for user_id in applicant_ids])

    statuses = [ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW, ApplicationStatus.UNDER_REVIEW,
                ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED, ApplicationStatus.REJECTED]
    subsectors, districts, stages = list(Subsector), list(District), list(Stage)
    rows = []
    for n, applicant_id in enumerate(applicant_ids):
        submitted = now - timedelta(minutes=n)
        rows.append({
            "call_id": calls[n % len(calls)].id, "applicant_id": applicant_id, "status": rng.choice(statuses),
            "reference": f"DYFB-{n + 1:05d}", "current_step": 5, "full_name": f"Pemuda Denpasar {n}",
            "phone_e164": f"+62812{n:07d}", "date_of_birth": date(2000, 1, 1) + timedelta(days=n % 3000),
            "district": rng.choice(districts), "business_name": f"Usaha {n}", "subsector": rng.choice(subsectors),
            "stage": rng.choice(stages), "founded_on": date(2023, 1, 1), "team_size": rng.randint(1, 8),
            "description": "Produk kreatif lokal Denpasar. " * 5, "instagram": "", "tiktok": "", "website": "",
            "answers": {"products": "Kerajinan", "price_range": "Rp 20.000"}, "consent_at": submitted,
            "draft_saved_at": submitted, "submitted_at": submitted, "review_count": 0,
            "created_at": submitted, "updated_at": submitted,
        })
    db.session.execute(insert(Application), rows)
    application_ids = list(db.session.scalars(select(Application.id).order_by(Application.id)))

    assignments = []
    for index, application_id in enumerate(application_ids):
        for slot in range(reviews_per_application):
            assignments.append({
                "application_id": application_id, "reviewer_id": reviewer_ids[(index + slot * 7) % len(reviewer_ids)],
                "status": AssignmentStatus.SUBMITTED, "assigned_at": now, "submitted_at": now,
                "conflict_reason": "", "comment": "", "weighted_score": round(rng.uniform(1, 5), 3),
            })
    db.session.execute(insert(ReviewAssignment), assignments)
    _score_applications(rng, calls)
    db.session.commit()
    return {"applications": len(application_ids), "reviewers": len(reviewer_ids), "assignments": len(assignments)}


def _score_applications(rng: random.Random, calls: list[Call]) -> None:
    """Scores per criterion for a sample, and the stored mean/spread for all (what the list filters on)."""
    criteria = {call.id: call.criteria for call in calls}
    sample = db.session.execute(
        select(ReviewAssignment.id, Application.call_id).join(Application).limit(3000)
    ).all()
    db.session.execute(insert(ReviewScore), [
        {"assignment_id": assignment_id, "criterion_id": criterion.id, "value": rng.randint(1, 5), "comment": ""}
        for assignment_id, call_id in sample for criterion in criteria[call_id]
    ])
    ids = db.session.scalars(select(Application.id)).all()
    db.session.execute(update(Application), [
        {"id": i, "score_mean": round(rng.uniform(1, 5), 3), "score_spread": round(rng.uniform(0, 1.5), 3),
         "review_count": 2}
        for i in ids
    ])


def _ids_by_email(pattern: str) -> list[int]:
    return list(db.session.scalars(select(User.id).where(User.email.like(pattern)).order_by(User.id)))


def generate_unreviewed_call(edition_code: str = "DYFB") -> Call:
    """A fourth call in which every bench applicant has a submitted application and nobody has reviewers yet."""
    edition = db.session.scalar(select(Edition).where(Edition.code == edition_code))
    call = Call(kind=CallKind.BAZAAR, name_ind="Panggilan distribusi", name_en="Distribution call", position=9,
                reviewers_per_application=2)
    add_defaults(call)
    edition.calls.append(call)
    db.session.flush()
    now = datetime.now(UTC)
    applicant_ids = _ids_by_email("applicant%@bench.example")
    db.session.execute(insert(Application), [
        {"call_id": call.id, "applicant_id": applicant_id, "status": ApplicationStatus.SUBMITTED,
         "reference": f"DYFD-{n + 1:05d}", "submitted_at": now, "full_name": f"Pemuda {n}", "answers": {},
         "current_step": 5, "review_count": 0, "created_at": now, "updated_at": now}
        for n, applicant_id in enumerate(applicant_ids)
    ])
    db.session.commit()
    return call
