"""A cohort's participants, and a session's attendance sheet, as files: the staff pages' own queries
(cohorts `admitting.participants`, `attendance.sheet`). A cohort has tens of people: the rows are read whole, as the
pages read them, into plain lines before the audit entry is committed (a commit expires loaded rows)."""

from datetime import datetime
from operator import attrgetter
from typing import Any, NamedTuple

from flask_babel import lazy_gettext as _l

from app.cohorts.models import AttendanceStatus, Cohort, CohortSession, ParticipantStatus
from app.cohorts.services import admitting, attendance
from app.core.permissions import sees_personal_data
from app.exports.services import check_may_export
from app.exports.tabular import Column, Export
from app.festival.vocab import District, Subsector


class Participant(NamedTuple):
    name: str
    status: ParticipantStatus
    admitted_at: datetime
    reference: str | None
    business: str | None
    subsector: Subsector | None
    district: District | None
    flagged_at: datetime | None
    completed_at: datetime | None
    nik: str | None
    phone: str | None


PARTICIPANT_COLUMNS = [
    Column(_l("Name"), attrgetter("name")),
    Column(_l("Status"), attrgetter("status")),
    Column(_l("Admitted"), attrgetter("admitted_at"), zoned=True),
    Column(_l("Application"), attrgetter("reference")),
    Column(_l("Business"), attrgetter("business")),
    Column(_l("Subsector"), attrgetter("subsector")),
    Column(_l("District"), attrgetter("district")),
    Column(_l("Application withdrawn"), attrgetter("flagged_at"), zoned=True),
    Column(_l("Completed"), attrgetter("completed_at"), zoned=True),
    Column(_l("NIK"), attrgetter("nik"), personal=True),
    Column(_l("Phone"), attrgetter("phone"), personal=True),
]


class Mark(NamedTuple):
    name: str
    status: AttendanceStatus | None
    marked_at: datetime | None
    phone: str | None


ATTENDANCE_COLUMNS = [
    Column(_l("Name"), attrgetter("name")),
    Column(_l("Attendance"), attrgetter("status")),
    Column(_l("Marked"), attrgetter("marked_at"), zoned=True),
    Column(_l("Phone"), attrgetter("phone"), personal=True),
]


def export_participants(actor: Any, cohort: Cohort) -> Export:
    check_may_export(actor)
    personal = sees_personal_data(actor)
    lines = []
    for participant, user, application in admitting.participants(cohort):
        phone = (application.phone_e164 if application else None) or user.phone_e164
        lines.append(Participant(
            user.name, participant.status, participant.admitted_at, application.reference if application else None,
            application.business_name if application else None, application.subsector if application else None,
            application.district if application else None, participant.flagged_at, participant.completed_at,
            application.nik if application and personal else None, phone if personal else None))
    return Export("participants", PARTICIPANT_COLUMNS, len(lines), lines, filters={"cohort_id": cohort.id})


def export_attendance(actor: Any, session: CohortSession) -> Export:
    check_may_export(actor)
    personal = sees_personal_data(actor)
    lines = [Mark(row.user.name, row.mark.status if row.mark else None, row.mark.marked_at if row.mark else None,
                  row.user.phone_e164 if personal else None) for row in attendance.sheet(session)]
    return Export("attendance", ATTENDANCE_COLUMNS, len(lines), lines,
                  filters={"cohort_id": session.cohort_id, "session_id": session.id})
