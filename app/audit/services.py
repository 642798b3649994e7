"""Writing the audit log, and reading it back.

    before = audit.snapshot(booking)
    booking.stall = other
    audit.record(actor, "stalls.booking.moved", booking, before=before)   # after = the row now, changed keys only

or, the same in one block: `with audit.change(actor, "stalls.booking.moved", booking): booking.stall = other`.
The entry joins the caller's transaction: the action and its entry are committed together or not at all.
"""

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from flask import has_request_context
from sqlalchemy import inspect, select

from app.audit.models import AuditEntry
from app.extensions import db

# Columns whose values never enter the log: the log outlives a person's erasure, so it must hold nothing personal.
# A change to one is recorded as changed, with the value masked.
PERSONAL_COLUMNS = frozenset({
    "name", "full_name", "email", "to_address", "phone_e164", "nik", "date_of_birth", "address", "password_hash",
    "guardian_name", "guardian_email", "guardian_phone", "business_name", "notes", "body", "feedback",
    "holder_name",
})
MASK = "•••"
# Columns that say nothing about an action (bookkeeping every write touches).
_SKIPPED = frozenset({"updated_at", "created_at", "session_version"})

ACTIONS: dict[str, Any] = {}


def register_action(name: str, label: Any) -> str:
    """Declare an action and its (lazily translated) label for the log's pages; returns `name`."""
    ACTIONS[name] = label
    return name


def action_label(name: str) -> Any:
    return ACTIONS.get(name, name)


@dataclass(frozen=True)
class Target:
    """Something that is not a row (an export, a list): its kind, and an id and label if it has them."""

    type: str
    id: int | None = None
    label: str = ""


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).isoformat()  # the same moment typed in another zone is no change
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return sorted(_plain(v) for v in value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(row: Any, *fields: str) -> dict[str, Any]:
    """The row's column values (only `fields` if given), as the log stores them (personal ones not masked yet)."""
    names = fields or tuple(column.key for column in inspect(type(row)).column_attrs)
    return {name: _plain(getattr(row, name)) for name in names if name not in _SKIPPED}


def _masked(values: dict[str, Any]) -> dict[str, Any]:
    return {key: (MASK if key in PERSONAL_COLUMNS and value is not None else value) for key, value in values.items()}


def _changed(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[dict | None, dict | None]:
    if before is None or after is None:
        return before, after
    keys = [key for key in before.keys() | after.keys() if before.get(key) != after.get(key)]
    return {k: before.get(k) for k in sorted(keys)}, {k: after.get(k) for k in sorted(keys)}


def _identity(target: Any) -> tuple[str, int | None, str]:
    if isinstance(target, Target):
        return target.type, target.id, target.label
    state = inspect(target)
    if state.identity is None:
        db.session.flush()  # a row created by this action needs its id
    label = getattr(target, "audit_label", "") or ""
    return target.__tablename__, inspect(target).identity[0], str(label)[:120]


def _address() -> str:
    if not has_request_context():
        return "cli"
    from app.core.security import client_address

    return client_address()[:64]


def record(actor: Any, action: str, target: Any, *, before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None, deleted: bool = False) -> AuditEntry:
    """Add the entry for `actor`'s `action` on `target` to the session (the caller's commit saves it).

    With `before` and no `after`, `after` is the row's state now, and both keep only the keys that changed; a row
    just created gets its state as `after`; `deleted=True` keeps `before` alone."""
    target_type, target_id, label = _identity(target)
    if after is None and not deleted and not isinstance(target, Target):
        after = snapshot(target, *(before.keys() if before else ()))
    before, after = _changed(before, after)
    entry = AuditEntry(actor_id=getattr(actor, "id", None), action=action, target_type=target_type,
                       target_id=target_id, target_label=label,
                       before=_masked(before) if before is not None else None,
                       after=_masked(after) if after is not None else None, address=_address())
    db.session.add(entry)
    return entry


@contextmanager
def change(actor: Any, action: str, row: Any, *fields: str) -> Iterator[None]:
    """Record `action` on `row` with what the block changed in it (only `fields` if given)."""
    before = snapshot(row, *fields)
    yield
    record(actor, action, row, before=before)


@dataclass(frozen=True)
class Search:
    actor_id: int | None = None
    target_type: str | None = None
    target_id: int | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


PAGE_SIZE = 50


def search(criteria: Search, before_id: int | None = None) -> list[AuditEntry]:
    """The newest entries matching `criteria`, a page at a time (`before_id`: the last id of the page before)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(PAGE_SIZE + 1)
    if criteria.actor_id is not None:
        query = query.where(AuditEntry.actor_id == criteria.actor_id)
    if criteria.target_type:
        query = query.where(AuditEntry.target_type == criteria.target_type)
    if criteria.target_id is not None:
        query = query.where(AuditEntry.target_id == criteria.target_id)
    if criteria.action:
        query = query.where(AuditEntry.action.startswith(criteria.action, autoescape=True))
    if criteria.since is not None:
        query = query.where(AuditEntry.at >= criteria.since)
    if criteria.until is not None:
        query = query.where(AuditEntry.at < criteria.until)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(db.session.scalars(query))


def history_of(row: Any) -> list[AuditEntry]:
    """Every entry about `row`, newest first (an object's page links here)."""
    return search(Search(target_type=row.__tablename__, target_id=inspect(row).identity[0]))
