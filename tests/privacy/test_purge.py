"""`flask privacy purge`: a dry run changes nothing; `--apply` anonymises only the editions past retention."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.core import uploads
from app.core.clock import freeze
from app.extensions import db
from app.festival.models import Application, ApplicationFile, Edition
from app.festival.models.application import ApplicationStatus
from app.privacy.models import AnonymisedApplication, GuardianConsent
from app.privacy.services import purge
from tests.factories import ApplicationFactory, CallFactory, EditionFactory
from tests.privacy.erasure_world import (
    BUSINESS,
    GUARDIAN_NAME,
    JPEG,
    NAME,
    NIK,
    dump_all,
    leaks,
    net_paid,
    rich_life,
)

TODAY = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))


@pytest.fixture
def world():
    """An edition that ended 30 months ago (the rich life) and one that ended 6 months ago, today 3 December 2026."""
    freeze(TODAY)
    life = rich_life(ends_on=date(2024, 6, 16))
    recent = EditionFactory(starts_on=date(2026, 6, 12), ends_on=date(2026, 6, 14))
    kept = ApplicationFactory(call=CallFactory(edition=recent), submitted=True, business_name="Batik Tabanan Jaya",
                              nik="5171020202020002")
    key = uploads.store(JPEG, "jpg")
    db.session.add(ApplicationFile(application_id=kept.id, kind="photo", original_name="batik.jpg", storage_key=key,
                                   content_type="image/jpeg", size_bytes=len(JPEG), sha256="2" * 64))
    db.session.commit()
    return life, kept, key


def _purge(app, *args):
    result = app.test_cli_runner().invoke(args=["privacy", "purge", *args])
    db.session.commit()  # see what the command committed
    return result


def test_the_dry_run_prints_the_plan_and_changes_nothing(app, world):
    life, _kept, _key = world
    before = dump_all()
    result = _purge(app)
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output
    assert "2 applications to anonymise, 1 drafts to delete, 2 files to remove" in result.output
    assert "kept until 2028-06-14" in result.output
    assert dump_all() == before
    for key in life.files:
        assert uploads.read(key)


def test_apply_anonymises_only_editions_past_retention(app, world):
    life, kept, key = world
    balance = net_paid(life.booking.id)
    result = _purge(app, "--apply")
    assert result.exit_code == 0, result.output
    assert "anonymised 2, deleted 1 drafts, removed 2 files" in result.output

    assert leaks([NIK, BUSINESS, GUARDIAN_NAME, "Gerabah Pejaten Artawan"]) == []
    application = db.session.get(Application, life.application.id)
    assert application.status == ApplicationStatus.ACCEPTED and application.full_name == ""
    assert db.session.get(Application, life.draft.id) is None
    assert db.session.scalar(select(GuardianConsent.confirmed_at)) is not None
    assert net_paid(life.booking.id) == balance
    # Accounts stay: the person may apply to later editions.
    person = db.session.get(User, life.person.id)
    assert person.name == NAME and person.active
    # The recent edition is untouched.
    db.session.refresh(kept)
    assert kept.business_name == "Batik Tabanan Jaya" and kept.nik == "5171020202020002"
    assert uploads.read(key) == JPEG
    for stored in life.files[:1]:  # the accepted application's photo
        with pytest.raises(FileNotFoundError):
            uploads.read(stored)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.purge.applied"))
    assert entry.actor_id is None and entry.target_type == "festival_edition"
    assert entry.after == {"anonymised": 2, "drafts_deleted": 1, "files_removed": 2, "retention_months": 24}


def test_a_second_run_finds_nothing_to_do(app, world):
    assert _purge(app, "--apply").exit_code == 0
    before = dump_all()
    result = _purge(app, "--apply")
    assert result.exit_code == 0 and "0 applications to anonymise" in result.output
    assert dump_all() == before
    assert db.session.scalar(select(func.count()).select_from(AnonymisedApplication)) == 2


def test_a_longer_retention_keeps_the_old_edition(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "PRIVACY_RETENTION_MONTHS", 36)
    before = dump_all()
    result = _purge(app, "--apply")
    assert result.exit_code == 0 and "kept until 2027-06-16" in result.output
    assert dump_all() == before


def test_one_edition_by_its_code_and_an_unknown_code(app, world):
    life, kept, _key = world
    recent_code = db.session.get(Edition, kept.call.edition_id).code
    before = dump_all()
    result = _purge(app, "--edition", recent_code, "--apply")
    assert result.exit_code == 0 and recent_code in result.output and "kept until" in result.output
    assert dump_all() == before
    assert _purge(app, "--edition", "NOPE").exit_code != 0


def test_add_months_keeps_the_day_or_takes_the_month_end():
    assert purge.add_months(date(2024, 6, 16), 24) == date(2026, 6, 16)
    assert purge.add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert purge.add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)
    assert purge.add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
