"""The service itself refuses a draft to anyone who is not an applicant (the route checks too, but a script, a CLI
command or a future page calls the service directly)."""

import pytest
from sqlalchemy import func, select

from app.core.errors import DomainError
from app.extensions import db
from app.festival.models import Application
from app.festival.services import drafts
from tests.factories import CallFactory, UserFactory


def count_applications() -> int:
    return db.session.scalar(select(func.count()).select_from(Application))


@pytest.mark.parametrize("role", ["staff", "mentor", "reviewer"])
def test_only_applicants_start_a_draft_in_the_service(app, open_window, role):
    call = CallFactory()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(DomainError, match="Only applicant accounts can apply"):
            drafts.start_draft(call, UserFactory(**{role: True}))
    db.session.rollback()
    assert count_applications() == 0


def test_an_applicant_starts_a_draft_in_the_service(app, open_window):
    call, applicant = CallFactory(), UserFactory()
    with app.test_request_context():
        application = drafts.start_draft(call, applicant)
    db.session.commit()
    assert count_applications() == 1 and application.applicant_id == applicant.id
