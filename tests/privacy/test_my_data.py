""""My data": the download holds everything about the person (their rows and files) and nothing else: no other
person's data, no secrets, no staff work the applicant is not shown."""

import io
import json
import zipfile

import pytest

from app.extensions import db
from app.festival.models import Application
from tests.factories import UserFactory
from tests.helpers import text
from tests.privacy.erasure_world import ANSWER, BUSINESS, EMAIL, GUARDIAN_NAME, JPEG, NIK, PHONE, rich_life

SECTIONS = {"account", "festival", "stalls", "payments", "cohorts", "mentoring", "mails", "other"}


@pytest.fixture(autouse=True)
def _uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))


def _download(client) -> zipfile.ZipFile:
    response = client.get("/my-data/download")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    data = response.data
    response.close()  # a server closes the response, and with it the spooled archive; the test client does not
    return zipfile.ZipFile(io.BytesIO(data))


def _everything(bundle: zipfile.ZipFile) -> str:
    return "\n".join(bundle.read(name).decode("utf-8", "replace") for name in bundle.namelist())


def test_the_page_offers_the_download_and_the_deletion(client, login):
    login(UserFactory(locale="en"))
    page = text(client.get("/my-data"))
    assert 'href="/my-data/download"' in page
    assert 'action="/my-data/delete"' in page and 'name="password"' in page and 'name="confirmation"' in page
    assert "bookings, payments and refunds" in page  # what is kept is said before, not only after


def test_the_profile_links_to_my_data(client, login):
    login(UserFactory(locale="en"))
    assert 'href="/my-data"' in text(client.get("/account"))


def test_the_archive_holds_every_section_and_the_persons_files(client, login):
    life = rich_life()
    application_id = life.application.id
    login(life.person)
    bundle = _download(client)
    names = bundle.namelist()
    assert {name.split("/")[0] for name in names if name.endswith("data.json")} == SECTIONS
    photo = [name for name in names if name.startswith(f"files/applications/{application_id}/")]
    assert len(photo) == 1 and bundle.read(photo[0]) == JPEG
    assert any(name.startswith("files/reports/") for name in names)
    assert any(name.startswith(f"files/applications/{life.draft.id}/") for name in names)

    account = json.loads(bundle.read("account/data.json"))
    assert account["account"]["email"] == EMAIL and account["account"]["phone_e164"] == PHONE
    assert account["roles"] == ["applicant"]
    festival = json.loads(bundle.read("festival/data.json"))
    accepted = next(a for a in festival["applications"] if a["id"] == application_id)
    assert accepted["nik"] == NIK and accepted["business_name"] == BUSINESS
    assert accepted["answers"]["products"] == ANSWER
    assert accepted["history"][0]["to_status"] == "accepted"
    assert accepted["related"]["guardian_consent"][0]["name"] == GUARDIAN_NAME
    payments = json.loads(bundle.read("payments/data.json"))["payments"]
    assert payments[0]["amount"] == life.booking.fee and payments[0]["refunds"][0]["amount"] == life.booking.fee // 2
    cohorts = json.loads(bundle.read("cohorts/data.json"))["participations"]
    assert len(cohorts[0]["attendance"]) == 1 and cohorts[0]["progress_reports"][0]["comments"]
    mentoring = json.loads(bundle.read("mentoring/data.json"))
    assert mentoring["mentorships"][0]["meetings"][0]["notes"].startswith("Komang")
    other = json.loads(bundle.read("other/data.json"))
    assert len(other["consent_record"]) == 2
    mails = json.loads(bundle.read("mails/data.json"))["mails"]
    assert [mail["subject"] for mail in mails] == ["Your application"]


def test_the_archive_holds_no_secret_no_staff_draft_and_nobody_else(client, login):
    life = rich_life()
    application = db.session.get(Application, life.application.id)
    application.draft_message = "Staff only: strong candidate, accept"
    db.session.commit()
    login(life.person)
    everything = _everything(_download(client))
    for secret in ("password_hash", "pbkdf2:", "stripe_client_secret", "pi_erasure_1_secret_x", "token_sha256",
                   "storage_key", "Staff only", "score_mean", "f" * 64):
        assert secret not in everything, secret
    assert "Gerabah Pejaten Artawan" not in everything and "Putu Gede Artawan" not in everything


def test_a_new_account_downloads_an_almost_empty_archive(client, login):
    person = UserFactory(locale="en")
    login(person)
    bundle = _download(client)
    festival = json.loads(bundle.read("festival/data.json"))
    assert festival == {"applications": []}
    assert json.loads(bundle.read("account/data.json"))["account"]["id"] == person.id


def test_the_pages_are_valid_html_with_labelled_fields(client, login):
    from tests.core.test_html import assert_valid
    from tests.helpers import submit

    login(UserFactory(locale="en"))
    assert_valid(text(client.get("/my-data")), "/my-data")
    refused = submit(client, "/my-data/delete", {"password": "", "confirmation": ""}, page="/my-data")
    assert refused.status_code == 422 and 'aria-invalid="true"' in text(refused)
    assert_valid(text(refused), "/my-data (errors)")
    assert_valid(text(client.get("/my-data/deleted")), "/my-data/deleted")


def test_a_download_dropped_unread_leaves_no_open_file(client, login):
    """The permission tables open every page without reading it: the spooled archive closes itself."""
    import gc

    login(UserFactory(locale="en"))
    assert client.get("/my-data/download").status_code == 200
    gc.collect()  # an unclosed temporary file would raise a ResourceWarning here (warnings are errors)
