"""The storage interface, the same on both backends: the local folder and a private S3 bucket (moto's server on
loopback). Files go in and come back whole or in chunks, a missing file is FileNotFoundError before any byte, the
layout is `<2 chars>/<key>` in both, and the bucket serves nothing without a signature."""

import os
import secrets
from urllib.parse import parse_qs, urlsplit, urlunsplit

import pytest
import requests

from app.core import storage as storage_module
from app.core.storage import CHUNK, LocalStorage, S3Storage, storage
from app.core.uploads import read, remove_stored, store
from tests.storage_server import moto_s3_server, s3_settings  # noqa: F401  (fixtures s3_server, s3)

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 1000 + b"\n%%EOF\n"  # 256 KB: several chunks


@pytest.fixture(params=["local", "s3"])
def backend(request, app, tmp_path, monkeypatch):
    """The app's storage on one backend, and a way to list what it holds."""
    if request.param == "local":
        folder = tmp_path / "uploads"
        monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
        return storage(), lambda: sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    bucket = request.getfixturevalue("s3")
    return storage(), lambda: [name.removeprefix(bucket.prefix) for name in bucket.names()]


def _key(suffix: str = "pdf") -> str:
    return f"{secrets.token_hex(16)}.{suffix}"


def test_the_configuration_chooses_the_backend(app, tmp_path, monkeypatch, s3):
    assert isinstance(storage(), S3Storage)
    assert storage() is storage()  # built once per configuration
    monkeypatch.setitem(app.config, "S3_BUCKET", "")
    with pytest.raises(RuntimeError, match="S3_BUCKET is not"):  # half an S3 setup never falls back to the disk
        storage()
    monkeypatch.setitem(app.config, "S3_ENDPOINT_URL", "")
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    local = storage()
    assert isinstance(local, LocalStorage) and local.root == tmp_path
    assert app.extensions["dyouth_storage"][1] is local


def test_put_get_open_exists_delete(backend):
    store_, listing = backend
    key = _key()
    assert not store_.exists(key)
    store_.put(key, PDF, "application/pdf")
    assert listing() == [f"{key[:2]}/{key}"]  # the same layout in the folder and the bucket
    assert store_.exists(key) and store_.get(key) == PDF
    opened = store_.open(key)
    chunks = list(opened)
    assert opened.size == len(PDF) and b"".join(chunks) == PDF
    assert len(chunks) >= len(PDF) // CHUNK and max(len(chunk) for chunk in chunks) <= CHUNK  # streamed, not whole
    store_.delete(key)
    assert not store_.exists(key) and listing() == []
    store_.delete(key)  # deleting again is no error


def test_a_missing_or_malformed_key_is_file_not_found(backend):
    store_, _ = backend
    for key in (_key(), "../../etc/passwd", "ab/cd.pdf", ""):
        with pytest.raises(FileNotFoundError):
            store_.get(key)
        with pytest.raises(FileNotFoundError):
            store_.open(key)  # before any byte: the view can still answer 404
        assert not store_.exists(key)
        store_.delete(key)


def test_an_open_file_closed_unread_releases_it(backend):
    store_, _ = backend
    key = _key()
    store_.put(key, PDF, "application/pdf")
    opened = store_.open(key)
    assert next(iter(opened)) == PDF[:CHUNK]
    opened.close()
    opened.close()  # twice is harmless (the response and the collector may both close it)
    assert store_.get(key) == PDF


def test_uploads_store_read_and_remove_go_through_the_configured_backend(backend):
    _, listing = backend
    key = store(PDF, "pdf")
    assert key.endswith(".pdf") and listing() == [f"{key[:2]}/{key}"]
    assert read(key) == PDF
    remove_stored(key)
    assert listing() == []


def test_the_local_backend_has_no_urls(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    local = storage()
    local.put("ab" + "0" * 30 + ".pdf", PDF, "application/pdf")
    assert local.url("ab" + "0" * 30 + ".pdf", "deck.pdf", "application/pdf", 60) is None
    assert (tmp_path / "ab" / ("ab" + "0" * 30 + ".pdf")).read_bytes() == PDF


def test_objects_get_their_type_and_no_public_grant(s3):
    key = store(PDF, "pdf")
    client, name = s3.server.client, f"{s3.prefix}{key[:2]}/{key}"
    assert client.head_object(Bucket=s3.server.bucket, Key=name)["ContentType"] == "application/pdf"
    grants = client.get_object_acl(Bucket=s3.server.bucket, Key=name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner only
    assert all("URI" not in grant["Grantee"] for grant in grants)  # no AllUsers / AuthenticatedUsers group


def test_a_signed_url_serves_the_file_and_the_plain_url_is_refused(app, s3):
    key = store(PDF, "pdf")
    url = storage().url(key, "Pitch deck.pdf", "application/pdf", app.config["S3_SIGNED_URL_SECONDS"])
    assert url.startswith(s3.server.endpoint_url + "/")
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"] and query["X-Amz-Signature"]
    assert query["X-Amz-Expires"] == ["60"]  # S3_SIGNED_URL_SECONDS: a minute, then S3 refuses it
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 200 and answer.content == PDF
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Content-Disposition"] == 'inline; filename="Pitch deck.pdf"'
    assert answer.headers["Cache-Control"] == "private, no-store"

    plain = urlunsplit(urlsplit(url)._replace(query=""))
    refused = requests.get(plain, timeout=10)
    assert refused.status_code == 403 and PDF[:20] not in refused.content  # the bucket is not public


def test_the_signed_url_lifetime_comes_from_the_configuration(app, s3, monkeypatch):
    monkeypatch.setitem(app.config, "S3_SIGNED_URL_SECONDS", 15)
    key = store(PDF, "pdf")
    url = storage().url(key, "deck.pdf", "application/pdf", app.config["S3_SIGNED_URL_SECONDS"])
    assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == ["15"]


def test_credentials_come_from_the_standard_environment(s3):
    credentials = storage().client._request_signer._credentials
    assert credentials.access_key == os.environ["AWS_ACCESS_KEY_ID"] == "dyouth-test"


def test_a_second_host_reads_what_the_first_wrote(app, s3):
    """Two processes configured alike share the bucket: a fresh storage object (another host) reads the file."""
    key = store(PDF, "pdf")
    settings = storage_module._settings(app)
    other_host = storage_module.build(settings)
    assert other_host is not storage() and other_host.get(key) == PDF


def test_a_folder_has_no_signed_urls_so_redirect_mode_streams(app, tmp_path, monkeypatch):
    from app.core.uploads import send_stored

    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    monkeypatch.setitem(app.config, "S3_SERVE", "redirect")
    key = store(PDF, "pdf")
    with app.test_request_context():
        response = send_stored(key, "application/pdf", "deck.pdf")
        assert response.status_code == 200 and response.content_length == len(PDF)
        assert b"".join(response.response) == PDF
        with pytest.raises(FileNotFoundError):
            send_stored("ab" + "1" * 30 + ".pdf", "application/pdf", "deck.pdf")
