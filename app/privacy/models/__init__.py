"""The privacy domain's tables (each file imports its own)."""

from app.privacy.models.consent import ConsentPurpose, ConsentRecord, GuardianConsent, GuardianRelationship  # noqa: F401
from app.privacy.models.erasure import AnonymisedApplication, AnonymisedBecause, ErasedAccount  # noqa: F401
