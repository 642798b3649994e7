"""NIK masked on every page that shows it after it was typed (the applicant's own form field keeps what they typed);
revealed in full only to staff holding the data-officer role, by a POST, each reveal one audit entry."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.core.permissions import Role
from app.extensions import db
from app.privacy.nik import masked
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, UserFactory
from tests.helpers import csrf_token, submit, text

NIK = "5171015705040001"
SHOWN = "5171********0001"
TEMPLATES = Path(__file__).resolve().parents[2] / "app"


@pytest.fixture(autouse=True)
def open_window(frozen_clock):
    frozen_clock(datetime(2027, 5, 20, 2, 0, tzinfo=UTC))


@pytest.fixture
def application():
    return ApplicationFactory(applicant=UserFactory(locale="en"), nik=NIK, submitted=True)


def reveal_url(application) -> str:
    return f"/staff/applications/{application.id}/nik"


def desk_url(application) -> str:
    return f"/staff/applications/{application.id}"


def reveals() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "festival.application.nik_revealed")))


def test_the_mask_keeps_the_first_and_last_four_digits():
    assert masked(NIK) == SHOWN
    assert masked(None) == masked("") == ""
    assert masked("1234") == "****"


def test_every_template_that_prints_a_nik_masks_it():
    """A template printing `….nik` must pass it through `nik_masked` (the reveal page prints `number`)."""
    offenders = []
    for path in TEMPLATES.rglob("templates/**/*.html"):
        for expression in re.findall(r"\{\{(.*?)\}\}", path.read_text(), flags=re.S):
            if re.search(r"\.nik\b", expression) and "nik_masked" not in expression:
                offenders.append(f"{path.relative_to(TEMPLATES)}: {{{{{expression.strip()}}}}}")
    assert offenders == []


def test_the_applicant_sees_the_nik_masked_after_typing_it(client, login):
    draft = ApplicationFactory(applicant=UserFactory(locale="en"), nik=NIK)
    login(draft.applicant)
    assert f'value="{NIK}"' in text(client.get(f"/applications/{draft.id}/step/1"))  # their own field, to correct it
    review = text(client.get(f"/applications/{draft.id}/step/5"))
    assert SHOWN in review and NIK not in review
    submit(client, f"/applications/{draft.id}/step/5", {"consent": "y", "action": "submit"})
    for url in (f"/applications/{draft.id}", f"/applications/{draft.id}/summary"):
        page = text(client.get(url))
        assert NIK not in page, url
    assert SHOWN in text(client.get(f"/applications/{draft.id}/summary"))


def test_staff_see_it_masked_and_without_the_reveal_button(client, login, application):
    login(UserFactory(staff=True, locale="en"))
    for url in (desk_url(application), f"/applications/{application.id}/summary"):
        page = text(client.get(url))
        assert SHOWN in page and NIK not in page, url
    assert reveal_url(application) not in text(client.get(desk_url(application)))


def test_a_data_officer_reveals_it_and_each_reveal_is_logged(client, login, application):
    officer = UserFactory(roles={Role.STAFF, Role.DATA_OFFICER}, date_of_birth=None, locale="en")
    login(officer)
    desk = text(client.get(desk_url(application)))
    assert SHOWN in desk and NIK not in desk and "Show the full NIK (logged)" in desk
    assert_valid(desk, "desk application page of a data officer")

    response = client.post(reveal_url(application), data={"csrf_token": csrf_token(desk)})
    page = text(response)
    assert response.status_code == 200 and NIK in page and response.headers["Cache-Control"] == "no-store"
    assert_valid(page, "NIK reveal")
    [entry] = reveals()
    assert (entry.actor_id, entry.target_type, entry.target_id) == (officer.id, "festival_application",
                                                                    application.id)
    assert entry.target_label == application.reference
    assert NIK not in str((entry.before, entry.after, entry.target_label))  # the log holds no personal data

    client.post(reveal_url(application), data={"csrf_token": csrf_token(desk)})
    assert len(reveals()) == 2  # one entry per reveal
    assert NIK not in text(client.get(desk_url(application)))  # the page itself stays masked


@pytest.mark.parametrize("roles", [{Role.STAFF}, {Role.APPLICANT}, {Role.DATA_OFFICER}, {Role.REVIEWER}])
def test_nobody_else_can_reveal_it(client, login, application, roles):
    login(UserFactory(roles=roles, locale="en"))
    token = csrf_token(text(client.get("/")))
    response = client.post(reveal_url(application), data={"csrf_token": token})
    assert response.status_code == 403 and NIK not in text(response)
    assert reveals() == []


def test_a_visitor_is_sent_to_log_in(client, application):
    response = client.post(reveal_url(application))
    assert response.status_code in (302, 400) and reveals() == []


def test_a_draft_is_not_revealed_even_to_a_data_officer(client, login):
    draft = ApplicationFactory(nik=NIK)
    login(UserFactory(roles={Role.STAFF, Role.DATA_OFFICER}, date_of_birth=None, locale="en"))
    response = client.post(reveal_url(draft), data={"csrf_token": csrf_token(text(client.get("/")))})
    assert response.status_code == 404 and reveals() == []


def test_an_application_without_a_nik_says_so(client, login):
    application = ApplicationFactory(nik=None, submitted=True)
    login(UserFactory(roles={Role.STAFF, Role.DATA_OFFICER}, date_of_birth=None, locale="en"))
    response = client.post(reveal_url(application), data={"csrf_token": csrf_token(text(client.get("/")))})
    assert response.status_code == 302 and reveals() == []
    assert "This application has no NIK." in text(client.get(response.headers["Location"]))
