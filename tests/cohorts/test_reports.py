"""Progress reports: a participant submits one per milestone (text and/or a PDF or photo, checked as festival uploads
are), resubmits after changes were asked for (revision raised, file replaced, the old one gone from the disk), never
after acceptance; bad input gets a clear message on the field and changes nothing."""

import io
from pathlib import Path

import pytest
from flask_babel import force_locale
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.cohorts.models import ProgressReport, ReportStatus
from app.cohorts.services import reports
from app.core.errors import NotAllowed
from app.core.uploads import MB
from app.extensions import db
from tests.cohorts.factories import CohortFactory, MilestoneFactory, ParticipantFactory
from tests.cohorts.progress_factories import PDF, ReportFactory, photo_with_gps
from tests.core.test_html import assert_valid
from tests.factories import UserFactory
from tests.helpers import csrf_token, field_error, text


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Reports store their files in a temporary folder of their own."""
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder


def stored_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


@pytest.fixture
def author(client, login):
    """A participant (English) of a cohort with a milestone, logged in: (user, participant, milestone)."""
    cohort = CohortFactory()
    user = UserFactory(locale="en", name="Ayu Lestari")
    participant = ParticipantFactory(cohort=cohort, user_id=user.id)
    milestone = MilestoneFactory(cohort=cohort, title_en="Business model canvas")
    login(user)
    return user, participant, milestone


def _send(client, milestone, text_: str = "", file: tuple[bytes, str] | None = None):
    url = f"/cohorts/milestones/{milestone.id}/report"
    data = MultiDict({"csrf_token": csrf_token(text(client.get(url))), "text": text_})
    if file is not None:
        data.add("file", FileStorage(io.BytesIO(file[0]), filename=file[1]))
    # Encoded here, in memory: the test client would spool a large body to a temporary file it never closes.
    boundary, body = encode_multipart(data)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _report() -> ProgressReport:
    return db.session.scalar(select(ProgressReport))


def _count() -> int:
    return db.session.scalar(select(func.count(ProgressReport.id))) or 0


def test_a_participant_sends_a_text_report_and_reads_it_back(client, author):
    _user, participant, milestone = author
    page = text(client.get(f"/cohorts/milestones/{milestone.id}/report"))
    assert_valid(page, "report form")
    response = _send(client, milestone, "  Kanvas selesai; tiga pelanggan diwawancarai.  ")
    report = _report()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cohorts/reports/{report.id}")
    assert (report.participant_id, report.status, report.revision, report.text, report.file_key) == (
        participant.id, ReportStatus.SUBMITTED, 1, "Kanvas selesai; tiga pelanggan diwawancarai.", None)
    page = text(client.get(f"/cohorts/reports/{report.id}"))
    assert "Your report has been sent." in page and "Kanvas selesai" in page and "Submitted, waiting for review" in page
    assert_valid(page, "report page")


def test_a_pdf_is_stored_outside_the_web_root_under_a_random_name_and_served_to_its_author(client, author,
                                                                                          upload_folder):
    _user, _participant, milestone = author
    _send(client, milestone, "", (PDF, "../../Pitch Deck (final).pdf"))
    report = _report()
    (path,) = stored_files(upload_folder)
    assert path.name == report.file_key and "Pitch" not in path.name and path.read_bytes() == PDF
    assert (report.file_name, report.file_content_type, report.file_size) == ("Pitch Deck final.pdf",
                                                                              "application/pdf", len(PDF))
    response = client.get(f"/cohorts/reports/{report.id}/file")
    assert response.status_code == 200 and response.data == PDF and response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert 'filename="Pitch Deck final.pdf"' in response.headers["Content-Disposition"]


@pytest.mark.parametrize("image_format", ["JPEG", "WEBP"])
def test_a_photo_is_re_encoded_without_its_location(client, author, upload_folder, image_format):
    _user, _participant, milestone = author
    original = photo_with_gps(image_format)
    with Image.open(io.BytesIO(original)) as sent:
        assert sent.getexif().get(0x8825)  # the GPS is there to begin with
    _send(client, milestone, "Foto produk pertama yang terjual.", (original, "IMG_0001.jpg"))
    report = _report()
    (path,) = stored_files(upload_folder)
    with Image.open(path) as stored:
        assert stored.format == image_format and not stored.getexif()
    assert report.file_content_type == f"image/{image_format.lower()}" and report.file_name.startswith("IMG_0001.")


@pytest.mark.parametrize(("text_", "file", "field", "message"), [
    ("", None, "text", "Write your report, attach a file, or both."),
    ("Lihat lampiran", (b"PK\x03\x04 a Word document", "report.pdf"), "file",
     "Send a PDF, or a photo in JPEG, PNG or WebP."),
    ("Lihat lampiran", (b"GIF89a" + b"\x00" * 40, "photo.gif"), "file",
     "Send a PDF, or a photo in JPEG, PNG or WebP."),
    ("Lihat lampiran", (PDF + b"0" * (10 * MB), "huge.pdf"), "file", "The file is 10.0 MB; the limit is 10 MB."),
    ("Lihat lampiran", (b"\xff\xd8\xff" + b"0" * (5 * MB), "huge.jpg"), "file",
     "The file is 5.0 MB; the limit is 5 MB."),
    ("Lihat lampiran", (b"\xff\xd8\xff\xe0 broken", "broken.jpg"), "file",
     "This file is not a JPEG, PNG or WebP picture, or it is damaged."),
    ("x" * 10_001, None, "text", "Use at most 10000 characters."),
])
def test_bad_input_is_refused_on_the_field_and_nothing_is_stored(client, author, upload_folder, text_, file, field,
                                                                 message):
    _user, _participant, milestone = author
    response = _send(client, milestone, text_, file)
    assert response.status_code == 200
    assert field_error(text(response), field) == message
    assert _count() == 0 and stored_files(upload_folder) == []


def test_a_request_over_the_upload_limit_gets_the_413_page(client, author):
    _user, _participant, milestone = author
    response = _send(client, milestone, "x", (PDF + b"0" * (13 * MB), "enormous.pdf"))
    assert response.status_code == 413 and _count() == 0


def test_a_resubmission_after_changes_replaces_text_and_file_and_raises_the_revision(client, author, upload_folder):
    _user, _participant, milestone = author
    _send(client, milestone, "Versi pertama", (PDF, "v1.pdf"))
    report = _report()
    first_key = report.file_key
    report.status = ReportStatus.CHANGES_REQUESTED
    db.session.commit()

    form = text(client.get(f"/cohorts/milestones/{milestone.id}/report"))
    assert "Versi pertama" in form and "v1.pdf" in form  # the form starts from what was sent
    second = PDF.replace(b"1.4", b"1.7")
    _send(client, milestone, "Versi kedua", (second, "v2.pdf"))

    db.session.refresh(report)
    assert (report.text, report.revision, report.status, report.file_name) == (
        "Versi kedua", 2, ReportStatus.SUBMITTED, "v2.pdf")
    assert report.file_key != first_key
    assert [path.name for path in stored_files(upload_folder)] == [report.file_key]  # the old file is gone
    assert _count() == 1


def test_a_resubmission_without_a_new_file_keeps_the_file(client, author, upload_folder):
    _user, _participant, milestone = author
    _send(client, milestone, "", (PDF, "canvas.pdf"))
    _send(client, milestone, "Catatan tambahan", None)  # still submitted: may be improved before the decision
    report = _report()
    assert (report.revision, report.text, report.file_name) == (2, "Catatan tambahan", "canvas.pdf")
    assert len(stored_files(upload_folder)) == 1


def test_an_accepted_report_cannot_be_changed(client, author):
    _user, participant, milestone = author
    report = ReportFactory(milestone=milestone, participant=participant, status=ReportStatus.ACCEPTED, text="Final")
    response = client.get(f"/cohorts/milestones/{milestone.id}/report")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cohorts/reports/{report.id}")
    page = text(client.get(f"/cohorts/reports/{report.id}"))
    assert "Send a new version" not in page
    # A form opened before the acceptance, sent afterwards:
    response = client.post(f"/cohorts/milestones/{milestone.id}/report",
                           data={"csrf_token": csrf_token(page), "text": "Diganti diam-diam"})
    assert response.status_code == 200
    assert field_error(text(response), "text") == "This report has been accepted: it can no longer be changed."
    db.session.refresh(report)
    assert (report.text, report.revision, report.status) == ("Final", 1, ReportStatus.ACCEPTED)


def test_a_milestone_of_another_cohort_is_not_found_and_the_service_refuses_it_too(client, author, app):
    user, _participant, _milestone = author
    elsewhere = MilestoneFactory()
    assert client.get(f"/cohorts/milestones/{elsewhere.id}/report").status_code == 404
    with app.test_request_context(headers={"Accept-Language": "en"}), pytest.raises(NotAllowed) as refusal:
        reports.submit(user, elsewhere, "Salah kohort", None)
    with app.test_request_context(headers={"Accept-Language": "en"}), force_locale("en"):
        assert str(refusal.value.message) == "This milestone belongs to a cohort you are not in."
    assert refusal.value.field == "text"
    db.session.rollback()
    assert _count() == 0


def test_a_withdrawn_participant_can_no_longer_report(client, author):
    _user, participant, milestone = author
    participant.status = "withdrawn"
    db.session.commit()
    assert client.get(f"/cohorts/milestones/{milestone.id}/report").status_code == 404


def test_reports_of_lists_a_participants_reports_by_due_date():
    participant = ParticipantFactory()
    later = ReportFactory(participant=participant, milestone=MilestoneFactory(cohort=participant.cohort,
                                                                              due_on=participant.cohort.ends_on))
    sooner = ReportFactory(participant=participant, milestone=MilestoneFactory(cohort=participant.cohort,
                                                                               due_on=participant.cohort.starts_on))
    ReportFactory()  # somebody else's
    assert reports.reports_of(participant) == [sooner, later]
