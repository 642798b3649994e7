"""Imports every model so that the metadata (and Alembic) sees them all."""

from app.accounts.models import Invitation, User
from app.core.mail import OutboxMessage
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

__all__ = [
    "Application", "ApplicationEvent", "ApplicationFile", "Call", "CallQuestion", "Edition", "Invitation",
    "OutboxMessage", "ReviewAssignment", "ReviewScore", "RubricCriterion", "User",
]
