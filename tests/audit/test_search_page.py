"""The audit log's page: staff search by person, action, object and date; pages of 50; read-only by construction."""

from datetime import UTC, datetime

import pytest

from app.audit import services as audit
from app.audit.models import AuditEntry
from app.core import clock
from app.core.permissions import Role
from app.extensions import db
from tests.factories import UserFactory
from tests.helpers import text


@pytest.fixture
def staff(client, login):
    user = UserFactory(staff=True, locale="en", timezone="Asia/Makassar", name="Putu Staff")
    login(user)
    return user


def _entry(actor, action, target_type, target_id, at):
    clock.freeze(at)
    audit.record(actor, action, audit.Target(target_type, target_id, label=f"{target_type}-{target_id}"),
                 before={"status": "a"}, after={"status": "b"})
    db.session.commit()
    clock.freeze(None)


def test_filters_by_person_object_action_and_local_dates(client, staff):
    other = UserFactory(staff=True, name="Komang Other", email="komang@example.org")
    _entry(staff, "x.first", "stall", 7, datetime(2026, 11, 30, 15, 0, tzinfo=UTC))   # 1 Dec 23:00 in Denpasar
    _entry(other, "x.second", "stall", 8, datetime(2026, 12, 1, 17, 0, tzinfo=UTC))   # 2 Dec 01:00 in Denpasar
    _entry(other, "x.first", "cohort", 7, datetime(2026, 12, 2, 1, 0, tzinfo=UTC))

    def labels(query: str) -> list[str]:
        page = text(client.get(f"/staff/audit/?{query}"))
        return [label for label in ("stall-7", "stall-8", "cohort-7") if label in page]

    assert labels("") == ["stall-7", "stall-8", "cohort-7"]
    assert labels("person=komang@example.org") == ["stall-8", "cohort-7"]
    assert labels("target_type=stall&target_id=7") == ["stall-7"]
    assert labels("since=2026-12-02") == ["stall-8", "cohort-7"]   # the viewer's day, not UTC's
    assert labels("until=2026-12-01") == ["stall-7"]
    assert labels("person=nobody@example.org") == []


def test_an_entry_shows_who_what_and_the_change(client, staff):
    _entry(staff, "x.first", "stall", 7, datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    page = text(client.get("/staff/audit/"))
    assert "Putu Staff" in page and "status" in page and "<del>a</del> → <ins>b</ins>" in page


def test_older_entries_come_a_page_at_a_time(client, staff):
    for number in range(audit.PAGE_SIZE + 3):
        audit.record(staff, "x.bulk", audit.Target("stall", number + 1, label=f"S-{number + 1:03}"))
    db.session.commit()
    first = text(client.get("/staff/audit/"))
    assert "S-053" in first and "S-004" in first and "S-003" not in first
    assert "Older entries" in first
    newest_shown = db.session.query(AuditEntry.id).order_by(AuditEntry.id.desc()).offset(49).limit(1).scalar()
    second = text(client.get(f"/staff/audit/?before={newest_shown}"))
    assert "S-003" in second and "S-001" in second and "S-004" not in second


def test_every_route_of_the_log_only_reads(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("audit.")]
    assert rules
    for rule in rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.REVIEWER, Role.MENTOR])
def test_only_staff_read_the_log(client, login, role):
    login(UserFactory(roles={role}))
    assert client.get("/staff/audit/").status_code == 403
