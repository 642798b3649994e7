"""Imports every model so that the metadata (and Alembic) sees them all."""

from app.accounts.models import Invitation, User
from app.core.mail import OutboxMessage
from app.festival.models import Edition

__all__ = ["Edition", "Invitation", "OutboxMessage", "User"]
