"""Times in `<time datetime>` are valid HTML: real timestamps carry microseconds, which HTML does not accept (at most
three digits of a second), so the pages print whole seconds."""

from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.festival.models.application import ApplicationStatus as S
from app.festival.services.workflow import transition
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, UserFactory
from tests.helpers import text

WITH_MICROSECONDS = datetime(2027, 5, 2, 3, 4, 5, 678901, tzinfo=UTC)


@pytest.mark.parametrize("viewer", ["applicant", "staff"])
def test_timeline_times_are_valid_html(app, client, login, frozen_clock, viewer):
    frozen_clock(WITH_MICROSECONDS)
    application = ApplicationFactory(submitted=True, status=S.SUBMITTED)
    with app.test_request_context():
        transition(application, S.UNDER_REVIEW, None)
    db.session.commit()
    if viewer == "applicant":
        login(application.applicant)
        page = f"/applications/{application.id}"
    else:
        login(UserFactory(staff=True))
        page = f"/staff/applications/{application.id}"
    html = text(client.get(page))
    assert 'datetime="2027-05-02T03:04:05+00:00"' in html
    assert_valid(html, page)
