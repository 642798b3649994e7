"""AuditEntry: who did what to which object, what changed, from where. Rows are only ever inserted.

Append-only is held three times: no route or service updates or deletes an entry, the ORM refuses to flush an update
or delete of one, and a database trigger refuses UPDATE and DELETE (on PostgreSQL and SQLite alike).
Entries hold no personal data (snapshots mask personal columns), so erasing a person never needs to touch the log.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import now_utc
from app.core.db import UTCDateTime
from app.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_target", "target_type", "target_id", "id"),
        Index("ix_audit_entry_actor", "actor_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    # Kept when the actor's account is later erased (the account row is pseudonymised, not deleted).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None]
    # A reference people recognise (an application's reference, a stall's code); never a name or a contact.
    target_label: Mapped[str] = mapped_column(String(120), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    address: Mapped[str] = mapped_column(String(64), default="")


class AppendOnly(Exception):
    """An audit entry was about to be changed or deleted."""


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(*_: Any) -> None:
    raise AppendOnly("audit entries are append-only")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(*_: Any) -> None:
    raise AppendOnly("audit entries are append-only")


_PG_FUNCTION = DDL("""
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit entries are append-only'; END; $$ LANGUAGE plpgsql""")
_PG_TRIGGER = DDL("CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
                  "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()")
SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
    "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
)

event.listen(AuditEntry.__table__, "after_create", _PG_FUNCTION.execute_if(dialect="postgresql"))
event.listen(AuditEntry.__table__, "after_create", _PG_TRIGGER.execute_if(dialect="postgresql"))
for _statement in SQLITE_TRIGGERS:
    event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
