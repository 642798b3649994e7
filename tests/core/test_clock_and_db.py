"""The clock tests freeze, and UTC columns that come back aware on every database."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.core import clock
from app.core.mail import OutboxMessage
from app.extensions import db


def test_frozen_clock(frozen_clock):
    moment = datetime(2027, 8, 14, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    frozen_clock(moment)
    assert clock.now_utc() == moment
    assert clock.now_utc().utcoffset() == timedelta(0)


def test_freeze_refuses_naive_datetimes():
    with pytest.raises(ValueError):
        clock.freeze(datetime(2027, 1, 1))


def test_timestamps_round_trip_as_aware_utc():
    wita = timezone(timedelta(hours=8))
    message = OutboxMessage(to_address="a@example.com", subject="s", body_text="t", body_html="h", locale="id",
                            template="t", created_at=datetime(2027, 3, 1, 8, 0, tzinfo=wita))
    db.session.add(message)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(OutboxMessage, message.id)
    assert stored.created_at == datetime(2027, 3, 1, 0, 0, tzinfo=UTC)
    assert stored.created_at.tzinfo is not None


def test_naive_datetimes_are_refused():
    db.session.add(OutboxMessage(to_address="a@example.com", subject="s", body_text="t", body_html="h",
                                 locale="id", template="t", created_at=datetime(2027, 3, 1, 8, 0)))
    with pytest.raises(Exception, match="naive"):
        db.session.commit()
    db.session.rollback()


def test_constraint_names_follow_the_convention():
    names = {c.name for table in db.metadata.tables.values() for c in table.constraints}
    assert "pk_user_account" in names
    assert "uq_user_account_email" in names
    assert "ck_user_account_locale_known" in names
    assert "fk_invitation_invited_by_id_user_account" in names
