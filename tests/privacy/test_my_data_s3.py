""""My data" and erasure with the files in a private S3 bucket (moto on loopback): the archive carries the person's
files read from the bucket, and erasing the account deletes them there."""

import io
import zipfile

import pytest

from app.core import uploads
from tests.factories import PASSWORD
from tests.helpers import submit
from tests.privacy.erasure_world import JPEG, rich_life
from tests.storage_server import moto_s3_server, s3_settings  # noqa: F401  (fixtures s3_server, s3)


@pytest.fixture(autouse=True)
def _uploads(app, tmp_path, monkeypatch, s3):
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    yield
    assert not folder.exists()  # S3 is on: nothing is written to the local folder


def test_the_archive_holds_the_files_from_the_bucket(client, login, s3):
    life = rich_life()
    application_id = life.application.id
    assert len(s3.names()) == len(life.files) == 3
    login(life.person)
    response = client.get("/my-data/download")
    assert response.status_code == 200
    data = response.data
    response.close()
    bundle = zipfile.ZipFile(io.BytesIO(data))
    (photo,) = [name for name in bundle.namelist() if name.startswith(f"files/applications/{application_id}/")]
    assert bundle.read(photo) == JPEG
    (report,) = [name for name in bundle.namelist() if name.startswith("files/reports/")]
    assert bundle.read(report) == b"%PDF-1.4 report"
    assert not [name for name in bundle.namelist() if name.endswith(".missing.txt")]


def test_a_file_lost_from_the_bucket_is_named_in_the_archive(client, login, s3):
    life = rich_life()
    uploads.remove_stored(life.files[0])  # the photo of the accepted application
    login(life.person)
    response = client.get("/my-data/download")
    bundle = zipfile.ZipFile(io.BytesIO(response.data))
    response.close()
    assert len([name for name in bundle.namelist() if name.endswith(".missing.txt")]) == 1


def test_erasure_deletes_the_persons_objects(client, login, s3):
    life = rich_life()
    assert len(s3.names()) == 3
    login(life.person)
    response = submit(client, "/my-data/delete", {"password": PASSWORD, "confirmation": "DELETE"},
                      page="/my-data")
    assert response.status_code == 302 and response.headers["Location"].endswith("/my-data/deleted")
    assert s3.names() == []
    for key in life.files:
        with pytest.raises(FileNotFoundError):
            uploads.read(key)
