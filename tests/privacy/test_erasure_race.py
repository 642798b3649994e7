"""Ten parallel "delete my account" requests (a double click, several tabs): the account is erased once, every
request gets a clean answer, and the erasure's work runs once — the user row is locked and re-read."""

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.extensions import db
from app.privacy.models import ErasedAccount
from app.privacy.services import erasure
from tests.factories import PASSWORD, ApplicationFactory, UserFactory
from tests.live import fire, shows_race, statuses


@pytest.fixture
def erasures(monkeypatch) -> list[int]:
    """The user ids an erasure's work began for, in any thread (work a backstop would have to roll back)."""
    ran: list[int] = []
    original = erasure._erase_applications

    def counted(user, result):
        ran.append(user.id)
        return original(user, result)

    monkeypatch.setattr(erasure, "_erase_applications", counted)
    return ran


def _ten_deletions(visitor) -> tuple[list, int]:
    person = UserFactory(locale="en")
    ApplicationFactory(applicant=person, submitted=True)
    browser = visitor().login(person)
    csrf = browser.token("/my-data")
    responses = fire(10, lambda _: browser.post("/my-data/delete", {"password": PASSWORD, "confirmation": "DELETE"},
                                                token=csrf))
    return responses, person.id


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_ten_parallel_deletions_erase_once(visitor, erasures):
    responses, person_id = _ten_deletions(visitor)
    assert statuses(responses) == [302] * 10
    assert all(r.headers["Location"].endswith(("/my-data/deleted", "/login?next=%2Fmy-data%2Fdelete"))
               for r in responses), [r.headers["Location"] for r in responses]
    assert erasures == [person_id]
    assert _count(ErasedAccount, ErasedAccount.user_id == person_id) == 1
    assert _count(AuditEntry, AuditEntry.action == "privacy.account.erased") == 1
    assert not db.session.get(User, person_id).active


@pytest.mark.usefixtures("locks_off", "quiet_server")
def test_control_without_locks_the_erasure_runs_more_than_once(visitor, erasures):
    def round_() -> bool:
        erasures.clear()
        responses, _person_id = _ten_deletions(visitor)
        # PostgreSQL: several requests do the whole erasure (the unique key then refuses all but one);
        # SQLite: writers collide ("database is locked").
        return len(erasures) > 1 or set(statuses(responses)) != {302}

    assert shows_race(round_)
