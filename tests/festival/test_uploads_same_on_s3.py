"""The same upload tests as on disk — every test of tests/festival/test_uploads.py, collected again here — with the
files in a private S3 bucket (moto's server on loopback), and the local upload folder left empty."""

import pytest

from tests.festival.test_uploads import *  # noqa: F403  (its tests and fixtures, run a second time on S3)
from tests.storage_server import moto_s3_server, s3_settings  # noqa: F401  (fixtures s3_server, s3)


@pytest.fixture(autouse=True)
def _files_in_s3(s3, upload_folder):
    yield
    assert not upload_folder.exists() or [p for p in upload_folder.rglob("*") if p.is_file()] == []


@pytest.fixture
def stored_names(s3):
    """Every object the app stored in this test's part of the bucket."""
    return s3.names
