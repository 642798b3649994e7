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
from app.festival.models import Application, ApplicationEvent, Call, Edition, EditionStatus
from app.festival.models.application import ApplicationStatus
from app.festival.services.defaults import add_defaults
from app.festival.services.workflow import next_reference
from app.festival.vocab import CallKind, District, Stage, Subsector

DEMO_PASSWORD = "dyouth-demo-2027"  # noqa: S105 (published demo login)

WITA, DARWIN = "Asia/Makassar", "Australia/Darwin"
WITA_TZ = ZoneInfo(WITA)
DEMO_USERS = [
    # email, name, roles, locale, timezone, phone, date of birth
    ("staff@demo.dyouth.id", "Ni Luh Putu Staf", {Role.STAFF, Role.DATA_OFFICER}, "id", WITA, "+6281234500001", None),
    ("mentor.sarah@demo.dyouth.id", "Sarah Mitchell", {Role.MENTOR}, "en", DARWIN, "+61412345678", None),
    # A Darwin partner who mentors and also sits on the jury.
    ("mentor.james@demo.dyouth.id", "James Nguyen", {Role.MENTOR, Role.REVIEWER}, "en", DARWIN, "+61412345679",
     None),
    ("made@demo.dyouth.id", "I Made Wirawan", {Role.APPLICANT}, "id", WITA, "+6281234500011", date(2003, 4, 12)),
    ("ayu@demo.dyouth.id", "Ni Kadek Ayu Lestari", {Role.APPLICANT}, "id", WITA, "+6281234500012", date(2005, 9, 3)),
    ("komang@demo.dyouth.id", "Komang Arya Putra", {Role.APPLICANT}, "id", WITA, "+6281234500013",
     date(1999, 1, 25)),
    ("wayan@demo.dyouth.id", "Wayan Sari Dewi", {Role.APPLICANT}, "en", WITA, "+6281234500014", date(2001, 7, 30)),
    ("ketut@demo.dyouth.id", "Ketut Bagus Pratama", {Role.APPLICANT}, "id", WITA, "+6281234500015",
     date(2007, 11, 2)),
    ("juri.putu@demo.dyouth.id", "Putu Ayu Juri", {Role.REVIEWER}, "id", WITA, "+6281234500021", None),
    ("juri.emma@demo.dyouth.id", "Emma Clarke", {Role.REVIEWER}, "en", DARWIN, "+61412345680", None),
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
    for position, (kind, name_ind, name_en) in enumerate([
        (CallKind.BAZAAR, "Bazar UMKM Kreatif", "Creative bazaar"),
        (CallKind.PITCHING, "Kompetisi Pitching", "Pitching competition"),
        (CallKind.SHOWCASE, "Panggung Kreatif", "Creative showcase"),
    ]):
        call = Call(kind=kind, name_ind=name_ind, name_en=name_en, position=position,
                    places=40 if position == 0 else 10)
        add_defaults(call)
        edition.calls.append(call)
    db.session.add(edition)


def seed_demo() -> list[tuple[str, set[Role]]]:
    """Add what is missing (accounts, and roles a demo account lacks); return the demo logins."""
    _seed_edition()
    logins = []
    for email, name, roles, locale, zone, phone, born in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            db.session.add(User(
                email=email, name=name, roles=roles, locale=locale, timezone=zone, phone_e164=phone,
                date_of_birth=born, password_hash=hash_password(DEMO_PASSWORD), email_confirmed_at=now_utc(),
            ))
        else:
            user.roles.update(roles)
        logins.append((email, roles))
    db.session.flush()
    _seed_applications()
    from app.cohorts.demo import seed_demo_incubator
    from app.stalls.demo import seed_demo_ground

    staff = db.session.scalar(select(User).where(User.email == "staff@demo.dyouth.id"))
    seed_demo_ground(staff)
    seed_demo_incubator(staff)
    db.session.commit()
    return logins


# applicant e-mail, call position, business, subsector; submitted ones get a reference (no mail is sent);
# Made's stall application is accepted, so that the demo can book and pay for a stall.
DEMO_APPLICATIONS = [
    ("made@demo.dyouth.id", 0, "Klepon Made", Subsector.CULINARY, True),
    ("komang@demo.dyouth.id", 0, "Anyaman Bambu Komang", Subsector.CRAFTS, True),
    ("wayan@demo.dyouth.id", 2, "Wayan Dance Studio", Subsector.PERFORMING_ARTS, True),
    ("ayu@demo.dyouth.id", 1, "Aplikasi Banjar", Subsector.APP_DEVELOPMENT, False),
]


DEMO_ANSWERS = {"products": "Produk lokal", "price_range": "Rp 15.000 – Rp 50.000",
                "showcase_plan": "Tari kreasi 10 menit", "pitch_summary": "Aplikasi untuk banjar di Denpasar."}


def _seed_applications() -> None:
    edition = db.session.scalar(select(Edition).where(Edition.slug == "dyf-demo"))
    for email, position, business, subsector, submitted in DEMO_APPLICATIONS:
        applicant = db.session.scalar(select(User).where(User.email == email))
        call = edition.calls[position]
        if db.session.scalar(select(Application).where(Application.call_id == call.id,
                                                       Application.applicant_id == applicant.id)):
            continue
        application = Application(
            call=call, applicant=applicant, full_name=applicant.name, phone_e164=applicant.phone_e164,
            date_of_birth=applicant.date_of_birth, district=District.DENPASAR_TIMUR, business_name=business,
            subsector=subsector, stage=Stage.STARTED, founded_on=date(2024, 6, 1), team_size=2,
            description="Usaha kreatif anak muda Denpasar.", current_step=5 if submitted else 2,
            answers={key: value for key, value in DEMO_ANSWERS.items()  # only what this call asks
                     if key in {question.key for question in call.questions}},
            draft_saved_at=now_utc(),
        )
        db.session.add(application)
        if submitted:
            application.consent_at = application.submitted_at = now_utc()
            application.status = ApplicationStatus.SUBMITTED
            application.reference = next_reference(edition)
            db.session.add(ApplicationEvent(application=application, actor=applicant,
                                            from_status=ApplicationStatus.DRAFT,
                                            to_status=ApplicationStatus.SUBMITTED))
            if email == "made@demo.dyouth.id":
                application.status = ApplicationStatus.ACCEPTED
                db.session.add(ApplicationEvent(application=application, actor=None,
                                                from_status=ApplicationStatus.SUBMITTED,
                                                to_status=ApplicationStatus.ACCEPTED))


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Load demo data: an open festival edition with three calls and a stall ground of 36 stalls open for
    booking, one staff user, two Darwin mentors, five applicants (three applications submitted — Made's stall
    application accepted —, one draft), two reviewers, and an incubator cohort with a Darwin partner (sessions,
    milestones, mentor profiles, one active mentor pair with a meeting and one pair waiting for its mentor)."""
    logins = seed_demo()
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, roles in logins:
        click.echo(f"  {'+'.join(sorted(roles)):<17} {email}")


def register_demo_cli(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
