"""The mentoring meetings of a cohort's pairs as a file: one row per meeting of the pairs the staff page lists under
its own filter (mentoring `overview.cohort_pairs`, "gone quiet only" included). Meeting notes stay out: they are
between mentor and mentee."""

from collections.abc import Iterator
from functools import partial
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.cohorts.models import Cohort
from app.exports.services import check_may_export
from app.exports.tabular import Column, Export
from app.extensions import db
from app.mentoring.models import Meeting
from app.mentoring.services.overview import cohort_pairs

BATCH = 1000


def _columns(pairs: dict[int, tuple]) -> list[Column]:
    def of_pair(index: int):
        return lambda row: pairs[row.mentorship_id][index]

    return [
        Column(_l("Mentor"), of_pair(0)),
        Column(_l("Participant"), of_pair(1)),
        Column(_l("Pair status"), of_pair(2)),
        Column(_l("Date"), lambda row: row.held_on),
        Column(_l("Minutes"), lambda row: row.duration_minutes),
        Column(_l("Topics"), lambda row: row.topics),
        Column(_l("Rating"), lambda row: row.rating),
    ]


def _meetings(session: Session, pair_ids: list[int]) -> Iterator[Any]:
    if not pair_ids:
        return
    query = (select(Meeting.mentorship_id, Meeting.held_on, Meeting.duration_minutes, Meeting.topics, Meeting.rating)
             .where(Meeting.mentorship_id.in_(pair_ids)).order_by(Meeting.held_on, Meeting.id))
    yield from session.execute(query.execution_options(yield_per=BATCH))


def export(actor: Any, cohort: Cohort, only_quiet: bool) -> Export:
    check_may_export(actor)
    # Names read now, as plain values: the commit of the audit entry expires the loaded pairs.
    pairs = {line.pair.id: (line.pair.mentor.name, line.pair.participant.user.name, line.pair.status)
             for line in cohort_pairs(cohort.id, only_quiet)}
    count = db.session.scalar(
        select(func.count()).select_from(Meeting).where(Meeting.mentorship_id.in_(list(pairs)))) if pairs else 0
    return Export("meetings", _columns(pairs), count or 0, partial(_meetings, pair_ids=list(pairs)),
                  filters={"cohort_id": cohort.id, "quiet": only_quiet or None})
