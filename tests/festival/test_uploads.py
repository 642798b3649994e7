"""Uploads: the type comes from the content, sizes are limited, photos lose their EXIF (GPS) data, files are stored
outside the web root under random names, and a refused file leaves the draft as it was."""

import io
import random

import pytest
from flask_babel import force_locale
from PIL import Image

from app.core.storage import storage
from app.extensions import db
from app.festival.models import ApplicationFile
from app.festival.models.application import FileKind
from app.festival.services import uploads
from tests.factories import ApplicationFactory, AssignmentFactory, CallFactory, UserFactory
from tests.festival.conftest import GPS_IFD, ORIENTATION
from tests.helpers import csrf_token, field_error, text

MB = 1024 * 1024


@pytest.fixture(name="draft")  # named so that test_uploads_s3.py can import it
def draft_fixture(client, login, open_window):
    application = ApplicationFactory(applicant=UserFactory(locale="en"))
    login(application.applicant)
    return application


@pytest.fixture(name="pitch")
def pitch_fixture(client, login, open_window):
    application = ApplicationFactory(call=CallFactory(kind="pitching"), answers={"pitch_summary": "Kopi"},
                                     applicant=UserFactory(locale="en"))
    login(application.applicant)
    return application


def files_of(application) -> list[ApplicationFile]:
    db.session.refresh(application)
    return list(application.files)


def stored(record: ApplicationFile) -> bytes:
    """The stored bytes, wherever the storage keeps them (these tests run on the folder and, again, on S3:
    tests/festival/test_uploads_same_on_s3.py)."""
    return storage().get(record.storage_key)


@pytest.fixture
def stored_names(upload_folder):
    """Every file the storage holds (the S3 run overrides it with the bucket's listing)."""
    return lambda: [p for p in upload_folder.rglob("*") if p.is_file()]


def test_exif_and_gps_are_removed_from_a_jpeg_and_the_orientation_kept(client, draft, upload, gps_jpeg):
    original = Image.open(io.BytesIO(gps_jpeg))
    assert original.getexif().get_ifd(GPS_IFD)  # the test picture does carry a position
    response = upload(draft, photos=[(gps_jpeg, "IMG_2041.JPG")])
    assert response.headers["Location"] == f"/applications/{draft.id}/step/4"
    (record,) = files_of(draft)
    data = stored(record)
    cleaned = Image.open(io.BytesIO(data))
    assert cleaned.format == "JPEG"
    assert dict(cleaned.getexif()) == {} and not cleaned.getexif().get_ifd(GPS_IFD)
    assert b"Exif" not in data and b"PhoneMaker" not in data
    assert cleaned.size == (20, 40)  # orientation 6 (turn 90°) applied to the pixels before EXIF was dropped
    assert ORIENTATION not in cleaned.getexif()
    assert (record.kind, record.content_type, record.original_name) == (FileKind.PHOTO, "image/jpeg", "IMG_2041.jpg")
    assert record.size_bytes == len(data)
    assert "IMG_2041" not in record.storage_key and not record.storage_key.startswith("static")


@pytest.mark.parametrize(("image_format", "content_type"), [("PNG", "image/png"), ("WEBP", "image/webp")])
def test_png_and_webp_are_accepted_and_re_encoded(client, draft, upload, make_image, image_format,
                                                  content_type):
    upload(draft, photos=[(make_image(image_format, exif=Image.Exif() if image_format == "PNG" else None), "a.bin")])
    (record,) = files_of(draft)
    assert record.content_type == content_type and record.original_name == f"a.{record.storage_key[-4:].strip('.')}"
    assert Image.open(io.BytesIO(stored(record))).format == image_format


def test_a_png_renamed_pdf_is_refused_for_a_pdf_slot(client, pitch, upload, make_image):
    response = upload(pitch, pdf_deck=(make_image("PNG"), "deck.pdf"))
    assert response.status_code == 200
    assert field_error(text(response), "pdf_deck") == "deck.pdf: This file is not a PDF document."
    assert files_of(pitch) == []
    db.session.refresh(pitch)
    assert pitch.answers == {"pitch_summary": "Kopi"} and pitch.business_name  # the draft is intact


def test_a_text_file_named_jpg_is_refused_as_a_photo(client, draft, upload):
    response = upload(draft, photos=[(b"just some text, not a picture", "photo.jpg")])
    assert field_error(text(response), "photos") == (
        "photo.jpg: This file is not a JPEG, PNG or WebP picture, or it is damaged.")
    assert files_of(draft) == []


def test_a_gif_is_refused_even_though_it_is_a_picture(client, draft, upload, make_image):
    response = upload(draft, photos=[(make_image("GIF", mode="L"), "anim.gif")])
    assert "not a JPEG, PNG or WebP picture" in field_error(text(response), "photos")
    assert files_of(draft) == []


def phone_photo(megabytes: float = 11) -> bytes:
    """A 12-megapixel JPEG of about `megabytes` MB, as a phone takes it (noise does not compress: no network)."""
    pixels = Image.frombytes("RGB", (4000, 3000), random.Random(12).randbytes(4000 * 3000 * 3))
    for quality in range(85, 96):
        buffer = io.BytesIO()
        pixels.save(buffer, format="JPEG", quality=quality)
        if len(buffer.getvalue()) >= megabytes * MB:
            return buffer.getvalue()
    raise AssertionError("no quality gives a photo that large")


def test_an_eleven_megabyte_phone_photo_is_accepted_and_stored_smaller(client, draft, upload):
    photo = phone_photo(11)
    assert 11 * MB <= len(photo) < 12 * MB
    response = upload(draft, photos=[(photo, "IMG_2041.jpg")])
    assert response.status_code == 302
    (record,) = files_of(draft)
    kept = stored(record)
    assert record.size_bytes == len(kept) < len(photo) // 2
    assert Image.open(io.BytesIO(kept)).size == (2000, 1500)  # the long side at most 2,000 px


def test_a_photo_above_the_request_limit_is_refused_with_a_message(client, draft, upload, make_image):
    big = make_image("JPEG") + b"\0" * (12 * MB)
    response = upload(draft, photos=[(big, "big.jpg")])
    assert response.status_code == 413
    assert "larger than we accept" in text(response)
    assert files_of(draft) == []


def test_the_byte_limit_of_a_photo_is_the_request_limit(app, monkeypatch):
    from app.core.uploads import check_size, photo_max_bytes

    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 3 * MB)
    with app.test_request_context(), force_locale("en"):
        assert photo_max_bytes() == 3 * MB
        with pytest.raises(uploads.UploadRefused, match="the limit is 3 MB"):
            check_size(b"x" * (3 * MB + 1), photo_max_bytes(), "photos")


def test_a_ten_megabyte_pdf_is_accepted_and_a_larger_one_refused(client, pitch, upload, pdf_bytes):
    response = upload(pitch, pdf_deck=(pdf_bytes + b"%" * (10 * MB + 1 - len(pdf_bytes)), "deck.pdf"))
    assert field_error(text(response), "pdf_deck") == "deck.pdf: The file is 10.0 MB; the limit is 10 MB."
    assert files_of(pitch) == []
    response = upload(pitch, pdf_deck=(pdf_bytes + b"%" * (10 * MB - len(pdf_bytes)), "deck.pdf"))
    assert response.status_code == 302
    (record,) = files_of(pitch)
    assert (record.kind, record.question_key, record.content_type, record.size_bytes) == (
        FileKind.PDF, "deck", "application/pdf", 10 * MB)


def test_a_new_pdf_replaces_the_old_one_and_its_file(client, pitch, upload, pdf_bytes):
    upload(pitch, pdf_deck=(pdf_bytes, "v1.pdf"))
    (first,) = files_of(pitch)
    old_key = first.storage_key
    assert storage().exists(old_key)
    upload(pitch, pdf_deck=(pdf_bytes + b"% v2\n", "v2.pdf"))
    (second,) = files_of(pitch)
    assert second.original_name == "v2.pdf" and not storage().exists(old_key)


def test_at_most_five_photos(client, draft, upload, make_image):
    photos = [(make_image("PNG"), f"p{n}.png") for n in range(6)]
    response = upload(draft, photos=photos)
    assert field_error(text(response), "photos") == "p5.png: You can add at most 5 photos; remove one first."
    assert len(files_of(draft)) == 5


def test_a_decompression_bomb_is_refused(client, draft, upload, make_image):
    bomb = make_image("PNG", size=(8000, 6000), mode="1")  # 48 megapixels in a few kilobytes
    assert len(bomb) < 100_000
    response = upload(draft, photos=[(bomb, "bomb.png")])
    assert "too large (8000 × 6000 pixels)" in field_error(text(response), "photos")
    assert files_of(draft) == []


def test_a_6300_pixel_square_png_is_refused_from_its_header(client, draft, upload, make_image):
    """A 155 KB PNG of 6300 × 6300 pixels (40 megapixels) took some 300 MB to decode and re-encode; five at once took
    the server to 1.65 GB (bench/uploads_peak.py measures it). It is now refused before decoding."""
    bomb = make_image("PNG", size=(6300, 6300), mode="L")
    assert len(bomb) < 200_000
    response = upload(draft, photos=[(bomb, "square.png")])
    assert field_error(text(response), "photos") == (
        "square.png: This picture is too large (6300 × 6300 pixels); please send a smaller one.")
    assert files_of(draft) == []


def test_a_jpeg_above_the_limit_is_decoded_at_a_fraction_of_its_size(app, client, draft, upload, make_image,
                                                                        monkeypatch):
    """Pillow's draft mode has the JPEG decoder scale the picture down (1/2, 1/4, 1/8), so a phone's 48-megapixel
    photo never lies in memory whole; other formats above the limit are refused."""
    monkeypatch.setitem(app.config, "UPLOAD_MAX_PIXELS", 10_000)
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # turned 90° by the phone
    upload(draft, photos=[(make_image("JPEG", size=(400, 200), exif=exif), "wide.jpg")])
    (record,) = files_of(draft)
    assert Image.open(io.BytesIO(stored(record))).size == (50, 100)  # 1/4 of 400 × 200, turned
    response = upload(draft, photos=[(make_image("JPEG", size=(1000, 700)), "huge.jpg"),  # 1/8 is still 87 × 125
                                     (make_image("PNG", size=(200, 100)), "big.png"),
                                     (make_image("PNG", size=(100, 100)), "fits.png")])
    errors = field_error(text(response), "photos")
    assert "huge.jpg: This picture is too large (1000 × 700 pixels)" in errors
    assert "big.png: This picture is too large (200 × 100 pixels)" in errors
    assert [f.original_name for f in files_of(draft)] == ["wide.jpg", "fits.png"]


@pytest.mark.parametrize("offset", [1, 100, 1000])
def test_a_pdf_must_begin_with_its_signature(client, pitch, upload, offset):
    """An HTML page with "%PDF-" inside its first kilobyte (as lenient PDF readers accept) is no PDF here."""
    html = b"<!doctype html><script>alert(document.cookie)</script>"
    page = (html + b" " * offset)[:offset] + b"%PDF-1.4\n%%EOF\n"
    response = upload(pitch, pdf_deck=(page, "deck.pdf"))
    assert field_error(text(response), "pdf_deck") == "deck.pdf: This file is not a PDF document."
    assert files_of(pitch) == []


def test_a_good_file_is_kept_when_another_in_the_same_post_is_refused(client, draft, upload, make_image):
    response = upload(draft, action="next", photos=[(make_image("JPEG"), "ok.jpg"), (b"nope", "bad.png")])
    assert response.status_code == 200  # stays on the step to show the refusal
    assert [f.original_name for f in files_of(draft)] == ["ok.jpg"]


def test_files_are_served_privately_with_safe_headers(client, draft, upload, gps_jpeg):
    upload(draft, photos=[(gps_jpeg, "../../Kopi Susu é;.html.jpg")])
    (record,) = files_of(draft)
    response = client.get(f"/files/{record.id}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["Content-Disposition"] == 'inline; filename="Kopi Susu html.jpg"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_removed_file_is_gone_from_the_storage(client, draft, upload, make_image):
    upload(draft, photos=[(make_image("PNG"), "p.png")])
    (record,) = files_of(draft)
    key = record.storage_key
    assert storage().exists(key)
    token = csrf_token(text(client.get(f"/applications/{draft.id}/step/4")))
    response = client.post(f"/files/{record.id}/delete", data={"csrf_token": token})
    assert response.headers["Location"] == f"/applications/{draft.id}/step/4"
    assert files_of(draft) == [] and not storage().exists(key)


def test_files_of_a_submitted_application_cannot_be_removed_or_added(app, client, login, open_window, make_image):
    application = ApplicationFactory(submitted=True)
    record = ApplicationFile(application=application, kind=FileKind.PHOTO, original_name="p.png",
                             storage_key="ab" + "0" * 30 + ".png", content_type="image/png", size_bytes=1, sha256="0")
    db.session.add(record)
    db.session.commit()
    login(application.applicant)
    token = csrf_token(text(client.get(f"/applications/{application.id}")))
    response = client.post(f"/files/{record.id}/delete", data={"csrf_token": token})
    assert response.headers["Location"] == f"/applications/{application.id}"
    assert len(files_of(application)) == 1
    with app.test_request_context(), pytest.raises(uploads.NotAllowed):
        uploads.add_photo(application, make_image("PNG"), "x.png", actor=application.applicant)


def test_who_may_fetch_a_file(client, app, login, draft, upload, make_image):
    upload(draft, photos=[(make_image("PNG"), "p.png")])
    (record,) = files_of(draft)
    url = f"/files/{record.id}"

    other = app.test_client()
    login(UserFactory(), on=other)
    assert other.get(url).status_code == 404  # another applicant
    assert other.get("/files/999999").status_code == 404

    reviewer = UserFactory(reviewer=True)
    reviewer_client = app.test_client()
    login(reviewer, on=reviewer_client)
    assert reviewer_client.get(url).status_code == 404  # not assigned (and a draft)

    staff = app.test_client()
    login(UserFactory(staff=True), on=staff)
    assert staff.get(url).status_code == 404  # drafts stay private to their applicant, staff included
    assert client.get(url).status_code == 200  # the applicant

    submitted = ApplicationFactory(submitted=True)
    assignment = AssignmentFactory(application=submitted, reviewer=reviewer)
    record.application = assignment.application
    db.session.commit()
    assert reviewer_client.get(url).status_code == 200  # assigned to the application the file now belongs to
    assert staff.get(url).status_code == 200  # submitted: staff read it


@pytest.mark.postgres
def test_two_uploads_at_once_cannot_pass_the_photo_limit(app, make_image):
    """The application's row lock makes the second upload wait for the first, then count its photo."""
    import threading

    from sqlalchemy import func, select

    application = ApplicationFactory()
    applicant_id, application_id = application.applicant_id, application.id
    for _ in range(uploads.MAX_PHOTOS - 1):
        uploads.add_photo(application, make_image(), "p.jpg", actor=application.applicant)
    db.session.commit()
    photo = make_image()
    first_added, outcomes = threading.Event(), {}

    def upload(name: str, hold: bool) -> None:
        from app.accounts.models import User
        from app.festival.models import Application

        with app.app_context():
            target = db.session.get(Application, application_id)
            actor = db.session.get(User, applicant_id)
            if not hold:
                first_added.wait(5)
            try:
                uploads.add_photo(target, photo, f"{name}.jpg", actor=actor)
                if hold:
                    first_added.set()
                    threading.Event().wait(0.5)  # keep the lock while the other upload tries
                db.session.commit()
                outcomes[name] = "added"
            except uploads.UploadRefused:
                db.session.rollback()
                outcomes[name] = "refused"
            finally:
                first_added.set()
                db.session.remove()

    threads = [threading.Thread(target=upload, args=("a", True)), threading.Thread(target=upload, args=("b", False))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    db.session.expire_all()
    count = db.session.scalar(select(func.count()).select_from(ApplicationFile)
                              .where(ApplicationFile.application_id == application_id))
    assert outcomes == {"a": "added", "b": "refused"}
    assert count == uploads.MAX_PHOTOS


def test_a_refusal_outside_a_request_is_a_domain_error(app):
    """Services also run from the CLI and threads: refusing there must not need a request to translate."""
    application = ApplicationFactory()
    with pytest.raises(uploads.UploadRefused) as refusal:
        uploads.add_photo(application, b"not a picture", "x.jpg", actor=application.applicant)
    assert "JPEG" in str(refusal.value)


def test_files_of_an_upload_whose_commit_fails_are_removed(client, draft, upload, make_image, stored_names,
                                                           monkeypatch):
    def failing_commit():
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "commit", failing_commit)
    with pytest.raises(RuntimeError, match="went away"):
        upload(draft, photos=[(make_image(), "a.jpg")])
    monkeypatch.undo()
    assert stored_names() == []
    assert files_of(draft) == []
