"""The staff list of applications as a file: the list's own filters and order (festival `listing.matching`), with
scores and review counts, and NIK and phone for staff who may see them."""

from collections.abc import Iterator
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.permissions import sees_personal_data
from app.exports.services import check_may_export
from app.exports.tabular import Column, Export
from app.extensions import db
from app.festival.models import Application, Call, Edition
from app.festival.services.listing import ApplicationFilters, matching

BATCH = 1000  # rows fetched per round trip (a server-side cursor on PostgreSQL)


def columns(locale: str) -> list[Column]:
    call_name = (lambda r: r.call_name_en or r.call_name_ind) if locale == "en" else (lambda r: r.call_name_ind)
    return [
        Column(_l("Reference"), lambda r: r.reference),
        Column(_l("Submitted"), lambda r: r.submitted_at, zoned=True),
        Column(_l("Edition"), lambda r: r.edition_name),
        Column(_l("Call"), call_name),
        Column(_l("Status"), lambda r: r.status),
        Column(_l("Drafted decision"), lambda r: r.draft_decision),
        Column(_l("Full name"), lambda r: r.full_name),
        Column(_l("Business"), lambda r: r.business_name),
        Column(_l("Subsector"), lambda r: r.subsector),
        Column(_l("District"), lambda r: r.district),
        Column(_l("Mean score"), lambda r: r.score_mean),
        Column(_l("Score spread"), lambda r: r.score_spread),
        Column(_l("Reviews"), lambda r: r.review_count),
        Column(_l("NIK"), lambda r: r.nik, personal=True),
        Column(_l("Phone"), lambda r: r.phone_e164, personal=True),
    ]


def _query(personal: bool):
    personal_columns = (Application.nik, Application.phone_e164) if personal else ()
    return (
        select(Application.reference, Application.submitted_at, Edition.name.label("edition_name"),
               Call.name_ind.label("call_name_ind"), Call.name_en.label("call_name_en"), Application.status,
               Application.draft_decision, Application.full_name, Application.business_name, Application.subsector,
               Application.district, Application.score_mean, Application.score_spread, Application.review_count,
               *personal_columns)
        .select_from(Application).join(Call, Call.id == Application.call_id)
        .join(Edition, Edition.id == Call.edition_id)
    )


def _rows(session: Session, filters: ApplicationFilters, personal: bool) -> Iterator[Any]:
    # NIK and phone are not even read for staff who may not see them (their columns are left out).
    yield from session.execute(matching(_query(personal), filters).execution_options(yield_per=BATCH))


def export(actor: Any, filters: ApplicationFilters, locale: str) -> Export:
    check_may_export(actor)
    personal = sees_personal_data(actor)
    count = db.session.scalar(matching(
        select(func.count()).select_from(Application).join(Call, Call.id == Application.call_id), filters,
        ordered=False)) or 0
    return Export("applications", columns(locale), count, lambda session: _rows(session, filters, personal),
                  filters={
        "edition_id": filters.edition_id, "call_id": filters.call_id,
        "status": filters.status.value if filters.status else None,
        "subsector": filters.subsector.value if filters.subsector else None,
        "district": filters.district.value if filters.district else None,
        "score_min": filters.score_min, "score_max": filters.score_max, "q": filters.search, "sort": filters.sort,
    })
