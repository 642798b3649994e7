"""Imports every model so that the metadata (and Alembic) sees them all."""

from app.accounts.models import Invitation, User
from app.audit.models import AuditEntry
from app.cohorts.models import (
    Attendance,
    CalendarFeed,
    Certificate,
    Cohort,
    CohortInvitation,
    CohortParticipant,
    CohortSession,
    Milestone,
    ProgressReport,
    ReportComment,
)
from app.core.mail import OutboxMessage
from app.core.reminders import SentReminder
from app.festival.models import (
    Application,
    ApplicationEvent,
    ApplicationFile,
    Call,
    CallQuestion,
    Edition,
    ReviewAssignment,
    ReviewScore,
    RubricCriterion,
)
from app.mentoring.models import (
    CohortMentor,
    MatchRun,
    Meeting,
    MentorProfile,
    Mentorship,
    PairRule,
    ParticipantNeeds,
    ProposedPair,
)
from app.payments.models import Payment, PaymentEvent, Refund, StripeEvent
from app.privacy.models import (  # noqa: F401  (privacy: consent and erasure)
    AnonymisedApplication,
    ConsentRecord,
    ErasedAccount,
    GuardianConsent,
)
from app.stalls.models import Booking, BookingEvent, BookingPayment, Stall, StallSettings, Zone

__all__ = [
    "AuditEntry",
    "Application", "ApplicationEvent", "ApplicationFile", "Call", "CallQuestion", "Edition", "Invitation",
    "OutboxMessage", "ReviewAssignment", "ReviewScore", "RubricCriterion", "User",
    "Payment", "PaymentEvent", "Refund", "StripeEvent",
    "Booking", "BookingEvent", "BookingPayment", "Stall", "StallSettings", "Zone",
    "Attendance", "CalendarFeed", "Certificate", "Cohort", "CohortInvitation", "CohortParticipant", "CohortSession",
    "Milestone", "ProgressReport", "ReportComment", "SentReminder",
    "CohortMentor", "MatchRun", "Meeting", "MentorProfile", "Mentorship", "PairRule", "ParticipantNeeds",
    "ProposedPair",
]
