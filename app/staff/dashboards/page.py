"""An edition's dashboard, put together: the figures (`queries`, `incubator`) and their charts, in the viewer's
language. Read-only: nothing here changes a row, so nothing is audited."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup

from app.core.permissions import require_staff
from app.core.vocab import District, Subsector, Vocabulary, declare_labels
from app.festival.models import Edition
from app.staff.dashboards import charts, incubator, queries
from app.staff.dashboards.charts import Bar, Series, Stack
from app.staff.dashboards.formats import Formats


class FunnelStage(Vocabulary):
    """The funnel's stages (queries.FUNNEL, defined there), with their labels."""

    STARTED = "started"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"
    DECIDED = "decided"
    ACCEPTED = "accepted"
    BOOKED = "booked"
    PAID = "paid"


declare_labels(FunnelStage, {
    FunnelStage.STARTED: _l("Started (drafts included)"),
    FunnelStage.SUBMITTED: _l("Submitted"),
    FunnelStage.REVIEWED: _l("Reviewed (at least one score)"),
    FunnelStage.DECIDED: _l("Decision sent"),
    FunnelStage.ACCEPTED: _l("Accepted"),
    FunnelStage.BOOKED: _l("Stall booked or held"),
    FunnelStage.PAID: _l("Stall paid or fee waived"),
})


@dataclass
class Dashboard:
    edition: Edition
    fmt: Formats
    locale: str
    calls: list[queries.CallCounts]
    subsectors: list[tuple[str, int]]
    districts: list[tuple[str, int]]
    funnel: list[tuple[str, int, str]]  # label, count, share of the first stage
    daily: queries.Daily
    zones: list[queries.ZoneOccupancy]
    revenue: queries.Revenue
    cohorts: dict[int, incubator.CohortLine]
    sessions: list[incubator.SessionAttendance]
    milestones: list[incubator.MilestoneCompletion]
    mentoring: incubator.Mentoring
    charts: dict[str, Markup]

    @property
    def submitted(self) -> int:
        return sum(call.submitted for call in self.calls)

    def cohort_name(self, cohort_id: int) -> str:
        line = self.cohorts.get(cohort_id)
        return line.name(self.locale) if line else ""

    def within(self, cohort_id: int, title: str) -> str:
        """A session's or milestone's title, after its cohort's name when the edition has several cohorts."""
        return f"{self.cohort_name(cohort_id)} · {title}" if len(self.cohorts) > 1 else title

    def admitted(self, cohort_id: int) -> int:
        line = self.cohorts.get(cohort_id)
        return line.admitted if line else 0


def _labelled(counts: dict, vocabulary) -> list[tuple[str, int]]:
    """Every member of the vocabulary (zeros too, so that gaps show), then "not given" if any, most first."""
    rows = [(member.label, counts.get(member, 0)) for member in vocabulary]
    rows.sort(key=lambda row: (-row[1], row[0].casefold()))
    if counts.get(None):
        rows.append((_("Not given"), counts[None]))
    return rows


def build(actor: Any, edition: Edition, moment: datetime, locale: str) -> Dashboard:
    require_staff(actor, _l("Only staff can see the dashboards."))
    fmt = Formats()
    today = moment.astimezone(ZoneInfo(queries.DAY_ZONE)).date()
    figures = queries.applications(edition.id, moment)
    funnel, started = figures.funnel, figures.funnel["started"]
    board = Dashboard(
        edition=edition, fmt=fmt, locale=locale, calls=figures.calls,
        subsectors=_labelled(figures.subsectors, Subsector), districts=_labelled(figures.districts, District),
        funnel=[(FunnelStage(stage).label, funnel[stage], fmt.percent(funnel[stage], started))
                for stage in queries.FUNNEL],
        daily=queries.per_day(edition), zones=queries.occupancy(edition.id, moment),
        revenue=queries.revenue(edition.id, moment), cohorts=incubator.cohorts(edition.id),
        sessions=incubator.attendance(edition.id), milestones=incubator.milestones(edition.id),
        mentoring=incubator.mentoring(edition.id, today), charts={})
    board.charts = _charts(board, today)
    return board


def _bars(rows: list[tuple[str, int]], fmt: Formats) -> list[Bar]:
    return [Bar(label, n, fmt.number(n)) for label, n in rows]


def _charts(board: Dashboard, today: date) -> dict[str, Markup]:
    fmt, locale, revenue = board.fmt, board.locale, board.revenue
    found = {
        "calls": charts.bar_chart(
            "chart-calls", _("Submitted applications per call"),
            _("%(n)s submitted applications in %(calls)s calls.", n=fmt.number(board.submitted),
              calls=fmt.number(len(board.calls))),
            [Bar(call.name(locale), call.submitted, fmt.number(call.submitted)) for call in board.calls]),
        "subsectors": charts.bar_chart(
            "chart-subsectors", _("Submitted applications per subsector"),
            _("The 17 creative-economy subsectors, most applications first."), _bars(board.subsectors, fmt),
            charts.GREEN),
        "districts": charts.bar_chart(
            "chart-districts", _("Submitted applications per kecamatan"),
            _("Denpasar's four kecamatan, and applicants living elsewhere."), _bars(board.districts, fmt)),
        "funnel": charts.funnel_chart(
            "chart-funnel", _("From draft to paid stall"),
            _("How many applications reached each stage, and their share of all applications started."),
            [Bar(label, n, f"{fmt.number(n)} · {share}") for label, n, share in board.funnel]),
    }
    daily = board.daily
    found["daily"] = charts.daily_chart(
        "chart-daily", _("Applications submitted per day"),
        _("From %(first)s to %(last)s, Denpasar days; the deadline is %(deadline)s.",
          first=fmt.day(daily.opens_on), last=fmt.day(daily.ends_on), deadline=fmt.day(daily.deadline_on)),
        daily.days, deadline=daily.deadline_on, day_text=fmt.short_day, number_text=fmt.number,
        deadline_label=_("Deadline"))
    found["zones"] = charts.stacked_chart(
        "chart-zones", _("Stalls per zone"), _("Booked, held, free and not-for-sale stalls of each zone."),
        [Stack(zone.name(locale), (zone.booked, zone.held, zone.free, zone.blocked),
               f"{fmt.number(zone.booked + zone.held)} / {fmt.number(zone.stalls)}") for zone in board.zones],
        [Series(_("Booked"), charts.BLUE), Series(_("Held"), charts.ORANGE),
         Series(_("Free"), charts.PALE, outline=True), Series(_("Not for sale"), charts.GREY)])
    found["revenue"] = charts.bar_chart(
        "chart-revenue", _("Stall fees"), _("Paid, refunded, awaiting payment and waived, in rupiah."),
        [Bar(_("Paid"), revenue.paid, fmt.money(revenue.paid)),
         Bar(_("Refunded"), revenue.refunded, fmt.money(revenue.refunded)),
         Bar(_("Awaiting payment"), revenue.outstanding, fmt.money(revenue.outstanding)),
         Bar(_("Waived"), revenue.waived, fmt.money(revenue.waived))], charts.GREEN)
    found["attendance"] = charts.bar_chart(
        "chart-attendance", _("Attendance per session"),
        _("Participants present or late at each session, out of the cohort's admitted participants."),
        [Bar(board.within(session.cohort_id, session.title(locale)), session.attended,
             f"{fmt.number(session.attended)} / {fmt.number(board.admitted(session.cohort_id))}")
         for session in board.sessions])
    found["milestones"] = charts.bar_chart(
        "chart-milestones", _("Milestones completed"),
        _("Participants whose report on each milestone was accepted, out of the cohort's admitted participants."),
        [Bar(board.within(m.cohort_id, m.title(locale)), m.accepted,
             f"{fmt.number(m.accepted)} / {fmt.number(board.admitted(m.cohort_id))}") for m in board.milestones],
        charts.GREEN)
    buckets = board.mentoring.by_meetings
    found["meetings"] = charts.bar_chart(
        "chart-meetings", _("Pairs by meetings held"),
        _("How many mentoring pairs held no meeting, one meeting, two, and so on."),
        [Bar(_meetings_label(n, last=n == len(buckets) - 1), pairs, fmt.number(pairs))
         for n, pairs in enumerate(buckets)])
    return found


def _meetings_label(n: int, *, last: bool) -> str:
    if last:
        return _("%(num)s or more meetings", num=n)
    return ngettext("%(num)s meeting", "%(num)s meetings", n)
