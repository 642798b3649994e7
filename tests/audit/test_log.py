"""The log itself: an entry per record, only what changed, personal values masked, and no way to change an entry."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from app.audit import services as audit
from app.audit.models import AppendOnly, AuditEntry
from app.extensions import db
from tests.factories import UserFactory


def _entries() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_a_change_records_only_the_changed_columns_with_personal_values_masked():
    staff = UserFactory(staff=True)
    person = UserFactory(name="Ni Luh Putu Ayu", locale="id")
    db.session.commit()
    with audit.change(staff, "accounts.test.edited", person):
        person.name = "Ni Luh Ayu"
        person.locale = "en"
    db.session.commit()
    [entry] = _entries()
    assert (entry.actor_id, entry.action, entry.target_type, entry.target_id) == (
        staff.id, "accounts.test.edited", "user_account", person.id)
    assert entry.before == {"locale": "id", "name": audit.MASK}
    assert entry.after == {"locale": "en", "name": audit.MASK}
    assert entry.address == "cli"


def test_an_export_is_a_target_without_a_row():
    staff = UserFactory(staff=True)
    audit.record(staff, "exports.applications", audit.Target("export", label="applications.csv"),
                 after={"rows": 12})
    db.session.commit()
    [entry] = _entries()
    assert (entry.target_type, entry.target_id, entry.target_label, entry.after) == (
        "export", None, "applications.csv", {"rows": 12})


def test_the_orm_refuses_to_change_or_delete_an_entry():
    staff = UserFactory(staff=True)
    entry = audit.record(staff, "x.y", audit.Target("export"))
    db.session.commit()
    entry.action = "changed"
    with pytest.raises(AppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(entry)
    with pytest.raises(AppendOnly):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("statement", ["UPDATE audit_entry SET action = 'changed'", "DELETE FROM audit_entry"])
def test_the_database_refuses_to_change_or_delete_an_entry(statement):
    staff = UserFactory(staff=True)
    audit.record(staff, "x.y", audit.Target("export"))
    db.session.commit()
    with pytest.raises(DatabaseError):
        db.session.execute(text(statement))
    db.session.rollback()
    assert [e.action for e in _entries()] == ["x.y"]
