"""Removing known personal values from text a person did not write alone: a decision message that greets them, a
mail to staff that names them, a reviewer's comment that names their business.

`personal_values` gathers what identifies a person (or one application); `redact_everywhere` replaces each value, in
every text and JSON column of every table, with a mask. Only values of 4 characters or more are replaced, so that a
short name does not eat into other people's words. The audit log is left alone: it is append-only and holds nothing
personal by construction (app.audit.services.PERSONAL_COLUMNS).
"""

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import JSON, String, Table, Text, cast, or_, select, update

from app.extensions import db

MASK = "•••"
MIN_LENGTH = 4
SKIPPED_TABLES = frozenset({"audit_entry"})


def _strings(value: Any) -> Iterable[str]:
    """Every string inside `value` (a text, or a JSON document of dicts and lists)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def phone_forms(phone: str | None) -> list[str]:
    """An E.164 number as stored and as people write it in Indonesia (+62812… and 0812…)."""
    if not phone:
        return []
    forms = [phone]
    if phone.startswith("+62"):
        forms.append("0" + phone[3:])
    return forms


def clean_values(values: Iterable[Any]) -> list[str]:
    """The values worth looking for: strings of MIN_LENGTH or more, longest first (a full name before its parts)."""
    found = {text.strip() for value in values for text in _strings(value)}
    return sorted((text for text in found if len(text) >= MIN_LENGTH), key=lambda text: (-len(text), text))


def redact_text(text: str, values: list[str]) -> str:
    for value in values:
        if value in text:
            text = text.replace(value, MASK)
    return text


def redact_value(value: Any, values: list[str]) -> Any:
    """`value` (text or JSON document) with every personal value masked."""
    if isinstance(value, str):
        return redact_text(value, values)
    if isinstance(value, dict):
        return {key: redact_value(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_value(item, values) for item in value]
    return value


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _text_columns(table: Table) -> list:
    return [column for column in table.columns
            if isinstance(column.type, String | Text | JSON) and not column.primary_key
            and not getattr(column.type, "enums", None)]


def _matches(column, values: list[str]):
    if isinstance(column.type, JSON):
        # JSON is stored with non-ASCII characters escaped: look for both spellings.
        spellings = {spelling for value in values for spelling in (value, json.dumps(value)[1:-1])}
        return or_(*(cast(column, Text).like(_like(spelling), escape="\\") for spelling in sorted(spellings)))
    return or_(*(column.like(_like(value), escape="\\") for value in values))


def redact_everywhere(values: list[str]) -> int:
    """Mask `values` in every text and JSON column of every table but the audit log; returns the rows changed.

    A column whose whole value is a personal value becomes NULL where it may (a phone or NIK column keeps its
    format check), the mask otherwise."""
    if not values:
        return 0
    changed = 0
    for table in db.metadata.sorted_tables:
        if table.name in SKIPPED_TABLES or not table.primary_key.columns:
            continue
        columns = _text_columns(table)
        if not columns:
            continue
        keys = list(table.primary_key.columns)
        rows = db.session.execute(select(*keys, *columns).where(or_(*(_matches(c, values) for c in columns)))).all()
        for row in rows:
            updates = {}
            for column in columns:
                old = row._mapping[column]
                if old is None:
                    continue
                if isinstance(old, str) and old.strip() in values and column.nullable:
                    new = None
                else:
                    new = redact_value(old, values)
                if new != old:
                    updates[column.name] = new
            if updates:
                db.session.execute(update(table).where(*(key == row._mapping[key] for key in keys)).values(updates))
                changed += 1
    return changed
