"""Progress report files in a private S3 bucket (moto on loopback): stored there and nowhere on disk, replaced on
resubmission, served only to the author, their mentor and staff (streamed, or redirected to a signed URL)."""

import io

import pytest
import requests
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.cohorts.models import ProgressReport, ReportStatus
from app.extensions import db
from tests.cohorts.factories import CohortFactory, MilestoneFactory, ParticipantFactory
from tests.cohorts.progress_factories import PDF, photo_with_gps
from tests.factories import UserFactory
from tests.helpers import csrf_token, text
from tests.mentoring.factories import MentorshipFactory
from tests.storage_server import moto_s3_server, s3_settings  # noqa: F401  (fixtures s3_server, s3)


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path, monkeypatch, s3):
    """S3 is on; the local folder is configured too, and must stay empty."""
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    yield folder
    assert not folder.exists() or [p for p in folder.rglob("*") if p.is_file()] == []


@pytest.fixture
def author(client, login):
    cohort = CohortFactory()
    user = UserFactory(locale="en")
    participant = ParticipantFactory(cohort=cohort, user_id=user.id)
    milestone = MilestoneFactory(cohort=cohort)
    login(user)
    return participant, milestone


def _send(client, milestone, text_: str, file: tuple[bytes, str]):
    url = f"/cohorts/milestones/{milestone.id}/report"
    data = MultiDict({"csrf_token": csrf_token(text(client.get(url))), "text": text_})
    data.add("file", FileStorage(io.BytesIO(file[0]), filename=file[1]))
    boundary, body = encode_multipart(data)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _report() -> ProgressReport:
    return db.session.scalar(select(ProgressReport))


def test_a_report_file_is_stored_in_the_bucket_and_streamed_to_its_author(client, author, s3):
    _participant, milestone = author
    _send(client, milestone, "", (PDF, "../../Pitch Deck (final).pdf"))
    report = _report()
    assert s3.names() == [f"{s3.prefix}{report.file_key[:2]}/{report.file_key}"] and s3.body(report.file_key) == PDF
    response = client.get(f"/cohorts/reports/{report.id}/file")
    assert response.status_code == 200 and response.is_streamed and response.data == PDF
    assert response.mimetype == "application/pdf" and response.headers["Content-Length"] == str(len(PDF))
    assert response.headers["Content-Disposition"] == 'inline; filename="Pitch Deck final.pdf"'
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_resubmission_replaces_the_object(client, author, s3):
    _participant, milestone = author
    _send(client, milestone, "Versi pertama", (PDF, "v1.pdf"))
    report = _report()
    report.status = ReportStatus.CHANGES_REQUESTED
    db.session.commit()
    _send(client, milestone, "Versi kedua", (photo_with_gps("JPEG"), "IMG_0001.jpg"))
    db.session.refresh(report)
    assert report.revision == 2 and report.file_content_type == "image/jpeg"
    assert s3.names() == [f"{s3.prefix}{report.file_key[:2]}/{report.file_key}"]  # the PDF is gone


def test_with_redirects_only_who_may_see_the_report_gets_a_signed_url(app, client, author, login, s3, monkeypatch):
    monkeypatch.setitem(app.config, "S3_SERVE", "redirect")
    participant, milestone = author
    _send(client, milestone, "", (PDF, "canvas.pdf"))
    report = _report()
    url = f"/cohorts/reports/{report.id}/file"

    mentor = MentorshipFactory(participant=participant, accepted=True).mentor
    for user, expected in [(mentor, 302), (UserFactory(staff=True), 302), (UserFactory(), 404),
                           (ParticipantFactory(cohort=participant.cohort).user, 404)]:
        browser = app.test_client()
        login(user, on=browser)
        response = browser.get(url)
        assert response.status_code == expected, user
        if expected == 302:
            fetched = requests.get(response.headers["Location"], timeout=10)
            assert fetched.status_code == 200 and fetched.content == PDF
            assert fetched.headers["Content-Disposition"] == 'inline; filename="canvas.pdf"'
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert s3.server.endpoint_url not in anonymous.headers["Location"]
