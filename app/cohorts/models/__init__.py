"""The cohorts models: a cohort, its participants and sessions (`cohort`), attendance, milestones and progress reports
(`progress`), certificates and invitations (`completion`)."""

from app.cohorts.models.cohort import (
    CalendarFeed,
    Cohort,
    CohortMode,
    CohortParticipant,
    CohortSession,
    ParticipantStatus,
    SessionKind,
    SessionLanguage,
)
from app.cohorts.models.completion import Certificate, CohortInvitation
from app.cohorts.models.progress import (
    Attendance,
    AttendanceStatus,
    Milestone,
    ProgressReport,
    ReportComment,
    ReportStatus,
)

__all__ = ["Attendance", "AttendanceStatus", "CalendarFeed", "Certificate", "Cohort", "CohortInvitation",
           "CohortMode", "CohortParticipant", "CohortSession", "Milestone", "ParticipantStatus", "ProgressReport",
           "ReportComment", "ReportStatus", "SessionKind", "SessionLanguage"]
