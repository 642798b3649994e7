"""The staff dashboards: every chart's numbers equal what the database holds, counted here independently (plain
selects and loops over generated, varied rows), the page's statement count does not grow with the data, the charts are
accessible SVG with their tables, numbers follow the viewer's language, and only staff open the pages."""

import itertools
import random
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.cohorts.models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    CohortParticipant,
    CohortSession,
    Milestone,
    ParticipantStatus,
    ProgressReport,
    ReportStatus,
)
from app.core import clock
from app.core.permissions import Role
from app.core.vocab import District, Subsector
from app.extensions import db
from app.festival.models import Application, Call, ReviewAssignment
from app.festival.models.application import ApplicationStatus as S
from app.festival.models.review import AssignmentStatus
from app.mentoring.models import Meeting, Mentorship, MentorshipStatus
from app.payments.models import Payment, PaymentMethod, PaymentStatus
from app.stalls.models import Booking, BookingPayment, BookingStatus, Stall, Zone
from tests.factories import PASSWORD_HASH, CallFactory, EditionFactory, UserFactory
from tests.helpers import count_statements, text

# The page's SQL statements: the user (roles included), the edition, the picker's list, the applications (one scan),
# the days, occupancy, revenue (two), cohorts, attendance, milestones, mentoring.
STATEMENTS = 12
NOW = datetime(2027, 10, 20, 4, 0, tzinfo=UTC)  # 12:00 in Denpasar
DENPASAR = ZoneInfo("Asia/Makassar")
OPENS = datetime(2027, 3, 1, tzinfo=UTC)  # EditionFactory's window: 1 March to 31 May 15:59 UTC (23:59 WITA)


_EMAILS = itertools.count()


@dataclass
class World:
    edition: object
    other: object  # another edition, whose rows must not count


def _user(n: int, prefix: str, role: Role = Role.APPLICANT) -> User:
    user = User(email=f"{prefix}{n}.{next(_EMAILS)}@dash.example", name=f"{prefix} {n}", password_hash=PASSWORD_HASH,
                roles={role}, email_confirmed_at=NOW, locale="id")
    db.session.add(user)
    return user


def _applications(rng, calls, applicants, reviewers, prefix: str = "DSH") -> list[Application]:
    statuses = list(S)
    found = []
    for n, user in enumerate(applicants):
        status = rng.choice(statuses)
        app = Application(call=rng.choice(calls), applicant=user, status=status, full_name=user.name,
                          subsector=rng.choice([*Subsector, None]), district=rng.choice([*District, None]),
                          answers={})
        if status != S.DRAFT and not (status == S.WITHDRAWN and n % 2):
            # Spread over the window, a few just after midnight in Denpasar (still the day before in UTC).
            day = OPENS + timedelta(days=rng.randrange(0, 91))
            app.submitted_at = day + timedelta(hours=16, minutes=30) if n % 5 == 0 else day + timedelta(hours=3)
            app.reference = f"{prefix}{next(_EMAILS)}-{n:05d}"
        if status in (S.ACCEPTED, S.WAITLISTED, S.REJECTED) or (status == S.WITHDRAWN and n % 3 == 0):
            app.decided_at = NOW - timedelta(days=30)
        db.session.add(app)
        found.append(app)
        if app.submitted_at is not None and n % 2 == 0:
            kind = rng.choice(list(AssignmentStatus))
            db.session.add(ReviewAssignment(application=app, reviewer=rng.choice(reviewers[:-1]), status=kind))
            if n % 4 == 0:  # a second reviewer on some: still one application reviewed
                db.session.add(ReviewAssignment(application=app, reviewer=reviewers[-1],
                                                status=AssignmentStatus.SUBMITTED))
    db.session.flush()
    return found


def _ground(rng, edition, applications, scale) -> None:
    zones = [Zone(edition_id=edition.id, code=f"z{z}", name_ind=f"Zona {z}", name_en=f"Zone {z}", position=z)
             for z in range(3)]
    db.session.add_all(zones)
    db.session.flush()
    stalls = [Stall(edition_id=edition.id, zone_id=zones[n % 3].id, code=f"S-{n:03d}", price=500_000 + 1000 * n,
                    blocked=n % 7 == 6, grid_x=n * 2)
              for n in range(12 * scale)]
    db.session.add_all(stalls)
    db.session.flush()
    accepted = [a for a in applications if a.status == S.ACCEPTED]
    free = [s for s in stalls if not s.blocked]
    for n, (app, stall) in enumerate(zip(accepted, free, strict=False)):
        kind = n % 6
        booking = Booking(edition_id=edition.id, stall_id=stall.id, application_id=app.id,
                          holder_id=app.applicant_id, fee=stall.price, held_at=NOW - timedelta(minutes=20))
        if kind == 0:  # a live hold
            booking.status, booking.expires_at = BookingStatus.HELD, NOW + timedelta(minutes=10)
        elif kind == 1:  # a hold past its deadline, not yet flipped: dead
            booking.status, booking.expires_at = BookingStatus.HELD, NOW - timedelta(minutes=1)
        elif kind == 4:  # waived
            booking.status, booking.confirmed_at, booking.fee_waived = BookingStatus.CONFIRMED, NOW, True
        elif kind == 5:  # given up (and refunded below)
            booking.status, booking.released_at = BookingStatus.RELEASED, NOW
        else:
            booking.status, booking.confirmed_at = BookingStatus.CONFIRMED, NOW
        db.session.add(booking)
        db.session.flush()
        if kind in (2, 3, 5):
            refunded = {2: 0, 3: 100_000, 5: stall.price}[kind]
            status = {2: PaymentStatus.SUCCEEDED, 3: PaymentStatus.PARTIALLY_REFUNDED, 5: PaymentStatus.REFUNDED}[kind]
            _pay(booking, app.applicant_id, status, refunded)
        if kind == 0 and n % 2 == 0:
            _pay(booking, app.applicant_id, PaymentStatus.FAILED, 0)  # a declined card: no money


def _pay(booking, payer_id, status, refunded) -> None:
    payment = Payment(purpose="stall_booking", scope=f"edition:{booking.edition_id}", payer_id=payer_id,
                      method=PaymentMethod.CARD, status=status, amount=booking.fee, amount_refunded=refunded)
    db.session.add(payment)
    db.session.flush()
    db.session.add(BookingPayment(booking_id=booking.id, payment_id=payment.id))


def _incubator(rng, edition, applications, mentors, scale) -> None:
    people = [a for a in applications if a.status == S.ACCEPTED] or applications
    for c in range(2):
        cohort = Cohort(edition_id=edition.id, name_ind=f"Kohort {c}", name_en=f"Cohort {c}",
                        starts_on=date(2027, 9, 1), ends_on=date(2027, 11, 30), capacity=50)
        db.session.add(cohort)
        db.session.flush()
        members = []
        for n, app in enumerate(people[c::2]):
            member = CohortParticipant(cohort_id=cohort.id, user_id=app.applicant_id, application_id=app.id,
                                       status=ParticipantStatus.WITHDRAWN if n % 5 == 4 else ParticipantStatus.ADMITTED)
            members.append(member)
        db.session.add_all(members)
        db.session.flush()
        for s in range(2 + scale):
            start = datetime(2027, 9, 1, 2, tzinfo=UTC) + timedelta(days=7 * s + c)
            session = CohortSession(cohort_id=cohort.id, kind="workshop", title_ind=f"Sesi {c}-{s}",
                                    title_en=f"Session {c}-{s}", starts_at=start, ends_at=start + timedelta(hours=2),
                                    place="Denpasar")
            db.session.add(session)
            db.session.flush()
            for member in members:
                if rng.random() < 0.8:
                    db.session.add(Attendance(session_id=session.id, participant_id=member.id,
                                              status=rng.choice(list(AttendanceStatus))))
        for m in range(2):
            milestone = Milestone(cohort_id=cohort.id, title_ind=f"Tonggak {c}-{m}", title_en=f"Milestone {c}-{m}",
                                  due_on=date(2027, 10, 1) + timedelta(days=m), required=m == 0)
            db.session.add(milestone)
            db.session.flush()
            for member in members:
                if rng.random() < 0.7:
                    db.session.add(ProgressReport(milestone_id=milestone.id, participant_id=member.id,
                                                  status=rng.choice(list(ReportStatus)), text="…"))
        for n, member in enumerate(members):
            status = [MentorshipStatus.ACCEPTED, MentorshipStatus.ACCEPTED, MentorshipStatus.ENDED,
                      MentorshipStatus.OFFERED, MentorshipStatus.DECLINED][n % 5]
            pair = Mentorship(cohort_id=cohort.id, participant_id=member.id, mentor_id=rng.choice(mentors).id,
                              status=status, offered_at=datetime(2027, 9, 1, tzinfo=UTC))
            if status != MentorshipStatus.OFFERED:
                pair.responded_at = NOW - timedelta(days=rng.choice([5, 29, 30, 45]))
            db.session.add(pair)
            db.session.flush()
            if status in (MentorshipStatus.ACCEPTED, MentorshipStatus.ENDED):
                for _ in range(rng.randrange(0, 7)):
                    db.session.add(Meeting(mentorship_id=pair.id, duration_minutes=60,
                                           held_on=NOW.date() - timedelta(days=rng.choice([2, 20, 31, 40]))))


def build_world(scale: int = 1, seed: int = 13) -> World:
    rng = random.Random(seed)
    clock.freeze(NOW)
    edition = EditionFactory()
    other = EditionFactory(starts_on=date(2026, 8, 14), ends_on=date(2026, 8, 16))
    calls = [CallFactory(edition=edition, defaults=False, position=n, name_en=f"Call {n}", name_ind=f"Panggilan {n}")
             for n in range(3)]
    stray = CallFactory(edition=other, defaults=False)
    reviewers = [_user(n, "reviewer", Role.REVIEWER) for n in range(3)]
    mentors = [_user(n, "mentor", Role.MENTOR) for n in range(3)]
    applicants = [_user(n, "applicant") for n in range(40 * scale)]
    db.session.flush()
    applications = _applications(rng, calls, applicants, reviewers)
    _ground(rng, edition, applications, scale)
    _incubator(rng, edition, applications, mentors, scale)
    # The other edition: its rows must not show.
    others = [_user(n, "elsewhere") for n in range(5)]
    db.session.flush()
    noise = _applications(rng, [stray], others, reviewers, prefix="OTH")
    _ground(rng, other, noise, 1)
    _incubator(rng, other, noise, mentors, 1)
    db.session.commit()
    return World(edition, other)


# --- reading the page ---------------------------------------------------------------------------------------------

def chart(html: str, ident: str) -> str:
    match = re.search(rf'<svg[^>]*aria-labelledby="{ident}-title {ident}-desc".*?</svg>', html, re.S)
    assert match, f"no chart {ident}"
    return match.group(0)


def tips(svg: str) -> dict[str, str]:
    """label → figure, from the tooltip every bar carries."""
    found = {}
    for tip in re.findall(r"<rect[^>]*><title>(.*?)</title></rect>", svg):
        label, _, value = tip.replace("&#39;", "'").rpartition(": ")
        found[label] = value
    return found


def number(value: str) -> int:
    return int(value.replace(",", ""))


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def english_staff(login):
    staff = UserFactory(staff=True, locale="en")
    login(staff)
    return staff


def _page(client, world) -> str:
    response = client.get(f"/staff/dashboards/{world.edition.id}")
    assert response.status_code == 200
    return text(response)


def _apps(edition) -> list[Application]:
    calls = set(db.session.scalars(select(Call.id).where(Call.edition_id == edition.id)))
    return [a for a in db.session.scalars(select(Application)) if a.call_id in calls]


def test_applications_per_call_subsector_and_kecamatan_equal_the_database(client, world, english_staff):
    html = _page(client, world)
    apps = _apps(world.edition)
    submitted = [a for a in apps if a.submitted_at is not None]
    per_call = Counter(a.call.name_en for a in submitted)
    calls = db.session.scalars(select(Call).where(Call.edition_id == world.edition.id)).all()
    assert {label: number(v) for label, v in tips(chart(html, "chart-calls")).items()} == {
        call.name_en: per_call[call.name_en] for call in calls}
    from flask_babel import force_locale

    with force_locale("en"):
        subsectors = {s.label: 0 for s in Subsector} | {"Not given": 0}
        for a in submitted:
            subsectors[a.subsector.label if a.subsector else "Not given"] += 1
        districts = {d.label: 0 for d in District} | {"Not given": 0}
        for a in submitted:
            districts[a.district.label if a.district else "Not given"] += 1
    for ident, expected in (("chart-subsectors", subsectors), ("chart-districts", districts)):
        if not expected["Not given"]:
            del expected["Not given"]
        assert {label: number(v) for label, v in tips(chart(html, ident)).items()} == expected, ident
    assert sum(per_call.values()) > 20 and len([n for n in subsectors.values() if n]) > 5  # the data is varied


def test_the_funnel_equals_the_database(client, world, english_staff):
    html = _page(client, world)
    apps = _apps(world.edition)
    reviewed = {r.application_id for r in db.session.scalars(select(ReviewAssignment))
                if r.status == AssignmentStatus.SUBMITTED}
    bookings = {b.application_id: b for b in db.session.scalars(select(Booking))
                if b.status in (BookingStatus.HELD, BookingStatus.CONFIRMED)}

    def booked(a):
        b = bookings.get(a.id)
        return b is not None and (b.status == BookingStatus.CONFIRMED or b.expires_at > NOW)

    expected = [len(apps), sum(a.submitted_at is not None for a in apps), sum(a.id in reviewed for a in apps),
                sum(a.decided_at is not None for a in apps), sum(a.status == S.ACCEPTED for a in apps),
                sum(booked(a) for a in apps),
                sum(a.id in bookings and bookings[a.id].status == BookingStatus.CONFIRMED for a in apps)]
    shown = [number(v.split(" · ")[0]) for v in tips(chart(html, "chart-funnel")).values()]
    assert shown == expected
    assert expected[0] > expected[1] > expected[2] > 0 and expected[5] > expected[6] > 0


def test_submissions_per_day_are_denpasar_days_from_opening_to_the_deadline(client, world, english_staff):
    html = _page(client, world)
    per_day = Counter(a.submitted_at.astimezone(DENPASAR).date() for a in _apps(world.edition) if a.submitted_at)
    svg = chart(html, "chart-daily")
    shown = {label: number(v) for label, v in tips(svg).items()}
    assert shown == {f"{day:%b} {day.day}": n for day, n in per_day.items()}
    assert "Deadline" in svg and 'stroke-dasharray' in svg
    # The table lists every day of the window, 1 March to 31 May (Denpasar), zeros included.
    assert html.count("<tr><th scope=\"row\">") >= 92
    assert "May 31, 2027 <small>(deadline)</small>" in html
    # A submission at 16:30 UTC counts on the next Denpasar day.
    late = [a for a in _apps(world.edition) if a.submitted_at and a.submitted_at.hour == 16]
    assert late and all(a.submitted_at.astimezone(DENPASAR).date() > a.submitted_at.date() for a in late)


def test_stall_occupancy_per_zone_equals_the_database(client, world, english_staff):
    html = _page(client, world)
    zones = db.session.scalars(select(Zone).where(Zone.edition_id == world.edition.id)).all()
    live = {b.stall_id: b for b in db.session.scalars(select(Booking))
            if b.status in (BookingStatus.HELD, BookingStatus.CONFIRMED)}
    expected = {}
    for zone in zones:
        counts = Counter()
        for stall in db.session.scalars(select(Stall).where(Stall.zone_id == zone.id)):
            b = live.get(stall.id)
            if stall.blocked:
                counts["Not for sale"] += 1
            elif b is not None and b.status == BookingStatus.CONFIRMED:
                counts["Booked"] += 1
            elif b is not None and b.expires_at > NOW:
                counts["Held"] += 1
            else:
                counts["Free"] += 1
        expected.update({f"{zone.name_en}, {state}": str(n) for state, n in counts.items()})
    assert tips(chart(html, "chart-zones")) == expected
    assert any(key.endswith("Held") for key in expected) and any(key.endswith("Not for sale") for key in expected)


def test_revenue_equals_the_ledger_and_the_bookings(client, world, english_staff):
    html = _page(client, world)
    bookings = {b.id: b for b in db.session.scalars(select(Booking)) if b.edition_id == world.edition.id}
    links = {link.payment_id: link.booking_id for link in db.session.scalars(select(BookingPayment))}
    paid = refunded = 0
    for payment in db.session.scalars(select(Payment)):
        if links.get(payment.id) not in bookings:
            continue
        if payment.status in (PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED):
            paid += payment.amount
        refunded += payment.amount_refunded
    outstanding = sum(b.fee for b in bookings.values()
                      if b.status == BookingStatus.HELD and b.expires_at > NOW and not b.fee_waived)
    waived = sum(b.fee for b in bookings.values() if b.status == BookingStatus.CONFIRMED and b.fee_waived)
    shown = {label: int(re.sub(r"\D", "", v)) for label, v in tips(chart(html, "chart-revenue")).items()}
    assert shown == {"Paid": paid, "Refunded": refunded, "Awaiting payment": outstanding, "Waived": waived}
    assert min(shown.values()) > 0
    assert f"IDR {paid - refunded:,}" in html  # kept, in the table


def test_attendance_milestones_and_mentoring_equal_the_database(client, world, english_staff):
    html = _page(client, world)
    cohorts = {c.id: c for c in db.session.scalars(select(Cohort)) if c.edition_id == world.edition.id}
    admitted = Counter(p.cohort_id for p in db.session.scalars(select(CohortParticipant))
                       if p.status == ParticipantStatus.ADMITTED)
    marks = Counter(m.session_id for m in db.session.scalars(select(Attendance))
                    if m.status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE))
    sessions = [s for s in db.session.scalars(select(CohortSession)) if s.cohort_id in cohorts]
    assert tips(chart(html, "chart-attendance")) == {
        f"{cohorts[s.cohort_id].name_en} · {s.title_en}": f"{marks[s.id]} / {admitted[s.cohort_id]}" for s in sessions}
    accepted = Counter(r.milestone_id for r in db.session.scalars(select(ProgressReport))
                       if r.status == ReportStatus.ACCEPTED)
    milestones = [m for m in db.session.scalars(select(Milestone)) if m.cohort_id in cohorts]
    assert tips(chart(html, "chart-milestones")) == {
        f"{cohorts[m.cohort_id].name_en} · {m.title_en}": f"{accepted[m.id]} / {admitted[m.cohort_id]}"
        for m in milestones}

    today = NOW.astimezone(DENPASAR).date()
    meetings = {}
    for meeting in db.session.scalars(select(Meeting)):
        meetings.setdefault(meeting.mentorship_id, []).append(meeting.held_on)
    buckets, quiet = Counter(), 0
    for pair in db.session.scalars(select(Mentorship)):
        held = meetings.get(pair.id, [])
        if pair.cohort_id not in cohorts or pair.status == MentorshipStatus.DECLINED:
            continue
        if pair.status == MentorshipStatus.OFFERED and not held:
            continue
        buckets[min(len(held), 5)] += 1
        last = max(held) if held else pair.responded_at.date()
        quiet += pair.status == MentorshipStatus.ACCEPTED and (today - last).days >= 30
    labels = ["0 meetings", "1 meeting", "2 meetings", "3 meetings", "4 meetings", "5 or more meetings"]
    assert tips(chart(html, "chart-meetings")) == {label: str(buckets[n]) for n, label in enumerate(labels)}
    assert quiet > 0
    footer = re.search(r"<tfoot>.*?</tfoot>", html, re.S).group(0)
    assert re.findall(r"<td>([^<]*)</td>", footer)[-1] == str(quiet)


def test_the_page_runs_as_many_statements_whatever_the_data(client, english_staff):
    small = build_world(scale=1, seed=1)
    few, _ = count_statements(client, f"/staff/dashboards/{small.edition.id}", queries_only=True)
    large = build_world(scale=4, seed=2)
    many, html = count_statements(client, f"/staff/dashboards/{large.edition.id}", queries_only=True)
    assert few == many == STATEMENTS
    assert len(_apps(large.edition)) == 160


def test_charts_are_accessible_svg_with_their_tables(client, world, english_staff):
    html = _page(client, world)
    svgs = re.findall(r"<svg[^>]*>", html)
    assert len(svgs) == 10
    for tag in svgs:
        assert 'role="img"' in tag and 'viewBox="0 0 360 ' in tag and 'width="100%"' in tag
        ident = re.search(r'aria-labelledby="([\w-]+)-title \1-desc"', tag).group(1)
        assert f'<title id="{ident}-title">' in html and f'<desc id="{ident}-desc">' in html
    assert html.count('<div class="table-wrap" tabindex="0" role="region"') == 10
    assert "<script" not in html.split("<main", 1)[1]  # no JavaScript needed


def test_numbers_follow_the_viewers_language(client, login, world):
    login(UserFactory(staff=True, locale="id"))
    html = _page(client, world)
    amounts = list(tips(chart(html, "chart-revenue")).values())
    assert all(re.fullmatch(r"Rp\s\d{1,3}(\.\d{3})+", amount) for amount in amounts), amounts  # Rp 1.234.000
    assert "31 Mei 2027 <small>" in html  # the deadline's day in the daily table, in Indonesian
    assert re.search(r"<title>\d{1,2} (Mar|Apr|Mei): \d+</title>", html)  # the columns' days


def test_latest_edition_picker_and_access(client, login, world):
    staff = UserFactory(staff=True, locale="en")
    login(staff)
    page = text(client.get("/staff/dashboards"))
    heading = page.split("<h1>")[1].split("</h1>")[0]
    assert world.edition.name.replace("'", "&#39;") in heading  # the latest edition (2027, not 2026)
    assert f'<option value="{world.other.id}"' in page
    response = client.get(f"/staff/dashboards?edition={world.other.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/staff/dashboards/{world.other.id}")
    assert client.get("/staff/dashboards/999999").status_code == 404
    assert 'href="/staff/dashboards"' in text(client.get("/staff/"))  # linked from the desk


@pytest.mark.parametrize("traits", [{}, {"mentor": True}, {"reviewer": True}])
def test_only_staff_open_the_dashboards(client, login, world, traits):
    login(UserFactory(**traits))
    assert client.get("/staff/dashboards").status_code == 403
    assert client.get(f"/staff/dashboards/{world.edition.id}").status_code == 403


def test_an_empty_portal_says_so(client, english_staff):
    page = text(client.get("/staff/dashboards"))
    assert "There is no festival edition yet" in page
