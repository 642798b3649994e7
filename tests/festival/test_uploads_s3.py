"""The festival's upload scenarios again, with the files in a private S3 bucket (moto on loopback): photos stored
cleaned, PDFs replaced, files removed, served only after the access check (streamed, or redirected to a short-lived
signed URL), thumbnails made from the bucket, and nothing ever written to the local folder."""

import io

import pytest
import requests
from PIL import Image

from app.extensions import db
from app.festival.models import ApplicationFile
from app.festival.models.application import ApplicationStatus, FileKind
from tests.factories import ApplicationFactory, AssignmentFactory, CallFactory, UserFactory
from tests.festival.conftest import GPS_IFD
from tests.festival.test_uploads import draft_fixture, files_of, pitch_fixture  # noqa: F401  (as on disk)
from tests.helpers import csrf_token, text
from tests.storage_server import moto_s3_server, s3_settings  # noqa: F401  (fixtures s3_server, s3)


@pytest.fixture(autouse=True)
def nothing_on_disk(s3, upload_folder):
    """Every test here runs with S3 on, and leaves the local upload folder untouched."""
    yield
    assert not upload_folder.exists() or [p for p in upload_folder.rglob("*") if p.is_file()] == []


def test_a_photo_goes_to_the_bucket_without_its_exif(client, draft, upload, gps_jpeg, s3):
    response = upload(draft, photos=[(gps_jpeg, "IMG_2041.JPG")])
    assert response.headers["Location"] == f"/applications/{draft.id}/step/4"
    (record,) = files_of(draft)
    assert s3.names() == [f"{s3.prefix}{record.storage_key[:2]}/{record.storage_key}"]
    data = s3.body(record.storage_key)
    assert record.size_bytes == len(data) and b"PhoneMaker" not in data
    assert not Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)


def test_files_are_streamed_from_the_bucket_with_safe_headers(client, draft, upload, gps_jpeg, s3):
    upload(draft, photos=[(gps_jpeg, "../../Kopi Susu é;.html.jpg")])
    (record,) = files_of(draft)
    response = client.get(f"/files/{record.id}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.is_streamed and response.data == s3.body(record.storage_key)
    assert response.headers["Content-Length"] == str(record.size_bytes)
    assert response.headers["Content-Disposition"] == 'inline; filename="Kopi Susu html.jpg"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_new_pdf_replaces_the_old_object_and_a_removed_file_leaves_the_bucket(client, pitch, upload, pdf_bytes,
                                                                                 s3):
    upload(pitch, pdf_deck=(pdf_bytes, "v1.pdf"))
    (first,) = files_of(pitch)
    upload(pitch, pdf_deck=(pdf_bytes + b"% v2\n", "v2.pdf"))
    (second,) = files_of(pitch)
    assert s3.names() == [f"{s3.prefix}{second.storage_key[:2]}/{second.storage_key}"]  # v1 is gone
    assert s3.body(second.storage_key) == pdf_bytes + b"% v2\n"

    token = csrf_token(text(client.get(f"/applications/{pitch.id}/step/4")))
    response = client.post(f"/files/{second.id}/delete", data={"csrf_token": token})
    assert response.headers["Location"] == f"/applications/{pitch.id}/step/4"
    assert files_of(pitch) == [] and s3.names() == []


def test_objects_of_an_upload_whose_commit_fails_are_removed(client, draft, upload, make_image, s3, monkeypatch):
    def failing_commit():
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "commit", failing_commit)
    with pytest.raises(RuntimeError, match="went away"):
        upload(draft, photos=[(make_image(), "a.jpg")])
    monkeypatch.undo()
    assert s3.names() == [] and files_of(draft) == []


def test_who_may_fetch_a_file_from_the_bucket(client, app, login, draft, upload, make_image):
    upload(draft, photos=[(make_image("PNG"), "p.png")])
    (record,) = files_of(draft)
    url = f"/files/{record.id}"
    other = app.test_client()
    login(UserFactory(), on=other)
    assert other.get(url).status_code == 404  # another applicant
    staff = app.test_client()
    login(UserFactory(staff=True), on=staff)
    assert staff.get(url).status_code == 404  # a draft stays private to its applicant
    assert client.get(url).status_code == 200
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_a_missing_object_is_404(client, login, app):
    application = ApplicationFactory(submitted=True)
    record = ApplicationFile(application=application, kind=FileKind.PDF, original_name="deck.pdf",
                             storage_key="ab" + "0" * 30 + ".pdf", content_type="application/pdf", size_bytes=1,
                             sha256="0" * 64)
    db.session.add(record)
    db.session.commit()
    login(UserFactory(staff=True))
    assert client.get(f"/files/{record.id}").status_code == 404
    assert client.get(f"/files/{record.id}/thumb").status_code == 404


def test_a_thumbnail_is_made_from_the_bucket_and_follows_the_file_check(app, client, login, open_window, make_image,
                                                                        upload):
    application = ApplicationFactory(applicant=UserFactory(locale="en"))
    login(application.applicant)
    upload(application, photos=[(make_image("JPEG", size=(1600, 900)), "stall.jpg")])
    (record,) = files_of(application)
    response = client.get(f"/files/{record.id}/thumb")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, max-age=86400"
    with Image.open(io.BytesIO(response.data)) as thumb:
        assert thumb.format == "JPEG" and thumb.size == (320, 180)
    stranger = app.test_client()
    login(UserFactory(reviewer=True), on=stranger)
    assert stranger.get(f"/files/{record.id}/thumb").status_code == 404


def test_with_redirects_a_pdf_is_a_signed_url_after_the_check_and_a_photo_is_streamed(
        app, client, login, open_window, upload, pdf_bytes, make_image, s3, monkeypatch):
    monkeypatch.setitem(app.config, "S3_SERVE", "redirect")
    application = ApplicationFactory(call=CallFactory(kind="pitching", blind_review=True),
                                     answers={"pitch_summary": "Kopi"}, applicant=UserFactory(locale="en"))
    login(application.applicant)
    upload(application, pdf_deck=(pdf_bytes, "Ayu Sekarwati deck.pdf"), photos=[(make_image("PNG"), "p.png")])
    pdf, photo = sorted(files_of(application), key=lambda f: f.kind != FileKind.PDF)

    stranger = app.test_client()
    login(UserFactory(), on=stranger)
    assert stranger.get(f"/files/{pdf.id}").status_code == 404  # no URL without the check

    response = client.get(f"/files/{pdf.id}")
    assert response.status_code == 302 and response.headers["Cache-Control"] == "private, no-store"
    signed = response.headers["Location"]
    assert signed.startswith(s3.server.endpoint_url + "/") and "X-Amz-Signature=" in signed
    assert "X-Amz-Expires=60" in signed
    fetched = requests.get(signed, timeout=10)
    assert fetched.status_code == 200 and fetched.content == pdf_bytes
    assert fetched.headers["Content-Disposition"] == 'inline; filename="Ayu Sekarwati deck.pdf"'
    assert requests.get(signed.split("?")[0], timeout=10).status_code == 403  # the bucket itself is private

    streamed = client.get(f"/files/{photo.id}")  # pages show photos in <img>: CSP img-src is 'self'
    assert streamed.status_code == 200 and streamed.data == s3.body(photo.storage_key)

    # Blind review: the signed URL names the file as the view does, without the applicant's name.
    application.status = ApplicationStatus.SUBMITTED
    db.session.commit()
    reviewer = AssignmentFactory(application=application).reviewer
    reviewer_client = app.test_client()
    login(reviewer, on=reviewer_client)
    blind = reviewer_client.get(f"/files/{pdf.id}")
    assert blind.status_code == 302
    disposition = requests.get(blind.headers["Location"], timeout=10).headers["Content-Disposition"]
    assert disposition == f'inline; filename="pdf-{pdf.id}.pdf"' and "Ayu" not in blind.headers["Location"]
