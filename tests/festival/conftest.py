"""Festival fixtures: uploads in a temporary folder, a clock inside the application window, sample files."""

import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import TestResponse, encode_multipart

from tests.helpers import csrf_token, text

# EditionFactory's window runs from 1 March to 31 May 2027 (15:59 UTC = 23:59 in Denpasar); the festival starts on
# 14 August 2027.
IN_WINDOW = datetime(2027, 5, 20, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def upload_folder(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every festival test stores its uploads in its own temporary folder."""
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder


@pytest.fixture
def open_window(frozen_clock: Callable[[datetime], None]) -> datetime:
    """Freeze the clock inside the factories' application window."""
    frozen_clock(IN_WINDOW)
    return IN_WINDOW


GPS_IFD = 0x8825
ORIENTATION = 0x0112


def image_bytes(image_format: str = "JPEG", size: tuple[int, int] = (40, 20), exif: Image.Exif | None = None,
                mode: str = "RGB") -> bytes:
    """A small picture made with Pillow, optionally with EXIF data."""
    colour = {"RGB": (200, 40, 40), "RGBA": (200, 40, 40, 255), "L": 128, "1": 0}[mode]
    image = Image.new(mode, size, colour)
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **({"exif": exif} if exif is not None else {}))
    return buffer.getvalue()


def phone_exif() -> Image.Exif:
    """EXIF as a phone writes it: camera, orientation (rotate 90°) and a GPS position in Denpasar."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[ORIENTATION] = 6
    exif[GPS_IFD] = {1: "S", 2: (8.0, 39.0, 30.0), 3: "E", 4: (115.0, 13.0, 0.0)}
    return exif


@pytest.fixture
def make_image() -> Callable[..., bytes]:
    return image_bytes


@pytest.fixture
def gps_jpeg() -> bytes:
    return image_bytes("JPEG", (40, 20), exif=phone_exif())


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def pdf_bytes() -> bytes:
    return PDF_BYTES


@pytest.fixture
def upload(client: FlaskClient) -> Callable[..., TestResponse]:
    """Send files through the form of step 4: `upload(application, photos=[(bytes, name)], pdf_deck=(bytes, name))`."""

    def _upload(application, action: str = "upload", on: FlaskClient | None = None, **fields) -> TestResponse:
        browser = on or client
        url = f"/applications/{application.id}/step/4"
        data = MultiDict({"csrf_token": csrf_token(text(browser.get(url))), "action": action})
        for name, value in fields.items():
            for content, filename in value if isinstance(value, list) else [value]:
                data.add(name, FileStorage(io.BytesIO(content), filename=filename))
        # Encoded here, in memory: the test client would spool a large body to a temporary file it never closes.
        boundary, body = encode_multipart(data)
        return browser.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")

    return _upload
