"""The staff dashboard of an edition (`/staff/dashboards/<id>`) over 10,000 applications (`bench/generate.py`), a
ground of 300 stalls in 6 zones with ~250 bookings and their payments, and 5 cohorts of 100 participants (500) with
12 sessions each, attendance, milestones, progress reports, mentoring pairs and their meetings: median server time
over in-process requests (Flask's test client, after a warm-up), and the number of SQL statements the page runs.

Records `desk.dashboard_p50_ms` (target < 150 ms), `desk.dashboard_p95_ms` and `desk.dashboard_queries` (must not
grow with the data; `tests/staff/test_dashboards.py` pins it). Runs on its own SQLite file, or on PostgreSQL
(BENCH_DATABASE_URL; its tables are dropped and recreated).
Run alone: `.venv/bin/python bench/dashboard.py`.
"""

import json
import os
import random
import statistics
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STALLS = 300
ZONES = 6
COHORTS = 5
PARTICIPANTS = 500
SESSIONS = 12
MILESTONES = 4
RUNS = 40
PASSWORD = "bench dashboard password"  # noqa: S105 (a throwaway database)


def _ids(statement) -> list[int]:
    from app.extensions import db

    return list(db.session.scalars(statement))


def _ground(rng: random.Random, edition_id: int, now: datetime) -> None:
    """300 stalls in 6 zones; bookings for the first accepted applications: live holds, paid, waived, given up and
    refunded; a payment per paid or refunded booking."""
    from sqlalchemy import insert, select

    from app.extensions import db
    from app.festival.models import Application, Call
    from app.festival.models.application import ApplicationStatus
    from app.payments.models import Payment, PaymentMethod, PaymentStatus
    from app.stalls.models import Booking, BookingPayment, BookingStatus, Stall, Zone

    db.session.execute(insert(Zone), [{"edition_id": edition_id, "code": f"z{z}", "name_ind": f"Zona {z}",
                                       "name_en": f"Zone {z}", "colour": "#2f6f4e", "position": z}
                                      for z in range(ZONES)])
    zones = _ids(select(Zone.id).where(Zone.edition_id == edition_id).order_by(Zone.position))
    db.session.execute(insert(Stall), [
        {"edition_id": edition_id, "zone_id": zones[n * ZONES // STALLS], "code": f"S-{n:03d}",
         "price": 500_000 + 50_000 * (n % 4), "power_watts": 0, "power_surcharge": 0, "corner": False,
         "grid_x": (n % 20) * 2, "grid_y": (n // 20) * 3, "grid_w": 2, "grid_h": 2, "blocked": n % 30 == 29,
         "blocked_note": "", "width_cm": 300, "depth_cm": 300, "created_at": now, "updated_at": now}
        for n in range(STALLS)])
    stalls = db.session.execute(select(Stall.id, Stall.price).where(Stall.edition_id == edition_id,
                                                                     Stall.blocked.is_(False)).order_by(Stall.id)).all()
    accepted = db.session.execute(
        select(Application.id, Application.applicant_id).join(Call)
        .where(Call.edition_id == edition_id, Application.status == ApplicationStatus.ACCEPTED)
        .order_by(Application.id).limit(len(stalls) - 40)).all()
    rows, kinds = [], []
    for n, ((application_id, holder_id), (stall_id, price)) in enumerate(zip(accepted, stalls, strict=False)):
        kind = n % 5
        row = {"edition_id": edition_id, "stall_id": stall_id, "application_id": application_id,
               "holder_id": holder_id, "fee": price, "fee_waived": kind == 3, "held_at": now - timedelta(hours=1),
               "expires_at": None, "deadline_cap": None, "confirmed_at": None, "released_at": None,
               "release_reason": "", "created_at": now, "updated_at": now}
        if kind == 0:
            row.update(status=BookingStatus.HELD, expires_at=now + timedelta(minutes=rng.choice([-5, 10, 20])))
        elif kind == 4:
            row.update(status=BookingStatus.RELEASED, released_at=now, release_reason="cancelled")
        else:
            row.update(status=BookingStatus.CONFIRMED, confirmed_at=now)
        rows.append(row)
        kinds.append(kind)
    db.session.execute(insert(Booking), rows)
    bookings = db.session.execute(select(Booking.id, Booking.holder_id, Booking.fee)
                                  .where(Booking.edition_id == edition_id).order_by(Booking.id)).all()
    payments = []
    for (_booking_id, holder_id, fee), kind in zip(bookings, kinds, strict=True):
        if kind in (1, 2, 4):
            status = {1: PaymentStatus.SUCCEEDED, 2: PaymentStatus.PARTIALLY_REFUNDED, 4: PaymentStatus.REFUNDED}[kind]
            payments.append({"purpose": "stall_booking", "scope": f"edition:{edition_id}", "description": "",
                             "payer_id": holder_id, "method": PaymentMethod.CARD, "status": status, "amount": fee,
                             "currency": "IDR", "amount_refunded": {1: 0, 2: fee // 2, 4: fee}[kind],
                             "created_at": now, "updated_at": now, "succeeded_at": now})
    db.session.execute(insert(Payment), payments)
    payment_ids = _ids(select(Payment.id).order_by(Payment.id))
    paid_bookings = [booking[0] for booking, kind in zip(bookings, kinds, strict=True) if kind in (1, 2, 4)]
    db.session.execute(insert(BookingPayment), [{"booking_id": b, "payment_id": p}
                                                for b, p in zip(paid_bookings, payment_ids, strict=True)])


def _incubator(rng: random.Random, edition_id: int, now: datetime) -> None:
    """5 cohorts of 100 participants, 12 sessions each with marks for most participants, 4 milestones with reports,
    a mentoring pair per participant with 0–6 meetings."""
    from sqlalchemy import insert, select

    from app.accounts.models import UserRole
    from app.cohorts.models import (
        Attendance,
        AttendanceStatus,
        Cohort,
        CohortParticipant,
        CohortSession,
        Milestone,
        ProgressReport,
        ReportStatus,
    )
    from app.core.permissions import Role
    from app.extensions import db
    from app.festival.models import Application
    from app.mentoring.models import Meeting, Mentorship, MentorshipStatus

    today = now.date()
    db.session.execute(insert(Cohort), [
        {"edition_id": edition_id, "name_ind": f"Inkubator {c}", "name_en": f"Incubator {c}", "partner": "Darwin",
         "starts_on": today - timedelta(days=60), "ends_on": today + timedelta(days=30), "capacity": 100,
         "mode": "mixed", "description": "", "min_attendance_percent": 75, "created_at": now, "updated_at": now}
        for c in range(COHORTS)])
    cohorts = _ids(select(Cohort.id).where(Cohort.edition_id == edition_id).order_by(Cohort.id))
    people = db.session.execute(select(Application.id, Application.applicant_id).order_by(Application.id)
                                .limit(PARTICIPANTS)).all()
    db.session.execute(insert(CohortParticipant), [
        {"cohort_id": cohorts[n % COHORTS], "user_id": user_id, "application_id": application_id,
         "status": "withdrawn" if n % 25 == 24 else "admitted", "admitted_at": now, "flagged_note": ""}
        for n, (application_id, user_id) in enumerate(people)])
    members = db.session.execute(select(CohortParticipant.id, CohortParticipant.cohort_id)).all()
    db.session.execute(insert(CohortSession), [
        {"cohort_id": cohort_id, "kind": "workshop", "title_ind": f"Sesi {s + 1}", "title_en": f"Session {s + 1}",
         "facilitator": "", "facilitator_in_darwin": False, "zone": "Asia/Makassar", "language": "id",
         "starts_at": now - timedelta(days=56 - 7 * s, hours=c), "place": "Denpasar", "online_url": "",
         "ends_at": now - timedelta(days=56 - 7 * s, hours=c - 2), "created_at": now, "updated_at": now}
        for c, cohort_id in enumerate(cohorts) for s in range(SESSIONS)])
    sessions = db.session.execute(select(CohortSession.id, CohortSession.cohort_id)).all()
    statuses = list(AttendanceStatus)
    db.session.execute(insert(Attendance), [
        {"session_id": session_id, "participant_id": member_id, "status": rng.choice(statuses), "marked_at": now}
        for session_id, session_cohort in sessions for member_id, cohort_id in members
        if cohort_id == session_cohort and rng.random() < 0.85])
    db.session.execute(insert(Milestone), [
        {"cohort_id": cohort_id, "title_ind": f"Tonggak {m + 1}", "title_en": f"Milestone {m + 1}",
         "description": "", "due_on": today - timedelta(days=40 - 10 * m), "required": m < 3,
         "created_at": now, "updated_at": now}
        for cohort_id in cohorts for m in range(MILESTONES)])
    milestones = db.session.execute(select(Milestone.id, Milestone.cohort_id)).all()
    db.session.execute(insert(ProgressReport), [
        {"milestone_id": milestone_id, "participant_id": member_id, "status": rng.choice(list(ReportStatus)),
         "text": "Laporan.", "revision": 1, "submitted_at": now}
        for milestone_id, milestone_cohort in milestones for member_id, cohort_id in members
        if cohort_id == milestone_cohort and rng.random() < 0.7])
    mentors = _ids(select(UserRole.user_id).where(UserRole.role == Role.REVIEWER))
    pair_statuses = [MentorshipStatus.ACCEPTED] * 6 + [MentorshipStatus.OFFERED, MentorshipStatus.ENDED,
                                                       MentorshipStatus.DECLINED]
    db.session.execute(insert(Mentorship), [
        {"cohort_id": cohort_id, "participant_id": member_id, "mentor_id": mentors[n % len(mentors)],
         "status": rng.choice(pair_statuses), "score": 50, "parts": [], "offered_at": now - timedelta(days=55),
         "responded_at": now - timedelta(days=rng.choice([10, 40, 50])), "decline_reason": ""}
        for n, (member_id, cohort_id) in enumerate(members)])
    pairs = _ids(select(Mentorship.id).where(Mentorship.status.in_((MentorshipStatus.ACCEPTED,
                                                                     MentorshipStatus.ENDED))))
    db.session.execute(insert(Meeting), [
        {"mentorship_id": pair_id, "held_on": today - timedelta(days=rng.randrange(1, 50)), "duration_minutes": 60,
         "topics": "", "notes": "", "next_steps": "", "created_at": now}
        for pair_id in pairs for _ in range(rng.randrange(0, 7))])


def seed() -> int:
    """The data set; returns the edition's id."""
    from sqlalchemy import select, update

    from app.extensions import db
    from app.festival.models import Application, Edition
    from app.festival.models.application import ApplicationStatus
    from bench.generate import generate

    rng = random.Random(13)
    generate()
    now = datetime.now(UTC)
    edition_id = db.session.scalar(select(Edition.id).where(Edition.code == "DYFB"))
    db.session.execute(update(Application).where(Application.status.in_(
        (ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED, ApplicationStatus.REJECTED))).values(decided_at=now))
    _ground(rng, edition_id, now)
    _incubator(rng, edition_id, now)
    db.session.commit()
    return edition_id


def measure(url: str | None = None) -> dict[str, float]:
    from app import create_app
    from app.core.permissions import Role
    from app.extensions import db
    from bench.run import counting_queries, log_in, make_user, settle, timed
    from config import TestingConfig

    folder = tempfile.mkdtemp(prefix="dyouth-bench-dashboard-")
    url = url or f"sqlite:///{folder}/dashboard.sqlite3"
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.drop_all()
        db.create_all()
        edition_id = seed()
        make_user("dashboard@bench.example", Role.STAFF, PASSWORD).locale = "en"
        db.session.commit()
        settle(url)
    client = app.test_client()
    log_in(client, "dashboard@bench.example", PASSWORD)
    page_url = f"/staff/dashboards/{edition_id}"
    page = client.get(page_url).get_data(as_text=True)
    assert "10,000 · 100%" in page, "the funnel does not count the 10,000 applications"
    assert page.count('role="img"') == 10, "the page does not draw its ten charts"
    for _ in range(5):
        timed(client, "GET", page_url)
    times = [timed(client, "GET", page_url) for _ in range(RUNS)]
    with app.app_context(), counting_queries() as statements:
        timed(client, "GET", page_url)
    with app.app_context():
        if url.startswith("postgresql"):
            db.drop_all()
        db.engine.dispose()
    return {
        "desk.dashboard_p50_ms": round(statistics.median(times), 2),
        "desk.dashboard_p95_ms": round(statistics.quantiles(times, n=20)[18], 2),
        "desk.dashboard_queries": len(statements),
    }


if __name__ == "__main__":
    print(json.dumps(measure(os.environ.get("BENCH_DATABASE_URL")), indent=2, sort_keys=True))
