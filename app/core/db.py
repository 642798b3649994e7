"""Declarative base with a constraint naming convention, UTC timestamps and `get_or_404`."""

import enum
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import abort
from sqlalchemy import CheckConstraint, DateTime, Enum, MetaData, Table, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

from app.core.clock import now_utc


def _constraint_name(constraint: CheckConstraint, table: Table) -> str:
    """The %(constraint_name)s token. The CHECK an enum column makes is named after its column
    (`ck_<table>_<column>_enum`), since two columns of one table may share an enum (from_status, to_status);
    every other constraint keeps the name it is given."""
    if getattr(constraint, "_type_bound", False):  # made by a SchemaType (our string_enum)
        return f"{next(iter(constraint.columns)).name}_enum"
    if not isinstance(constraint.name, str):
        raise ValueError(f"a constraint on {table.name} needs a name")
    return constraint.name


NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "constraint_name": _constraint_name,
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC, returns aware UTC datetimes on every database (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def string_enum(kind: type[enum.Enum], length: int = 16) -> Enum:
    """An enum stored as its values in a VARCHAR (no native type), the same on SQLite and PostgreSQL; a CHECK
    constraint refuses any other value, whoever writes it."""
    return Enum(kind, native_enum=False, length=length, create_constraint=True,
                values_callable=lambda members: [m.value for m in members])


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION), type_annotation_map={datetime: UTCDateTime()}
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)


class BilingualMixin:
    """Texts kept in both languages as `<stem>_ind` (Indonesian, required) and `<stem>_en` (English, optional)."""

    def in_language(self, stem: str, locale: str) -> str:
        """The text in `locale`; Indonesian when English is asked for but was not written."""
        english = getattr(self, f"{stem}_en")
        return english if locale == "en" and english else getattr(self, f"{stem}_ind")


M = TypeVar("M")


def get_or_404(model: type[M], ident: Any) -> M:
    from app.extensions import db

    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj
