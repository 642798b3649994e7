"""The staff list of applications: filters, search, sort and one page of rows, in a fixed number of queries.

The rows carry only the columns the list shows (no entity loading, no lazy loads), and the total is counted with one
query, so the number of SQL statements does not grow with the rows shown. Drafts are never listed: they stay private
to their applicant until submitted.
"""

from dataclasses import dataclass
from typing import Any, NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select

from app.accounts.models import User
from app.core.permissions import require_staff
from app.extensions import db
from app.festival.models import Application, Call
from app.festival.models.application import ApplicationStatus as S
from app.festival.vocab import District, Subsector

LISTED_STATUSES = tuple(status for status in S if status != S.DRAFT)

SORTS = {
    "newest": _l("Newest submission first"),
    "oldest": _l("Oldest submission first"),
    "score": _l("Highest score first"),
    "score_low": _l("Lowest score first"),
}
DEFAULT_SORT = "newest"


@dataclass
class ApplicationFilters:
    """What the staff list is narrowed to; every field is optional."""

    edition_id: int | None = None
    call_id: int | None = None
    status: S | None = None
    subsector: Subsector | None = None
    district: District | None = None
    score_min: float | None = None
    score_max: float | None = None
    search: str = ""
    sort: str = DEFAULT_SORT


class ApplicationPage(NamedTuple):
    """One page of list rows and the number of applications matching the filters."""

    rows: list[Any]
    total: int


def _columns() -> Select:
    return select(
        Application.id, Application.reference, Application.full_name, Application.business_name,
        Application.subsector, Application.district, Application.status, Application.score_mean,
        Application.score_spread, Application.review_count, Application.submitted_at, Application.call_id,
        Application.draft_decision, Call.name_ind.label("call_name_ind"), Call.name_en.label("call_name_en"),
    ).join(Call, Call.id == Application.call_id)


def _where(query: Select, filters: ApplicationFilters) -> Select:
    query = query.where(Application.status.in_(LISTED_STATUSES))
    if filters.edition_id is not None:
        query = query.where(Call.edition_id == filters.edition_id)
    if filters.call_id is not None:
        query = query.where(Application.call_id == filters.call_id)
    if filters.status is not None:
        query = query.where(Application.status == filters.status)
    if filters.subsector is not None:
        query = query.where(Application.subsector == filters.subsector)
    if filters.district is not None:
        query = query.where(Application.district == filters.district)
    if filters.score_min is not None:
        query = query.where(Application.score_mean >= filters.score_min)
    if filters.score_max is not None:
        query = query.where(Application.score_mean <= filters.score_max)
    term = filters.search.strip().lower()
    if term:
        query = query.where(or_(
            func.lower(Application.full_name).contains(term, autoescape=True),
            func.lower(Application.business_name).contains(term, autoescape=True),
            func.lower(Application.reference).contains(term, autoescape=True),
        ))
    return query


def _ordered(query: Select, sort: str) -> Select:
    unscored_last = Application.score_mean.is_(None)
    if sort == "oldest":
        return query.order_by(Application.submitted_at.asc(), Application.id.asc())
    if sort == "score":
        return query.order_by(unscored_last, Application.score_mean.desc(), Application.submitted_at.asc(),
                              Application.id.asc())
    if sort == "score_low":
        return query.order_by(unscored_last, Application.score_mean.asc(), Application.submitted_at.asc(),
                              Application.id.asc())
    return query.order_by(Application.submitted_at.desc(), Application.id.desc())


def list_applications(actor: User, filters: ApplicationFilters | None, page: int,
                      per_page: int = 50) -> ApplicationPage:
    """Page `page` (from 1) of the applications staff may list, and how many match. Two SQL statements."""
    require_staff(actor, _l("Only staff can list applications."))
    filters = filters or ApplicationFilters()
    page = max(page, 1)
    total = db.session.scalar(
        # count(*), not count(id): PostgreSQL can then count from the (call_id, status, …) index alone.
        _where(select(func.count()).select_from(Application).join(Call, Call.id == Application.call_id), filters)
    ) or 0
    query = _ordered(_where(_columns(), filters), filters.sort).limit(per_page).offset((page - 1) * per_page)
    return ApplicationPage(list(db.session.execute(query)), total)


def matching(query: Select, filters: ApplicationFilters, *, ordered: bool = True) -> Select:
    """`query` (over applications joined to their call) narrowed, and ordered unless `ordered=False`, exactly as the
    staff list is under `filters`: the list's export counts and streams with it."""
    query = _where(query, filters)
    return _ordered(query, filters.sort) if ordered else query


def page_count(total: int, per_page: int) -> int:
    return max((total + per_page - 1) // per_page, 1)


RANKED_STATUSES = (S.SUBMITTED, S.UNDER_REVIEW, S.ACCEPTED, S.WAITLISTED, S.REJECTED)


def rank_call(actor: User, call: Call) -> list[Any]:
    """The call's submitted, under-review and decided applications, best score first (unscored last); ties go to
    the application with more reviews, then to the earlier submission."""
    require_staff(actor, _l("Only staff can see the ranking."))
    query = (
        select(Application.id, Application.reference, Application.full_name, Application.business_name,
               Application.status, Application.score_mean, Application.score_spread, Application.review_count,
               Application.submitted_at)
        .where(Application.call_id == call.id, Application.status.in_(RANKED_STATUSES))
        .order_by(Application.score_mean.is_(None), Application.score_mean.desc(), Application.review_count.desc(),
                  Application.submitted_at.asc(), Application.id.asc())
    )
    return list(db.session.execute(query))
