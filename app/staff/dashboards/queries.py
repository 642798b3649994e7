"""The festival side of an edition's dashboard: applications per call, subsector, kecamatan and day, the funnel,
stall occupancy per zone and revenue.

Every function runs one GROUP BY statement (revenue two) whatever the number of applications, stalls or payments;
applications per call, subsector and kecamatan and the funnel come from a single scan (`applications`). The page's
statement count is fixed (tests/staff/test_dashboards.py pins it). Other domains' models are read here, never their
services; where a rule of theirs is needed (a stall's state, a live booking) it is written again in SQL and says so.
The statements go to `reads()` (app/core/replica.py): the read replica when one is configured, as in incubator.py.

The funnel counts how many applications of the edition reached each stage (an application withdrawn later still
counts in the stages it reached):
- started: every application, drafts included;
- submitted: `submitted_at` is set;
- reviewed: at least one reviewer submitted scores (a `submitted` review assignment);
- decided: a decision was released (`decided_at` is set: accepted, waitlisted or not selected, even if later
  withdrawn); a decision drafted but not sent does not count;
- accepted: the application is accepted now;
- booked: it has a live booking (confirmed, or held and not yet expired);
- paid: its booking is confirmed (paid, or its fee waived: see revenue for the split).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select

from app.core.i18n import TimeZone
from app.core.replica import reads
from app.festival.models import Application, Call, Edition, ReviewAssignment
from app.festival.models.application import ApplicationStatus as S
from app.festival.models.review import AssignmentStatus
from app.payments.models import Payment, PaymentStatus
from app.stalls.models import LIVE, Booking, BookingPayment, BookingStatus, Stall, Zone

# Days are Denpasar days: the deadline is set and announced in Denpasar time, whoever looks at the chart.
DAY_ZONE = TimeZone.DENPASAR.value
RECEIVED = (PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED)
FUNNEL = ("started", "submitted", "reviewed", "decided", "accepted", "booked", "paid")


def _count(condition) -> object:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _total(condition, amount) -> object:
    return func.coalesce(func.sum(case((condition, amount), else_=0)), 0)


def editions() -> list[tuple[int, str, date]]:
    """(id, name, first day) of every edition, newest first: the picker, and the latest for /staff/dashboards."""
    return [tuple(row) for row in reads().execute(
        select(Edition.id, Edition.name, Edition.starts_on).order_by(Edition.starts_on.desc(), Edition.id.desc()))]


def _of_edition(edition_id: int):
    return Application.call_id.in_(select(Call.id).where(Call.edition_id == edition_id))


@dataclass
class CallCounts:
    call_id: int
    name_ind: str
    name_en: str
    drafts: int = 0
    submitted: int = 0
    accepted: int = 0

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_ind


@dataclass
class Applications:
    """The edition's applications counted four ways from one scan: per call (every call, those without applications
    too, in the edition's order), submitted ones per subsector and per kecamatan (None: not given), and the funnel
    (`FUNNEL` stage → applications that reached it)."""

    calls: list[CallCounts]
    subsectors: Counter
    districts: Counter
    funnel: dict[str, int]


def applications(edition_id: int, moment: datetime) -> Applications:
    """One statement grouped by call, subsector and kecamatan (a few hundred groups at most, whatever the number of
    applications), folded here into the four figures."""
    reviewed = select(ReviewAssignment.application_id).where(ReviewAssignment.status == AssignmentStatus.SUBMITTED)
    # A live booking as the stalls domain defines it: confirmed, or held until `expires_at` (a held row past its
    # deadline is dead even before it is flipped to expired). One row at most per application (partial unique index).
    live = and_(Booking.application_id == Application.id, Booking.status.in_(LIVE))
    booked = (Booking.status == BookingStatus.CONFIRMED) | (
        (Booking.status == BookingStatus.HELD) & (Booking.expires_at > moment))
    rows = reads().execute(
        select(Call.id, Call.name_ind, Call.name_en, Application.subsector, Application.district,
               func.count(Application.id), _count(Application.status == S.DRAFT),
               _count(Application.submitted_at.is_not(None)), _count(Application.id.in_(reviewed)),
               _count(Application.decided_at.is_not(None)), _count(Application.status == S.ACCEPTED),
               _count(booked), _count(Booking.status == BookingStatus.CONFIRMED))
        .outerjoin(Application, Application.call_id == Call.id).outerjoin(Booking, live)
        .where(Call.edition_id == edition_id)
        .group_by(Call.id, Call.name_ind, Call.name_en, Call.position, Application.subsector, Application.district)
        .order_by(Call.position, Call.id))
    calls: dict[int, CallCounts] = {}
    subsectors: Counter = Counter()
    districts: Counter = Counter()
    funnel = dict.fromkeys(FUNNEL, 0)
    for call_id, name_ind, name_en, subsector, district, *counts in rows:
        started, drafts, submitted, *later = (int(n) for n in counts)
        line = calls.setdefault(call_id, CallCounts(call_id, name_ind, name_en))
        line.drafts += drafts
        line.submitted += submitted
        line.accepted += later[2]
        if submitted:
            subsectors[subsector] += submitted
            districts[district] += submitted
        for stage, n in zip(FUNNEL, (started, submitted, *later), strict=True):
            funnel[stage] += n
    return Applications(list(calls.values()), subsectors, districts, funnel)


@dataclass
class Daily:
    opens_on: date  # the first and last day shown (Denpasar days), the deadline's day among them
    ends_on: date
    deadline_on: date
    counts: dict[date, int] = field(default_factory=dict)

    @property
    def days(self) -> list[tuple[date, int]]:
        span = (self.ends_on - self.opens_on).days + 1
        return [(day, self.counts.get(day, 0)) for day in (self.opens_on + timedelta(n) for n in range(span))]


def _local_day(column):
    """The Denpasar day of a UTC timestamp, in SQL (Asia/Makassar keeps UTC+8 all year: no daylight saving)."""
    if reads().get_bind().dialect.name == "postgresql":
        return func.date(func.timezone(DAY_ZONE, column))
    offset = datetime.now(ZoneInfo(DAY_ZONE)).utcoffset() or timedelta()
    return func.date(column, f"{int(offset.total_seconds() // 60):+d} minutes")


def per_day(edition: Edition) -> Daily:
    """Submissions per Denpasar day, from the day applications open to the deadline's day (stretched to a late
    submission recorded by staff, if any)."""
    day = _local_day(Application.submitted_at)
    counts: dict[date, int] = {}
    for value, n in reads().execute(
            select(day, func.count(Application.id))
            .where(_of_edition(edition.id), Application.submitted_at.is_not(None)).group_by(day)):
        key = value if isinstance(value, date) else date.fromisoformat(value)
        counts[key] = int(n)
    zone = ZoneInfo(DAY_ZONE)
    opens = edition.applications_open_at.astimezone(zone).date()
    deadline = edition.applications_close_at.astimezone(zone).date()
    return Daily(min([opens, *counts]), max([deadline, *counts]), deadline, counts)


@dataclass(frozen=True)
class ZoneOccupancy:
    zone_id: int
    name_ind: str
    name_en: str
    stalls: int
    booked: int
    held: int
    blocked: int

    @property
    def free(self) -> int:
        return self.stalls - self.booked - self.held - self.blocked

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_ind


def occupancy(edition_id: int, moment: datetime) -> list[ZoneOccupancy]:
    """Stalls per zone and state. The state is the stalls domain's rule (`stalls.services.map.state_of`) in SQL:
    blocked first, then a confirmed booking (booked), then a hold before its deadline (held), else free."""
    open_stall = Stall.blocked.is_(False)
    rows = reads().execute(
        select(Zone.id, Zone.name_ind, Zone.name_en, func.count(Stall.id),
               _count(open_stall & (Booking.status == BookingStatus.CONFIRMED)),
               _count(open_stall & (Booking.status == BookingStatus.HELD) & (Booking.expires_at > moment)),
               _count(Stall.blocked.is_(True)))
        .outerjoin(Stall, Stall.zone_id == Zone.id)
        .outerjoin(Booking, and_(Booking.stall_id == Stall.id, Booking.status.in_(LIVE)))
        .where(Zone.edition_id == edition_id)
        .group_by(Zone.id, Zone.name_ind, Zone.name_en, Zone.position).order_by(Zone.position, Zone.id))
    return [ZoneOccupancy(*row[:3], *(int(n) for n in row[3:])) for row in rows]


@dataclass(frozen=True)
class Revenue:
    """Whole rupiah. paid: money received for the edition's stalls (refunds included, `refunded` says how much went
    back); outstanding: fees of holds not yet paid and not expired; waived: fees of confirmed bookings staff waived."""

    paid: int
    paid_count: int
    refunded: int
    refunded_count: int
    outstanding: int
    outstanding_count: int
    waived: int
    waived_count: int

    @property
    def net(self) -> int:
        return self.paid - self.refunded


def revenue(edition_id: int, moment: datetime) -> Revenue:
    received = Payment.status.in_(RECEIVED)
    paid = reads().execute(
        select(_total(received, Payment.amount), _count(received),
               func.coalesce(func.sum(Payment.amount_refunded), 0), _count(Payment.amount_refunded > 0))
        .join(BookingPayment, BookingPayment.payment_id == Payment.id)
        .join(Booking, Booking.id == BookingPayment.booking_id)
        .where(Booking.edition_id == edition_id, Payment.currency == "IDR")).one()
    awaiting = ((Booking.status == BookingStatus.HELD) & (Booking.expires_at > moment)
                & Booking.fee_waived.is_(False) & (Booking.fee > 0))
    waived = (Booking.status == BookingStatus.CONFIRMED) & Booking.fee_waived.is_(True)
    bookings = reads().execute(
        select(_total(awaiting, Booking.fee), _count(awaiting), _total(waived, Booking.fee), _count(waived))
        .where(Booking.edition_id == edition_id, Booking.status.in_(LIVE))).one()
    return Revenue(*(int(n) for n in (*paid, *bookings)))
