"""`flask seed-demo`: demo data for a first look, loaded idempotently (running it twice changes nothing)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import click
from flask import Flask
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services import hash_password
from app.core.clock import now_utc
from app.core.permissions import Role
from app.extensions import db
from app.festival.models import Call, Edition, EditionStatus
from app.festival.services.defaults import add_defaults
from app.festival.vocab import CallKind

DEMO_PASSWORD = "dyouth-demo-2027"  # noqa: S105 (published demo login)

WITA, DARWIN = "Asia/Makassar", "Australia/Darwin"
WITA_TZ = ZoneInfo(WITA)
DEMO_USERS = [
    # email, name, role, locale, timezone, phone, date of birth
    ("staff@demo.dyouth.id", "Ni Luh Putu Staf", Role.STAFF, "id", WITA, "+6281234500001", None),
    ("mentor.sarah@demo.dyouth.id", "Sarah Mitchell", Role.MENTOR, "en", DARWIN, "+61412345678", None),
    ("mentor.james@demo.dyouth.id", "James Nguyen", Role.MENTOR, "en", DARWIN, "+61412345679", None),
    ("made@demo.dyouth.id", "I Made Wirawan", Role.APPLICANT, "id", WITA, "+6281234500011", date(2003, 4, 12)),
    ("ayu@demo.dyouth.id", "Ni Kadek Ayu Lestari", Role.APPLICANT, "id", WITA, "+6281234500012", date(2005, 9, 3)),
    ("komang@demo.dyouth.id", "Komang Arya Putra", Role.APPLICANT, "id", WITA, "+6281234500013", date(1999, 1, 25)),
    ("wayan@demo.dyouth.id", "Wayan Sari Dewi", Role.APPLICANT, "en", WITA, "+6281234500014", date(2001, 7, 30)),
    ("ketut@demo.dyouth.id", "Ketut Bagus Pratama", Role.APPLICANT, "id", WITA, "+6281234500015", date(2007, 11, 2)),
]


def _seed_edition() -> None:
    """An edition whose application window is open when the demo is loaded, with its three calls."""
    if db.session.scalar(select(Edition).where(Edition.slug == "dyf-demo")) is not None:
        return
    today = now_utc().date()
    starts = today + timedelta(days=150)
    edition = Edition(
        name=f"D'Youth Festival {starts.year}", slug="dyf-demo", code=f"DYF{starts.year % 100:02d}",
        starts_on=starts, ends_on=starts + timedelta(days=2),
        venue="Lapangan Puputan Badung I Gusti Ngurah Made Agung, Denpasar",
        description="Bazaar, pitching and creative showcase for young entrepreneurs of Denpasar.",
        applications_open_at=datetime.combine(today - timedelta(days=14), time(0, 0), tzinfo=WITA_TZ),
        applications_close_at=datetime.combine(today + timedelta(days=90), time(23, 59), tzinfo=WITA_TZ),
        status=EditionStatus.PUBLISHED,
    )
    for position, (kind, name_id, name_en) in enumerate([
        (CallKind.BAZAAR, "Bazar UMKM Kreatif", "Creative bazaar"),
        (CallKind.PITCHING, "Kompetisi Pitching", "Pitching competition"),
        (CallKind.SHOWCASE, "Panggung Kreatif", "Creative showcase"),
    ]):
        call = Call(kind=kind, name_id=name_id, name_en=name_en, position=position, places=40 if position == 0 else 10)
        add_defaults(call)
        edition.calls.append(call)
    db.session.add(edition)


def seed_demo() -> list[tuple[str, Role]]:
    """Add what is missing; return the demo logins."""
    _seed_edition()
    logins = []
    for email, name, role, locale, zone, phone, born in DEMO_USERS:
        if db.session.scalar(select(User).where(User.email == email)) is None:
            db.session.add(User(
                email=email, name=name, role=role, locale=locale, timezone=zone, phone_e164=phone,
                date_of_birth=born, password_hash=hash_password(DEMO_PASSWORD), email_confirmed_at=now_utc(),
            ))
        logins.append((email, role))
    db.session.commit()
    return logins


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Load demo data: a festival edition, one staff user, two Darwin mentors, five applicants."""
    logins = seed_demo()
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, role in logins:
        click.echo(f"  {role.value:<10} {email}")


def register_demo_cli(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
