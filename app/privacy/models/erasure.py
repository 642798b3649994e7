"""What erasure and retention leave behind as proof: which accounts were erased and which applications anonymised
(when, and why), without any personal value. The unique keys are the backstop against doing either twice."""

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import now_utc
from app.core.db import string_enum
from app.core.vocab import Vocabulary, declare_labels
from app.extensions import db


class AnonymisedBecause(Vocabulary):
    ERASURE = "erasure"  # the applicant asked for their data to be erased
    RETENTION = "retention"  # the edition closed longer ago than PRIVACY_RETENTION_MONTHS


declare_labels(AnonymisedBecause, {
    AnonymisedBecause.ERASURE: _l("erased at the applicant's request"),
    AnonymisedBecause.RETENTION: _l("retention period over"),
})


class ErasedAccount(db.Model):
    """An account erased at its owner's request; `kept` counts what the programme keeps (no values)."""

    __tablename__ = "privacy_erased_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"), unique=True)
    erased_at: Mapped[datetime] = mapped_column(default=now_utc)
    kept: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AnonymisedApplication(db.Model):
    """An application whose personal fields and files were removed; its status, scores and decisions remain."""

    __tablename__ = "privacy_anonymisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("festival_application.id", ondelete="RESTRICT"),
                                                unique=True)
    because: Mapped[AnonymisedBecause] = mapped_column(string_enum(AnonymisedBecause, 16))
    anonymised_at: Mapped[datetime] = mapped_column(default=now_utc)
