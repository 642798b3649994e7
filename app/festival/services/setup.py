"""Staff set up calls: their settings, their own questions and their review rubric (criteria, weights; scale 1–5).

Once a call has submitted applications, the answers and scores already given must keep their meaning: questions and
criteria can no longer be deleted, and a question's key and kind can no longer change. Wording and weights can.
"""

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit import services as audit
from app.core.errors import Conflict, DomainError, InvalidState
from app.extensions import db
from app.festival.models import Application, Call, CallQuestion, Edition, RubricCriterion
from app.festival.models.call import QuestionKind
from app.festival.services.defaults import add_defaults
from app.festival.services.editions import IS_SUBMITTED, Invalid, require_staff
from app.festival.vocab import CallKind

KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
KEY_MAX = 40
TEXT_KINDS = (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.URL)
MAX_LENGTH_LIMIT = 10000
CALL_PAGE_TEXTS = ("intro_ind", "intro_en", "eligibility_ind", "eligibility_en", "fee_note_ind", "fee_note_en",
                   "next_steps_ind", "next_steps_en")
CRITERION_ANCHORS = ("anchor_low_ind", "anchor_low_en", "anchor_high_ind", "anchor_high_en")
SCALE = (1, 5)  # every criterion is scored on this scale; weights say how much each counts
CALL_CREATED = audit.register_action("festival.call.created", _l("Call created"))
CALL_UPDATED = audit.register_action("festival.call.updated", _l("Call changed"))
QUESTION_ADDED = audit.register_action("festival.question.added", _l("Call question added"))
QUESTION_UPDATED = audit.register_action("festival.question.updated", _l("Call question changed"))
QUESTION_DELETED = audit.register_action("festival.question.deleted", _l("Call question deleted"))
QUESTION_MOVED = audit.register_action("festival.question.moved", _l("Call question moved"))
CRITERION_ADDED = audit.register_action("festival.criterion.added", _l("Rubric criterion added"))
CRITERION_UPDATED = audit.register_action("festival.criterion.updated", _l("Rubric criterion changed"))
CRITERION_DELETED = audit.register_action("festival.criterion.deleted", _l("Rubric criterion deleted"))
CRITERION_MOVED = audit.register_action("festival.criterion.moved", _l("Rubric criterion moved"))
LOCKED = _l("This call already has submitted applications, so its questions and criteria can no longer be deleted "
            "and a question's key and kind can no longer change. You can still correct wording and weights.")


def submitted_count(call: Call) -> int:
    return db.session.scalar(
        select(func.count(Application.id)).where(Application.call_id == call.id, IS_SUBMITTED)
    ) or 0


def application_count(call: Call) -> int:
    return db.session.scalar(select(func.count(Application.id)).where(Application.call_id == call.id)) or 0


def submitted_counts(edition: Edition) -> dict[int, int]:
    """Call id → submitted applications, for the calls of one edition."""
    rows = db.session.execute(
        select(Application.call_id, func.count(Application.id)).join(Call, Application.call_id == Call.id)
        .where(Call.edition_id == edition.id, IS_SUBMITTED).group_by(Application.call_id)
    )
    return dict(rows.all())


def _check_call(places: int | None, reviewers_per_application: int) -> list[DomainError]:
    problems: list[DomainError] = []
    if places is not None and places < 1:
        problems.append(DomainError(_l("Enter a whole number of at least 1, or leave empty for no fixed number."),
                                    field="places"))
    if not 1 <= reviewers_per_application <= 10:
        problems.append(DomainError(_l("Enter a number from 1 to 10."), field="reviewers_per_application"))
    return problems


def _fill_call(call: Call, *, name_ind: str, name_en: str, description_ind: str, description_en: str,
               places: int | None, reviewers_per_application: int, blind_review: bool,
               auto_promote_waitlist: bool, **page: str | date | None) -> None:
    problems = _check_call(places, reviewers_per_application)
    if not name_ind.strip():
        problems.append(DomainError(_l("This field is required."), field="name_ind"))
    if problems:
        raise Invalid(problems)
    call.name_ind, call.name_en = name_ind.strip(), name_en.strip()
    call.description_ind, call.description_en = description_ind.strip(), description_en.strip()
    call.places, call.reviewers_per_application = places, reviewers_per_application
    call.blind_review, call.auto_promote_waitlist = bool(blind_review), bool(auto_promote_waitlist)
    # The public page's texts and date: what a caller leaves out stays as it was.
    if "decision_expected_on" in page:
        call.decision_expected_on = page.pop("decision_expected_on")
    for name in CALL_PAGE_TEXTS:
        if name in page:
            setattr(call, name, str(page.pop(name) or "").strip())
    if page:
        raise TypeError(f"unknown call fields: {sorted(page)}")


def create_call(actor: User, edition: Edition, *, kind: CallKind, **fields) -> Call:
    """A new call, starting with its kind's default questions and rubric."""
    require_staff(actor)
    call = Call(kind=CallKind(kind))
    _fill_call(call, **fields)
    last = db.session.scalar(select(func.max(Call.position)).where(Call.edition_id == edition.id))
    call.position = 0 if last is None else last + 1
    call.edition = edition
    add_defaults(call)
    db.session.add(call)
    db.session.flush()
    audit.record(actor, CALL_CREATED, call)
    return call


def update_call(actor: User, call: Call, *, kind: CallKind, **fields) -> Call:
    require_staff(actor)
    before = audit.snapshot(call)
    kind = CallKind(kind)
    if kind != call.kind and application_count(call):
        raise InvalidState(_l("The kind cannot change: people have already applied to this call."), field="kind")
    _fill_call(call, **fields)
    call.kind = kind
    db.session.flush()
    audit.record(actor, CALL_UPDATED, call, before=before)
    return call


def _guard_locked(call: Call, field: str | None = None) -> None:
    if submitted_count(call):
        raise InvalidState(LOCKED, field=field)


# Questions ------------------------------------------------------------------------------------------------------

def _check_question(call: Call, question: CallQuestion | None, *, key: str, kind: QuestionKind, label_ind: str,
                    max_length: int | None) -> list[DomainError]:
    problems: list[DomainError] = []
    if not KEY_RE.match(key) or len(key) > KEY_MAX:
        problems.append(DomainError(
            _l("Start with a letter and use only lower-case letters, digits and underscores, such as "
               "price_range (at most %(max)d characters).", max=KEY_MAX), field="key"))
    else:
        taken = select(CallQuestion.id).where(CallQuestion.call_id == call.id, CallQuestion.key == key)
        if question is not None:
            taken = taken.where(CallQuestion.id != question.id)
        if db.session.scalar(taken.limit(1)) is not None:
            problems.append(Conflict(_l("Another question of this call already uses this key."), field="key"))
    if kind in TEXT_KINDS and not (max_length and 1 <= max_length <= MAX_LENGTH_LIMIT):
        problems.append(DomainError(_l("For a text or link answer, enter the longest answer allowed: 1 to "
                                       "%(max)d characters.", max=MAX_LENGTH_LIMIT), field="max_length"))
    if not label_ind.strip():
        problems.append(DomainError(_l("This field is required."), field="label_ind"))
    return problems


def _fill_question(question: CallQuestion, *, key: str, kind: QuestionKind, label_ind: str, label_en: str,
                   help_ind: str, help_en: str, required: bool, max_length: int | None) -> None:
    question.key, question.kind = key, kind
    question.label_ind, question.label_en = label_ind.strip(), label_en.strip()
    question.help_ind, question.help_en = help_ind.strip(), help_en.strip()
    question.required = bool(required)
    question.max_length = max_length if kind in TEXT_KINDS else 0


def add_question(actor: User, call: Call, *, key: str, kind: QuestionKind, **fields) -> CallQuestion:
    require_staff(actor)
    key, kind = key.strip(), QuestionKind(kind)
    problems = _check_question(call, None, key=key, kind=kind, label_ind=fields["label_ind"],
                               max_length=fields["max_length"])
    if problems:
        raise Invalid(problems)
    question = CallQuestion(position=_next_position(call.questions))
    _fill_question(question, key=key, kind=kind, **fields)
    call.questions.append(question)
    db.session.flush()
    audit.record(actor, QUESTION_ADDED, question)
    return question


def update_question(actor: User, question: CallQuestion, *, key: str, kind: QuestionKind,
                    **fields) -> CallQuestion:
    require_staff(actor)
    before = audit.snapshot(question)
    key, kind = key.strip(), QuestionKind(kind)
    call = question.call
    problems = _check_question(call, question, key=key, kind=kind, label_ind=fields["label_ind"],
                               max_length=fields["max_length"])
    if problems:
        raise Invalid(problems)
    if key != question.key:
        _guard_locked(call, "key")
    if kind != question.kind:
        _guard_locked(call, "kind")
    _fill_question(question, key=key, kind=kind, **fields)
    db.session.flush()
    audit.record(actor, QUESTION_UPDATED, question, before=before)
    return question


def delete_question(actor: User, question: CallQuestion) -> None:
    require_staff(actor)
    call = question.call
    _guard_locked(call)
    audit.record(actor, QUESTION_DELETED, question, before=audit.snapshot(question), deleted=True)
    call.removed_question_labels = {**(call.removed_question_labels or {}),
                                    question.key: {"ind": question.label_ind, "en": question.label_en}}
    call.questions.remove(question)
    _renumber(call.questions)
    db.session.flush()


def move_question(actor: User, question: CallQuestion, direction: str) -> None:
    require_staff(actor)
    with audit.change(actor, QUESTION_MOVED, question, "position"):
        _move(question.call.questions, question, direction)
    db.session.flush()


# Rubric criteria ------------------------------------------------------------------------------------------------

def _fill_criterion(criterion: RubricCriterion, *, name_ind: str, name_en: str, guidance_ind: str, guidance_en: str,
                    weight: int, **anchors: str) -> None:
    problems: list[DomainError] = []
    if not name_ind.strip():
        problems.append(DomainError(_l("This field is required."), field="name_ind"))
    if not 1 <= weight <= 10:
        problems.append(DomainError(_l("Enter a number from 1 to 10."), field="weight"))
    if problems:
        raise Invalid(problems)
    criterion.name_ind, criterion.name_en = name_ind.strip(), name_en.strip()
    criterion.guidance_ind, criterion.guidance_en = guidance_ind.strip(), guidance_en.strip()
    criterion.weight = weight
    for name in CRITERION_ANCHORS:
        if name in anchors:
            setattr(criterion, name, (anchors.pop(name) or "").strip())
    if anchors:
        raise TypeError(f"unknown criterion fields: {sorted(anchors)}")


def add_criterion(actor: User, call: Call, **fields) -> RubricCriterion:
    require_staff(actor)
    criterion = RubricCriterion(position=_next_position(call.criteria))
    _fill_criterion(criterion, **fields)
    call.criteria.append(criterion)
    db.session.flush()
    audit.record(actor, CRITERION_ADDED, criterion)
    return criterion


def update_criterion(actor: User, criterion: RubricCriterion, **fields) -> RubricCriterion:
    require_staff(actor)
    with audit.change(actor, CRITERION_UPDATED, criterion):
        _fill_criterion(criterion, **fields)
    db.session.flush()
    return criterion


def delete_criterion(actor: User, criterion: RubricCriterion) -> None:
    require_staff(actor)
    call = criterion.call
    _guard_locked(call)
    if len(call.criteria) <= 1:
        raise InvalidState(_l("A rubric needs at least one criterion: add another before deleting this one."))
    audit.record(actor, CRITERION_DELETED, criterion, before=audit.snapshot(criterion), deleted=True)
    call.criteria.remove(criterion)
    _renumber(call.criteria)
    db.session.flush()


def move_criterion(actor: User, criterion: RubricCriterion, direction: str) -> None:
    require_staff(actor)
    with audit.change(actor, CRITERION_MOVED, criterion, "position"):
        _move(criterion.call.criteria, criterion, direction)
    db.session.flush()


# Ordering -------------------------------------------------------------------------------------------------------

def _next_position(items: list) -> int:
    return max((item.position for item in items), default=-1) + 1


def _renumber(items: list) -> None:
    for position, item in enumerate(sorted(items, key=lambda i: (i.position, i.id or 0))):
        item.position = position


def _move(items: list, item: object, direction: str) -> None:
    """Swap `item` with its neighbour above (`up`) or below (`down`); at either end nothing changes."""
    if direction not in ("up", "down"):
        raise DomainError(_l("Choose up or down."))
    ordered = sorted(items, key=lambda i: (i.position, i.id or 0))
    index = ordered.index(item)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, each in enumerate(ordered):
        each.position = position
