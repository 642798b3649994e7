"""Calls of an edition (bazaar, pitching, showcase), each with its own questions and review rubric."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import BilingualMixin, TimestampMixin, string_enum
from app.core.vocab import Vocabulary, declare_labels
from app.extensions import db
from app.festival.models.edition import Edition
from app.festival.vocab import CallKind


class Call(BilingualMixin, TimestampMixin, db.Model):
    __tablename__ = "festival_call"
    __table_args__ = (
        CheckConstraint("reviewers_per_application BETWEEN 1 AND 10", name="reviewers_range"),
        CheckConstraint("places IS NULL OR places > 0", name="places_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("festival_edition.id", ondelete="CASCADE"), index=True)
    kind: Mapped[CallKind] = mapped_column(string_enum(CallKind, 32))
    position: Mapped[int] = mapped_column(default=0)
    name_ind: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    description_ind: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    places: Mapped[int | None]  # how many can be accepted; None = no fixed number
    reviewers_per_application: Mapped[int] = mapped_column(default=2)
    blind_review: Mapped[bool] = mapped_column(default=False)
    # When an accepted applicant withdraws: offer the place to the best waitlisted one at once, or let staff confirm.
    auto_promote_waitlist: Mapped[bool] = mapped_column(default=False)
    # The call's public page, written by staff in both languages (the English text falls back to Indonesian).
    intro_ind: Mapped[str] = mapped_column(Text, default="")
    intro_en: Mapped[str] = mapped_column(Text, default="")
    eligibility_ind: Mapped[str] = mapped_column(Text, default="")
    eligibility_en: Mapped[str] = mapped_column(Text, default="")
    fee_note_ind: Mapped[str] = mapped_column(Text, default="")  # the fee itself is the stall's; this explains it
    fee_note_en: Mapped[str] = mapped_column(Text, default="")
    next_steps_ind: Mapped[str] = mapped_column(Text, default="")
    next_steps_en: Mapped[str] = mapped_column(Text, default="")
    decision_expected_on: Mapped[date | None]
    # The last labels of questions removed from the call, by key ({"ind": …, "en": …}): a draft's answer to a removed
    # question is still shown under the question it answered.
    removed_question_labels: Mapped[dict | None] = mapped_column(JSON)

    edition: Mapped[Edition] = relationship(back_populates="calls")
    questions: Mapped[list["CallQuestion"]] = relationship(
        back_populates="call", order_by="CallQuestion.position", cascade="all, delete-orphan"
    )
    criteria: Mapped[list["RubricCriterion"]] = relationship(
        back_populates="call", order_by="RubricCriterion.position", cascade="all, delete-orphan"
    )

    def name(self, locale: str) -> str:
        return self.in_language("name", locale)

    def description(self, locale: str) -> str:
        return self.in_language("description", locale)

    def page_text(self, name: str, locale: str) -> str:
        """One of the public page's texts: intro, eligibility, fee_note or next_steps."""
        return self.in_language(name, locale)

    @property
    def audit_label(self) -> str:
        """How the audit log names this row (never a person's name or contact)."""
        return f"{self.edition.code if self.edition else ''} {self.name_en or self.name_ind}".strip()


class QuestionKind(Vocabulary):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    URL = "url"
    PDF = "pdf"  # answered by uploading a PDF in the files step


declare_labels(QuestionKind, {
    QuestionKind.SHORT_TEXT: _l("Short text"),
    QuestionKind.LONG_TEXT: _l("Long text"),
    QuestionKind.NUMBER: _l("Number"),
    QuestionKind.URL: _l("Link (web address)"),
    QuestionKind.PDF: _l("PDF file (uploaded in the files step)"),
})


class CallQuestion(BilingualMixin, db.Model):
    __tablename__ = "festival_call_question"
    __table_args__ = (UniqueConstraint("call_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("festival_call.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(string_enum(QuestionKind, 32))
    label_ind: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    help_ind: Mapped[str] = mapped_column(String(400), default="")
    help_en: Mapped[str] = mapped_column(String(400), default="")
    required: Mapped[bool] = mapped_column(default=True)
    max_length: Mapped[int] = mapped_column(default=1000)

    call: Mapped[Call] = relationship(back_populates="questions")

    def label(self, locale: str) -> str:
        return self.in_language("label", locale)

    def help(self, locale: str) -> str:
        return self.in_language("help", locale)

    @property
    def audit_label(self) -> str:
        """How the audit log names this row (never a person's name or contact)."""
        return self.key


class RubricCriterion(BilingualMixin, db.Model):
    __tablename__ = "festival_rubric_criterion"
    __table_args__ = (CheckConstraint("weight BETWEEN 1 AND 10", name="weight_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("festival_call.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name_ind: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    guidance_ind: Mapped[str] = mapped_column(String(400), default="")
    guidance_en: Mapped[str] = mapped_column(String(400), default="")
    weight: Mapped[int] = mapped_column(default=1)
    # What a 1 and a 5 mean, shown beside the options so that reviewers score alike.
    anchor_low_ind: Mapped[str] = mapped_column(String(200), default="")
    anchor_low_en: Mapped[str] = mapped_column(String(200), default="")
    anchor_high_ind: Mapped[str] = mapped_column(String(200), default="")
    anchor_high_en: Mapped[str] = mapped_column(String(200), default="")

    call: Mapped[Call] = relationship(back_populates="criteria")

    @property
    def audit_label(self) -> str:
        """How the audit log names this row (never a person's name or contact)."""
        return self.name_en or self.name_ind

    def name(self, locale: str) -> str:
        return self.in_language("name", locale)

    def guidance(self, locale: str) -> str:
        return self.in_language("guidance", locale)

    def anchor_low(self, locale: str) -> str:
        return self.in_language("anchor_low", locale)

    def anchor_high(self, locale: str) -> str:
        return self.in_language("anchor_high", locale)
