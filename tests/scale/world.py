"""Data the cluster tests need, written straight into the cluster's database (run inside `seeding(app)`), with
real dates: the instances' clocks are not frozen."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from flask import Flask
from sqlalchemy import text

from app.accounts.models import User
from app.core.permissions import Role
from app.extensions import db
from app.festival.models import Application, Call, Edition, EditionStatus
from app.festival.models.application import ApplicationStatus
from app.festival.vocab import CallKind
from app.stalls.models import Stall, StallSettings, Zone
from tests.factories import PASSWORD_HASH, ApplicationFactory, CallFactory, EditionFactory, UserFactory

_GROUNDS = iter(range(1, 10_000))


@contextmanager
def seeding(app: Flask) -> Iterator[None]:
    """The cluster's database as the session (its own app context on top of the test's)."""
    with app.app_context():
        try:
            yield
        finally:
            db.session.remove()


def _edition(n: int) -> Edition:
    now = datetime.now(UTC)
    return Edition(name=f"Cluster festival {n}", slug=f"cluster-{n}", code=f"CL{n}", venue="Lapangan Puputan",
                   starts_on=date.today() + timedelta(days=60), ends_on=date.today() + timedelta(days=62),
                   applications_open_at=now - timedelta(days=90), applications_close_at=now - timedelta(days=30),
                   status=EditionStatus.PUBLISHED)


def stall_ground(stalls: int, applicants: int) -> tuple[list[tuple[str, int]], list[int]]:
    """An edition whose booking is open, `stalls` stalls and `applicants` accepted bazaar applicants; returns
    [(e-mail, application id)] and the stall ids. Inserted in one transaction (hundreds of rows)."""
    n = next(_GROUNDS)
    now = datetime.now(UTC)
    edition = _edition(n)
    call = Call(edition=edition, kind=CallKind.BAZAAR, name_ind="Bazar", name_en="Bazaar")
    db.session.add_all([edition, call])
    db.session.flush()
    zone = Zone(edition_id=edition.id, code="z", name_ind="Zona", name_en="Zone", position=0)
    db.session.add_all([StallSettings(edition_id=edition.id), zone])
    db.session.flush()
    db.session.add_all([Stall(edition_id=edition.id, zone_id=zone.id, code=f"S-{i:03d}", price=500_000,
                              grid_x=(i % 20) * 2, grid_y=(i // 20) * 2, grid_w=2, grid_h=2) for i in range(stalls)])
    applications = []
    for i in range(applicants):
        user = User(email=f"ground{n}-{i}@cluster.example", name=f"Pedagang {i}", password_hash=PASSWORD_HASH,
                    roles={Role.APPLICANT}, email_confirmed_at=now, date_of_birth=date(2003, 1, 1), locale="en")
        applications.append(Application(call=call, applicant=user, full_name=user.name, business_name=f"Usaha {i}",
                                        status=ApplicationStatus.ACCEPTED, submitted_at=now, decided_at=now))
    db.session.add_all(applications)
    db.session.commit()
    stall_ids = list(db.session.scalars(db.select(Stall.id).where(Stall.edition_id == edition.id).order_by(Stall.id)))
    return [(a.applicant.email, a.id) for a in applications], stall_ids


def user(**fields) -> str:
    return UserFactory(locale="en", **fields).email


def open_draft() -> tuple[str, int]:
    """A complete draft of a bazaar application whose call takes applications now; (e-mail, application id)."""
    now = datetime.now(UTC)
    edition = EditionFactory(applications_open_at=now - timedelta(days=1),
                             applications_close_at=now + timedelta(days=30),
                             starts_on=date.today() + timedelta(days=90), ends_on=date.today() + timedelta(days=92))
    application = ApplicationFactory(call=CallFactory(edition=edition), applicant=UserFactory(locale="en"))
    return application.applicant.email, application.id


def scalar(sql: str, **params):
    return db.session.execute(text(sql), params).scalar_one()


def rows(sql: str, **params) -> list:
    return list(db.session.execute(text(sql), params))
