"""Where uploaded files live: the local folder (UPLOAD_FOLDER, the default) or an S3 bucket (S3_BUCKET set), behind
one small interface, so that a second host reads what the first one wrote by configuration alone.

Keys are ours (`<32 hex>.<suffix>`, made by `app.core.uploads.store`); both backends lay them out the same way,
`<first two characters>/<key>`, so an existing folder moves to a bucket with one `aws s3 sync`. The bucket stays
private: no ACL is ever set and the app never hands out an unsigned object URL; files are served by the
access-checked views, streamed, or (S3_SERVE=redirect) through a presigned URL that expires after
S3_SIGNED_URL_SECONDS (a minute by default).
"""

import os
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, Protocol

from flask import Flask, current_app

CHUNK = 64 * 1024
# Keys come from our database, never from a request; checking their shape anyway keeps a bad row from reaching
# outside the folder (`..`, `/`).
KEY_SHAPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9]+)?")
_EXTENSION = "dyouth_storage"
_BUILDING = threading.Lock()


class StoredFile:
    """An open stored file: iterated in chunks (a response body), closed when exhausted or when the response is
    (WSGI `close`); one dropped unread (a test client that never reads it) is closed when collected."""

    def __init__(self, chunks: Iterator[bytes], close: Callable[[], None], size: int | None) -> None:
        self.size = size
        self._chunks = chunks
        self._close = close
        self._closed = False

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._chunks
        finally:
            self.close()

    def read(self) -> bytes:
        return b"".join(self)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._close()

    def __del__(self) -> None:
        self.close()


class Storage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def open(self, key: str) -> StoredFile:
        """The file, opened now (FileNotFoundError before any byte is sent), read as it is sent."""

    def get(self, key: str) -> bytes:
        """The whole file (thumbnails, archives); FileNotFoundError when it is missing."""

    def delete(self, key: str) -> None:
        """Remove the file; a missing one is no error."""

    def exists(self, key: str) -> bool: ...

    def url(self, key: str, filename: str, content_type: str, expires_s: int) -> str | None:
        """A short-lived signed URL that serves the file under `filename`, or None when the backend has none."""


def _checked(key: str) -> str:
    if not KEY_SHAPE.fullmatch(key):
        raise FileNotFoundError(f"not a storage key: {key!r}")  # as a missing file: the views answer 404
    return key


def object_name(key: str) -> str:
    """The file's path below the folder or the bucket prefix."""
    return f"{key[:2]}/{_checked(key)}"


class LocalStorage:
    """Files in a folder on this host's disk (development, one host)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / object_name(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")  # readers never see half a file
        partial.write_bytes(data)
        partial.replace(path)

    def open(self, key: str) -> StoredFile:
        handle: IO[bytes] = self._path(key).open("rb")
        size = os.fstat(handle.fileno()).st_size
        return StoredFile(iter(lambda: handle.read(CHUNK), b""), handle.close, size)

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        if KEY_SHAPE.fullmatch(key):
            self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return bool(KEY_SHAPE.fullmatch(key)) and self._path(key).is_file()

    def url(self, key: str, filename: str, content_type: str, expires_s: int) -> str | None:
        return None  # a folder has no URLs: the view streams the file


class S3Storage:
    """Objects in a private S3 bucket (AWS, or any S3 API). Credentials come from boto3's usual chain: the
    AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY environment variables, a profile, or an instance role."""

    def __init__(self, bucket: str, endpoint_url: str | None = None, region: str = "us-east-1",
                 prefix: str = "") -> None:
        import boto3  # only hosts that use S3 pay for importing it
        from botocore.config import Config as BotoConfig

        self.bucket = bucket
        self.prefix = prefix
        # A session of its own: boto3's default session is not safe to share between threads; the client is.
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url or None, region_name=region,
            config=BotoConfig(signature_version="s3v4", connect_timeout=5, read_timeout=30,
                              retries={"max_attempts": 3, "mode": "standard"}),
        )

    def _name(self, key: str) -> str:
        return self.prefix + object_name(key)

    def _missing(self, error: Exception) -> bool:
        code = getattr(error, "response", {}).get("Error", {}).get("Code")
        return code in {"NoSuchKey", "404", "NotFound"}

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data, ContentType=content_type)

    def open(self, key: str) -> StoredFile:
        from botocore.exceptions import ClientError

        try:
            answer: dict[str, Any] = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if self._missing(error):
                raise FileNotFoundError(key) from error
            raise
        body = answer["Body"]
        return StoredFile(body.iter_chunks(CHUNK), body.close, answer.get("ContentLength"))

    def get(self, key: str) -> bytes:
        return self.open(key).read()

    def delete(self, key: str) -> None:
        if not KEY_SHAPE.fullmatch(key):
            return
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))  # S3 answers 204 for a missing key too

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        if not KEY_SHAPE.fullmatch(key):
            return False
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if self._missing(error):
                return False
            raise
        return True

    def url(self, key: str, filename: str, content_type: str, expires_s: int) -> str:
        # The name is ours (ASCII letters, digits, " -_" and our suffix: `uploads.safe_name`), safe in a header.
        return self.client.generate_presigned_url(
            "get_object", ExpiresIn=expires_s,
            Params={"Bucket": self.bucket, "Key": self._name(key), "ResponseContentType": content_type,
                    "ResponseContentDisposition": f'inline; filename="{filename}"',
                    "ResponseCacheControl": "private, no-store"},
        )


def _settings(app: Flask) -> tuple[Any, ...]:
    config = app.config
    if config.get("S3_BUCKET"):
        return ("s3", config["S3_BUCKET"], config.get("S3_ENDPOINT_URL") or None,
                config.get("S3_REGION") or "us-east-1", config.get("S3_PREFIX") or "")
    if config.get("S3_ENDPOINT_URL"):  # half an S3 setup would quietly keep files on this host's disk
        raise RuntimeError("S3_ENDPOINT_URL is set but S3_BUCKET is not: set both, or neither.")
    return ("local", config["UPLOAD_FOLDER"])


def build(settings: tuple[Any, ...]) -> Storage:
    if settings[0] == "s3":
        _, bucket, endpoint_url, region, prefix = settings
        return S3Storage(bucket, endpoint_url, region, prefix)
    return LocalStorage(settings[1])


def storage(app: Flask | None = None) -> Storage:
    """The application's storage, built once per configuration (kept in `app.extensions`): a changed setting (a test
    switching to S3, another folder) builds it anew."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    settings = _settings(app)
    cached = app.extensions.get(_EXTENSION)
    if cached is None or cached[0] != settings:
        with _BUILDING:
            cached = app.extensions.get(_EXTENSION)
            if cached is None or cached[0] != settings:
                cached = (settings, build(settings))
                app.extensions[_EXTENSION] = cached
    return cached[1]
