"""What every staff-action test asserts about the log: exactly one entry for the action, by the staff member, on the
object, with what changed and the address the request came from."""

from typing import Any

from sqlalchemy import func, inspect, select

from app.audit.models import AuditEntry
from app.extensions import db
from tests.helpers import submit

TEST_CLIENT_ADDRESS = "127.0.0.1"  # werkzeug's test client


def entries(action: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def entry_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def the_entry(action: str, actor: Any, target: Any, *, before: dict | None = None, after: dict | None = None,
              label: str | None = None) -> AuditEntry:
    """The one entry of `action`; `before`/`after` must appear in it (other keys may too)."""
    found = entries(action)
    assert len(found) == 1, f"{len(found)} entries for {action}: {[(e.target_type, e.target_id) for e in found]}"
    [entry] = found
    target_type = target if isinstance(target, str) else target.__tablename__
    assert (entry.actor_id, entry.target_type, entry.address) == (actor.id, target_type, TEST_CLIENT_ADDRESS)
    if not isinstance(target, str):
        assert entry.target_id == inspect(target).identity[0]
    for name, expected in ((("before", before), ("after", after))):
        if expected is not None:
            got = getattr(entry, name) or {}
            assert {key: got.get(key, "<missing>") for key in expected} == expected, f"{name}: {got}"
    if label is not None:
        assert entry.target_label == label
    return entry


def posted(client, url: str, data: dict, page: str | None = None) -> None:
    response = submit(client, url, data, page=page)
    assert response.status_code == 302, response.status_code
    db.session.expire_all()
