"""Drafts: start one for a call, save a step, check completeness, submit, withdraw.

The draft lives on the server, so it survives a closed browser and opens on any device. Submitting goes through the
workflow's state machine after the server's clock has checked the deadline.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.core.clock import now_utc
from app.core.errors import AlreadyDone, DomainError, NotAllowed
from app.core.locking import relock
from app.extensions import db
from app.festival.models import Application, ApplicationEvent, Call, Edition, EditionStatus
from app.festival.models.application import ApplicationStatus
from app.festival.models.call import CallQuestion, QuestionKind
from app.festival.services import eligibility, workflow
from app.festival.services.access import can_edit_application
from app.festival.services.uploads import pdf_for
from app.festival.vocab import District, Stage, Subsector
from app.privacy.models.consent import ConsentPurpose
from app.privacy.services import consent as consent_records
from app.privacy.services import guardian

STEPS = (1, 2, 3, 4, 5)
STEP_TITLES = {
    1: _l("About you"),
    2: _l("Your business"),
    3: _l("Questions of the call"),
    4: _l("Photos and documents"),
    5: _l("Review and submit"),
}
REQUIRED = _l("This field is required.")

# The columns each step may set; anything else in `values` is ignored.
STEP_COLUMNS = {
    1: ("full_name", "phone_e164", "date_of_birth", "district", "nik"),
    2: ("business_name", "subsector", "stage", "founded_on", "team_size", "description", "instagram", "tiktok",
        "website"),
}
ENUMS = {"district": District, "subsector": Subsector, "stage": Stage}
# Columns a complete application must have, with the form field that shows the message.
REQUIRED_COLUMNS = {
    1: {"full_name": "full_name", "phone_e164": "phone", "date_of_birth": "date_of_birth", "district": "district"},
    2: {"business_name": "business_name", "subsector": "subsector", "stage": "stage", "founded_on": "founded_on",
        "team_size": "team_size", "description": "description"},
}


@dataclass
class Missing:
    step: int
    field: str
    message: str


class Incomplete(DomainError):
    """The application lacks answers; `missing` lists them, in step order."""

    def __init__(self, missing: list[Missing]):
        super().__init__(_l("Some answers are missing. Please complete the steps marked."))
        self.missing = missing

    @property
    def first_step(self) -> int:
        return self.missing[0].step


def _check_editable(application: Application, actor: User) -> None:
    """Lock the application and decide on its current state: a save that was in flight when the applicant
    submitted must not write into the submitted application."""
    relock(application)
    if not can_edit_application(actor, application):
        raise NotAllowed(_l("This application can no longer be changed."))


def text_questions(call: Call) -> list[CallQuestion]:
    """The questions answered in step 3 (a PDF question is a file slot of step 4)."""
    return [q for q in call.questions if q.kind != QuestionKind.PDF]


def pdf_questions(call: Call) -> list[CallQuestion]:
    return [q for q in call.questions if q.kind == QuestionKind.PDF]


def start_draft(call: Call, actor: User) -> Application:
    """Open a draft for `call`, pre-filled from the actor's profile (a snapshot: later profile edits change nothing)."""
    now = now_utc()
    eligibility.check_can_start(actor, call, now)
    application = Application(
        call=call, applicant=actor, full_name=actor.name, phone_e164=actor.phone_e164,
        date_of_birth=actor.date_of_birth, answers={}, current_step=1, draft_saved_at=now,
    )
    try:
        with db.session.begin_nested():  # two clicks at once: the unique constraint lets only one through
            db.session.add(application)
    except IntegrityError as error:
        raise eligibility.NotEligible(_l("You already have an application for this call.")) from error
    return application


def save_step(application: Application, step: int, values: dict[str, Any], actor: User) -> datetime:
    """Store the given (already validated) values of one step, mark it as the current step; return the save time.

    The NIK rule is checked here too (the form checks it first), against the date of birth being saved or stored."""
    _check_editable(application, actor)
    if step == 1 and "nik" in values:
        eligibility.check_nik(values["nik"], values.get("date_of_birth", application.date_of_birth))
    for column in STEP_COLUMNS.get(step, ()):
        if column in values:
            value = values[column]
            if column in ENUMS and value:
                value = ENUMS[column](value)
            setattr(application, column, value)
    if step == 3 and values:
        known = {q.key for q in text_questions(application.call)}
        answers = dict(application.answers or {})  # a new dict, so that the JSON column sees the change
        for key, value in values.items():
            if key not in known:
                continue
            if value in (None, ""):
                answers.pop(key, None)
            else:
                answers[key] = value
        application.answers = answers
    application.current_step = step
    application.draft_saved_at = now_utc()
    db.session.flush()
    return application.draft_saved_at


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def missing_answers(application: Application) -> list[Missing]:
    """What a complete application still lacks, step by step (the consent of step 5 is asked at submission)."""
    missing = []
    for step, columns in REQUIRED_COLUMNS.items():
        for column, field in columns.items():
            if _blank(getattr(application, column)):
                missing.append(Missing(step, field, REQUIRED))
    answers = application.answers or {}
    for question in text_questions(application.call):
        if question.required and _blank(answers.get(question.key)):
            missing.append(Missing(3, f"q_{question.key}", REQUIRED))
    for question in pdf_questions(application.call):
        if question.required and pdf_for(application, question.key) is None:
            missing.append(Missing(4, f"pdf_{question.key}", _l("Please upload this document.")))
    return missing


def submit(application: Application, consent: bool, actor: User) -> ApplicationEvent:
    """Submit a draft: the deadline (by the server's clock), the age rule and completeness are checked first."""
    _check_editable(application, actor)
    if not actor.is_confirmed:  # a draft may be started before confirming; the programme team must reach them
        raise NotAllowed(_l("Please confirm your e-mail address before you submit: open the link we e-mailed to "
                            "%(email)s, or send it again.", email=actor.email))
    eligibility.check_can_submit(application, now_utc())
    missing = missing_answers(application)
    if missing:
        raise Incomplete(missing)
    if not consent:
        raise DomainError(_l("Please agree to the processing of your personal data."), field="consent")
    guardian.check_confirmed(application, guardian.today_in_denpasar())  # under 18: a parent or guardian agreed
    application.consent_at = now_utc()
    consent_records.record(actor, ConsentPurpose.APPLICATION, locale=actor.locale, application=application)
    return workflow.transition(application, ApplicationStatus.SUBMITTED, actor, locked=True)


def can_withdraw(application: Application, user: User) -> bool:
    return user.id == application.applicant_id and workflow.can_move(
        application.status, ApplicationStatus.WITHDRAWN, workflow.By.APPLICANT)


def withdraw(application: Application, reason: str, actor: User) -> ApplicationEvent:
    if actor.id != application.applicant_id:
        raise NotAllowed(_l("You cannot change this application."))
    relock(application)
    if not can_withdraw(application, actor):
        raise AlreadyDone(_l("This application can no longer be withdrawn."))
    return workflow.transition(application, ApplicationStatus.WITHDRAWN, actor, reason, locked=True)


def applications_of(user: User) -> list[Application]:
    return list(db.session.scalars(
        select(Application).where(Application.applicant_id == user.id).order_by(Application.created_at.desc())
    ))


def listed_editions(today: date) -> list[Edition]:
    """Published editions that have not ended, soonest first (their calls are listed publicly)."""
    return list(db.session.scalars(
        select(Edition).where(Edition.status == EditionStatus.PUBLISHED, Edition.ends_on >= today)
        .order_by(Edition.starts_on, Edition.id)
    ))


def open_calls(moment: datetime, user: User | None = None) -> list[Call]:
    """Calls whose window is open at `moment`; without those `user` has already applied to."""
    query = (
        select(Call).join(Call.edition)
        .where(Edition.status == EditionStatus.PUBLISHED, Edition.applications_open_at <= moment,
               Edition.applications_close_at > moment)
        .order_by(Edition.applications_close_at, Call.position, Call.id)
    )
    if user is not None:
        applied = select(Application.call_id).where(Application.applicant_id == user.id)
        query = query.where(Call.id.not_in(applied))
    calls = db.session.scalars(query)
    if user is None or user.date_of_birth is None:  # no age to check (they are asked for it when starting)
        return list(calls)
    return [call for call in calls if eligibility.age_allows(user.date_of_birth, call.edition.starts_on)]
