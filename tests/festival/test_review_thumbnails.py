"""Photo thumbnails: a small JPEG behind the same check as the file itself, never carrying the file's name."""

import io

import pytest
from PIL import Image

from app.extensions import db
from app.festival.models import ApplicationFile
from app.festival.models.application import FileKind
from tests.factories import ApplicationFactory, AssignmentFactory, CallFactory, UserFactory
from tests.festival.conftest import image_bytes
from tests.helpers import text


def _with_file(upload_folder, kind=FileKind.PHOTO, size=(1600, 900), blind=False) -> ApplicationFile:
    application = ApplicationFactory(call=CallFactory(blind_review=blind), submitted=True)
    data = image_bytes("JPEG", size) if kind == FileKind.PHOTO else b"%PDF-1.4\n%%EOF\n"
    key = f"{application.id:02d}" + "0" * 30 + (".jpg" if kind == FileKind.PHOTO else ".pdf")
    (upload_folder / key[:2]).mkdir(parents=True, exist_ok=True)
    (upload_folder / key[:2] / key).write_bytes(data)
    content_type = "image/jpeg" if kind == FileKind.PHOTO else "application/pdf"
    record = ApplicationFile(application=application, kind=kind, original_name="Ayu_Sekarwati_produk.jpg",
                             storage_key=key, content_type=content_type, size_bytes=len(data), sha256="0" * 64)
    db.session.add(record)
    db.session.commit()
    return record


@pytest.mark.parametrize("blind", [False, True])
def test_an_assigned_reviewer_gets_a_small_private_jpeg_without_a_name(client, login, upload_folder, blind):
    record = _with_file(upload_folder, blind=blind)
    assignment = AssignmentFactory(application=record.application, reviewer=UserFactory(reviewer=True, locale="en"))
    login(assignment.reviewer)
    response = client.get(f"/files/{record.id}/thumb")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert "Content-Disposition" not in response.headers  # the original name never travels with a thumbnail
    assert response.headers["Cache-Control"] == "private, max-age=86400"
    with Image.open(io.BytesIO(response.data)) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) == 320 and thumb.size == (320, 180)
    html = text(client.get(f"/review/{assignment.id}"))
    assert f'<a href="/files/{record.id}"><img src="/files/{record.id}/thumb"' in html
    assert ("Ayu_Sekarwati" in html) is False


def test_a_small_photo_is_not_enlarged(client, login, upload_folder):
    record = _with_file(upload_folder, size=(200, 100))
    login(record.application.applicant)
    with Image.open(io.BytesIO(client.get(f"/files/{record.id}/thumb").data)) as thumb:
        assert thumb.size == (200, 100)


def test_thumbnails_follow_the_file_check(app, login, upload_folder):
    record = _with_file(upload_folder)
    assigned = AssignmentFactory(application=record.application).reviewer
    url = f"/files/{record.id}/thumb"
    expected = [(record.application.applicant, 200), (UserFactory(staff=True), 200), (assigned, 200),
                (UserFactory(reviewer=True), 404), (UserFactory(), 404), (UserFactory(mentor=True), 404)]
    for user, status in expected:
        browser = app.test_client()
        login(user, on=browser)
        assert browser.get(url).status_code == status, user
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_a_pdf_has_no_thumbnail_and_a_missing_file_is_404(client, login, upload_folder):
    pdf = _with_file(upload_folder, kind=FileKind.PDF)
    login(UserFactory(staff=True))
    assert client.get(f"/files/{pdf.id}/thumb").status_code == 404
    photo = _with_file(upload_folder)
    (upload_folder / photo.storage_key[:2] / photo.storage_key).unlink()
    assert client.get(f"/files/{photo.id}/thumb").status_code == 404
    assert client.get("/files/999999/thumb").status_code == 404
