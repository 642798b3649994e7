"""Recording consent: a row per agreement, naming the version of the text and the language it was read in."""

from sqlalchemy import select

from app.accounts.models import User
from app.core.clock import now_utc
from app.extensions import db
from app.privacy import consent_texts
from app.privacy.models.consent import ConsentPurpose, ConsentRecord


def record(actor: User, purpose: ConsentPurpose, *, locale: str, application: object | None = None,
           version: str = consent_texts.CURRENT_VERSION) -> ConsentRecord:
    """`actor` agreed, now, to `version` of the consent text shown in `locale` (for `application`, if given)."""
    consent_texts.text(version)  # an unknown version is a bug, not a consent
    row = ConsentRecord(user_id=actor.id, application_id=getattr(application, "id", None), purpose=purpose,
                        text_version=version, locale=locale if locale in ("id", "en") else consent_texts.AUTHORITATIVE,
                        agreed_at=now_utc())
    db.session.add(row)
    return row


def records_of(user: User) -> list[ConsentRecord]:
    """Everything `user` agreed to, oldest first ("My data" lists it)."""
    return list(db.session.scalars(
        select(ConsentRecord).where(ConsentRecord.user_id == user.id).order_by(ConsentRecord.id)))
