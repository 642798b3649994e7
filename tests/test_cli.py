"""Command-line tools: the first staff account and idempotent demo data."""

from sqlalchemy import func, select

from app.accounts.models import User, UserRole
from app.core.permissions import Role
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.festival.models import Application, Edition


def test_create_staff(app, login):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-staff", "--email", "Kadek@Denpasarkota.go.id", "--name", "Kadek"],
                           input="staff password 1\nstaff password 1\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert user.email == "kadek@denpasarkota.go.id" and user.roles == {Role.STAFF} and user.is_confirmed
    assert login(user, "staff password 1").status_code == 302


def test_create_staff_refuses_short_password_and_duplicates(app, user_factory):
    runner = app.test_cli_runner()
    short = runner.invoke(args=["create-staff", "--email", "a@example.com", "--name", "A"], input="short\nshort\n")
    assert short.exit_code != 0
    user_factory(email="b@example.com")
    dup = runner.invoke(args=["create-staff", "--email", "b@example.com", "--name", "B"],
                        input="long enough pw\nlong enough pw\n")
    assert dup.exit_code != 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_seed_demo_is_idempotent_and_prints_logins(app, login):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "staff@demo.dyouth.id" in first.output and DEMO_PASSWORD in first.output
    counts = dict(db.session.execute(select(UserRole.role, func.count()).group_by(UserRole.role)).all())
    # James mentors and reviews; the staff member is also the personal data officer
    assert counts == {Role.STAFF: 1, Role.DATA_OFFICER: 1, Role.MENTOR: 2, Role.APPLICANT: 5, Role.REVIEWER: 3}
    assert db.session.scalar(select(func.count()).select_from(User)) == 10
    assert db.session.scalar(select(func.count()).select_from(Edition)) == 1
    references = db.session.scalars(select(Application.reference).where(Application.reference.is_not(None))).all()
    assert len(references) == 3 and len(set(references)) == 3
    assert db.session.scalar(select(func.count()).select_from(Application)) == 4
    for application in db.session.scalars(select(Application)):  # answers only to what each call asks
        assert set(application.answers) <= {question.key for question in application.call.questions}
    mentors = db.session.scalars(select(User).where(User.holding(Role.MENTOR))).all()
    assert {m.timezone for m in mentors} == {"Australia/Darwin"}
    assert login("staff@demo.dyouth.id", DEMO_PASSWORD).headers["Location"].endswith("/home")
