"""Consent as UU 27/2022 asks for it: who agreed, to which version of the text, in which language, when; and the
consent of a parent or guardian for an applicant under 18."""

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, orm
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import now_utc
from app.core.db import string_enum
from app.core.vocab import Vocabulary, declare_labels
from app.extensions import db

if TYPE_CHECKING:
    from app.festival.models import Application


class ConsentPurpose(Vocabulary):
    ACCOUNT = "account"
    APPLICATION = "application"


declare_labels(ConsentPurpose, {
    ConsentPurpose.ACCOUNT: _l("account"),
    ConsentPurpose.APPLICATION: _l("festival application"),
})


class GuardianRelationship(Vocabulary):
    MOTHER = "mother"
    FATHER = "father"
    GUARDIAN = "guardian"


declare_labels(GuardianRelationship, {
    GuardianRelationship.MOTHER: _l("Mother"),
    GuardianRelationship.FATHER: _l("Father"),
    GuardianRelationship.GUARDIAN: _l("Legal guardian"),
})


class ConsentRecord(db.Model):
    """One agreement, never changed afterwards: a new agreement is a new row (withdrawal is the erasure's business)."""

    __tablename__ = "consent_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("festival_application.id", ondelete="SET NULL"), index=True)
    purpose: Mapped[ConsentPurpose] = mapped_column(string_enum(ConsentPurpose, 16))
    text_version: Mapped[str] = mapped_column(String(16))  # a key of consent_texts.TEXTS
    locale: Mapped[str] = mapped_column(String(8))  # the language the text was shown in
    agreed_at: Mapped[datetime] = mapped_column(default=now_utc)


class GuardianConsent(db.Model):
    """The parent's or guardian's consent for an applicant under 18: who they are, and whether they confirmed by the
    link mailed to them. Only the link token's SHA-256 is stored. New contact details mean a new link and no
    confirmation until it is used."""

    __tablename__ = "guardian_consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("festival_application.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    phone_e164: Mapped[str | None] = mapped_column(String(16))
    relationship: Mapped[GuardianRelationship] = mapped_column(string_enum(GuardianRelationship, 16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    sent_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    text_version: Mapped[str] = mapped_column(String(16))  # the version the mail and the link's page show

    application: Mapped["Application"] = orm.relationship()

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
