"""The schema refuses what the code should never write: enum values it does not know, a second PDF per question.

Raw SQL on purpose: these are the backstops for a writer that bypasses the models (a script, a bug, a race).
"""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.festival.models.application import ApplicationFile, FileKind
from tests.factories import ApplicationFactory, UserFactory


def _refused(sql: str, **params) -> bool:
    try:
        with db.engine.begin() as connection:
            connection.execute(text(sql), params)
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize(("sql", "column"), [
    ("UPDATE festival_application SET status = 'lost' WHERE id = :id", "status"),
    ("UPDATE festival_application SET subsector = 'mining' WHERE id = :id", "subsector"),
    ("UPDATE festival_application_event SET to_status = 'lost' WHERE application_id = :id", "to_status"),
])
def test_enum_columns_refuse_unknown_values(sql, column):
    application = ApplicationFactory(submitted=True)
    db.session.execute(text(
        "INSERT INTO festival_application_event (application_id, from_status, to_status, message, created_at)"
        " VALUES (:id, 'draft', 'submitted', '', CURRENT_TIMESTAMP)"), {"id": application.id})
    db.session.commit()
    assert _refused(sql, id=application.id), column


def test_a_role_must_be_a_known_role():
    user = UserFactory()
    assert _refused("INSERT INTO user_role (user_id, role) VALUES (:id, 'admin')", id=user.id)
    assert not _refused("INSERT INTO user_role (user_id, role) VALUES (:id, 'reviewer')", id=user.id)
    assert _refused("INSERT INTO user_role (user_id, role) VALUES (:id, 'reviewer')", id=user.id)  # once


def _file(application, kind: FileKind, question_key: str | None, n: int) -> ApplicationFile:
    return ApplicationFile(application=application, kind=kind, question_key=question_key, original_name="x",
                           storage_key=f"key-{n}", content_type="application/pdf", size_bytes=1, sha256="0" * 64)


def test_one_pdf_per_question_is_a_unique_index():
    application = ApplicationFactory()
    db.session.add_all([_file(application, FileKind.PDF, "business_plan", 1),
                        _file(application, FileKind.PDF, "portfolio", 2),
                        _file(application, FileKind.PHOTO, None, 3), _file(application, FileKind.PHOTO, None, 4)])
    db.session.commit()  # one PDF per question, and any number of photos
    db.session.add(_file(application, FileKind.PDF, "business_plan", 5))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(_file(ApplicationFactory(), FileKind.PDF, "business_plan", 6))
    db.session.commit()  # another application's PDF for the same question
