"""Peak memory of the server while five large photos are uploaded at once.

The portal runs in a child process (Werkzeug's threaded server, production settings, one process: every upload
decodes in the same memory); five applicants each send one picture at the same moment (a barrier releases them
together), and the child's peak resident memory (VmHWM in /proc/<pid>/status) is read afterwards. One fresh server
per kind of picture:

- `png_6300`: a PNG of 6300 × 6300 pixels (~155 KB) — before the fix, five took the server from 128 MB to 1.65 GB;
- `jpeg_48mp`: a phone's 48-megapixel JPEG (8000 × 6000), decoded at half size in Pillow's draft mode;
- `png_16mp`: a PNG of 4000 × 4000 pixels with transparency, the largest picture decoded whole.

SQLite by default (a file in a temporary folder); set BENCH_DATABASE_URL to a PostgreSQL URL to measure there (its
tables are dropped and recreated). On SQLite every write request holds the database's write lock, so the five
uploads decode one after another; on PostgreSQL they decode side by side (the worst case for memory).

`measure()` returns {"uploads.peak_mb": the highest peak, "uploads.baseline_mb": resident memory before the uploads,
"uploads.<kind>_peak_mb": each peak, "uploads.<kind>_accepted": how many of the five were stored}.
Run alone: `.venv/bin/python bench/uploads_peak.py` prints them as JSON.
"""

import http.client
import io
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PARALLEL = 5
PASSWORD = "bench uploads password"  # noqa: S105 (a throwaway database)
CHEAP_HASH = "pbkdf2:sha256:1000"
SERVER = """
import logging
import sys
sys.path.insert(0, sys.argv[2])
logging.getLogger("werkzeug").setLevel(logging.WARNING)
from werkzeug.serving import make_server
from app import create_app
server = make_server("127.0.0.1", int(sys.argv[1]), create_app(), threaded=True)
print("ready", flush=True)
server.serve_forever()
"""


# --- the pictures --------------------------------------------------------------------------------------------------

def _png_6300() -> bytes:
    """6300 × 6300 RGB with a few shapes: ~155 KB that decode to 119 MB of pixels."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (6300, 6300), (236, 226, 208))
    draw = ImageDraw.Draw(image)
    for n in range(20):
        draw.ellipse((n * 300, n * 280, n * 300 + 900, n * 280 + 700), outline=(120 + n, 60, 40), width=9)
    return _encode(image, "PNG", optimize=True)


def _jpeg_48mp() -> bytes:
    """8000 × 6000, as a phone's high-resolution mode writes it (smooth light and a few edges)."""
    from PIL import Image, ImageDraw

    gradient = Image.linear_gradient("L").resize((8000, 6000))
    image = Image.merge("RGB", (gradient, gradient.transpose(Image.Transpose.ROTATE_180), gradient))
    draw = ImageDraw.Draw(image)
    for n in range(40):
        draw.rectangle((n * 190, n * 140, n * 190 + 600, n * 140 + 400), outline=(250, 200, 40), width=12)
    return _encode(image, "JPEG", quality=85)


def _png_16mp() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (4000, 4000), (20, 120, 90, 200))
    draw = ImageDraw.Draw(image)
    for n in range(40):
        draw.line((0, n * 100, 4000, 4000 - n * 100), fill=(240, 240, 240, 255), width=7)
    return _encode(image, "PNG")


def _encode(image, image_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


KINDS: dict[str, tuple[Callable[[], bytes], str]] = {
    "png_6300": (_png_6300, "square.png"),
    "jpeg_48mp": (_jpeg_48mp, "IMG_0001.jpg"),
    "png_16mp": (_png_16mp, "poster.png"),
}


# --- the data and the server ---------------------------------------------------------------------------------------

def _prepare(database_url: str) -> list[tuple[str, int]]:
    """A fresh schema with PARALLEL applicants, each with a draft; returns (e-mail, application id) pairs."""
    from werkzeug.security import generate_password_hash

    from app import create_app
    from app.extensions import db
    from config import TestingConfig
    from tests.factories import ApplicationFactory, UserFactory

    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        password_hash = generate_password_hash(PASSWORD, method=CHEAP_HASH)
        drafts = [ApplicationFactory(applicant=UserFactory(password_hash=password_hash, locale="en"))
                  for _ in range(PARALLEL)]
        pairs = [(draft.applicant.email, draft.id) for draft in drafts]
        db.session.remove()
        db.engine.dispose()
    return pairs


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """The portal in a child process; `memory("VmHWM")` reads its memory in MB."""

    def __init__(self, database_url: str, upload_folder: str):
        self.port = _free_port()
        env = {**os.environ, "APP_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
               "DATABASE_URL": database_url, "UPLOAD_FOLDER": upload_folder, "MAIL_SERVER": "", "REDIS_URL": "",
               "RATELIMIT_ENABLED": "0", "PASSWORD_HASH_METHOD": CHEAP_HASH}
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", SERVER, str(self.port), str(ROOT)], env=env, cwd=ROOT,
            stdout=subprocess.PIPE, text=True)
        if self.process.stdout.readline().strip() != "ready":
            raise RuntimeError("the server did not start")

    def memory(self, field: str) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return round(int(line.split()[1]) / 1024, 1)
        raise RuntimeError(f"no {field} in /proc/{self.process.pid}/status")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


# --- a browser, enough for these pages ------------------------------------------------------------------------------

class Browser:
    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str = "") -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        self.cookies.update({name: morsel.value for name, morsel in jar.items()})
        connection.close()
        return response.status, text

    def token(self, path: str) -> str:
        from tests.helpers import csrf_token

        status, page = self.request("GET", path)
        assert status == 200, f"GET {path} → {status}"
        return csrf_token(page)

    def log_in(self, email: str) -> None:
        body = urlencode({"csrf_token": self.token("/login"), "email": email, "password": PASSWORD}).encode()
        status, _ = self.request("POST", "/login", body, "application/x-www-form-urlencoded")
        assert status == 302, f"login failed ({status})"


def _multipart(fields: dict[str, str], name: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
             for key, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                 f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _logged_in(server: Server, drafts: list[tuple[str, int]], picture: bytes, filename: str) -> list[tuple]:
    """Every applicant logged in, on step 4, with the upload ready to send: (browser, url, (body, content type))."""
    ready = []
    for email, application_id in drafts:
        browser = Browser(server.port)
        browser.log_in(email)
        url = f"/applications/{application_id}/step/4"
        ready.append((browser, url, _multipart({"csrf_token": browser.token(url), "action": "upload"}, "photos",
                                               filename, picture)))
    return ready


def _upload_at_once(ready: list[tuple]) -> list[int]:
    """Release the uploads together; returns their statuses (302: stored, 200: refused with a message)."""
    browsers = [(browser, url) for browser, url, _ in ready]
    bodies = [body for _, _, body in ready]
    barrier = threading.Barrier(len(browsers))
    statuses = [0] * len(browsers)

    def send(index: int) -> None:
        browser, url = browsers[index]
        body, content_type = bodies[index]
        barrier.wait()
        statuses[index] = browser.request("POST", url, body, content_type)[0]

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(status in (200, 302) for status in statuses), f"uploads answered {statuses}"
    return statuses


def measure(database_url: str | None = None) -> dict[str, float]:
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-uploads-") as folder:
        url = database_url or os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        baselines = []
        for kind, (make, filename) in KINDS.items():
            picture = make()
            drafts = _prepare(url)
            server = Server(url, str(Path(folder) / "uploads"))
            try:
                ready = _logged_in(server, drafts, picture, filename)  # warm: templates compiled, pools opened
                baselines.append(server.memory("VmRSS"))
                statuses = _upload_at_once(ready)
                time.sleep(0.2)
                results[f"uploads.{kind}_peak_mb"] = server.memory("VmHWM")
                results[f"uploads.{kind}_accepted"] = float(statuses.count(302))
                results[f"uploads.{kind}_file_kb"] = round(len(picture) / 1024, 1)
            finally:
                server.stop()
        results["uploads.baseline_mb"] = max(baselines)
        results["uploads.peak_mb"] = max(value for key, value in results.items() if key.endswith("_peak_mb"))
    return dict(sorted(results.items()))


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
