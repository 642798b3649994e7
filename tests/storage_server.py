"""An S3 API on loopback for the storage tests: moto's server mode, started once per run on a free port of
127.0.0.1, with one private bucket. Each test that asks for `s3` gets its own key prefix in that bucket and the
app configured for it (S3_BUCKET, S3_ENDPOINT_URL, S3_PREFIX), so `app.core.storage.storage()` is the S3 one.

Import the fixtures into a test module: `from tests.storage_server import moto_s3_server, s3_settings  # noqa: F401`
(they are named `s3_server` and `s3` for the tests that use them).
"""

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

BUCKET = "dyouth-test-uploads"
_PREFIXES = itertools.count(1)


@dataclass
class S3Server:
    endpoint_url: str
    bucket: str
    client: Any  # a boto3 S3 client with the test credentials

    def names(self, prefix: str = "") -> list[str]:
        """Every object name in the bucket under `prefix`."""
        answer = self.client.list_objects_v2(Bucket=self.bucket, Prefix=prefix)
        return sorted(item["Key"] for item in answer.get("Contents", []))


@dataclass
class S3Prefix:
    """The app's S3 settings for one test: its objects live under `prefix`."""

    server: S3Server
    prefix: str

    def names(self) -> list[str]:
        return self.server.names(self.prefix)

    def body(self, key: str) -> bytes:
        name = f"{self.prefix}{key[:2]}/{key}"
        return self.server.client.get_object(Bucket=self.server.bucket, Key=name)["Body"].read()


@pytest.fixture(scope="session", name="s3_server")
def moto_s3_server() -> Iterator[S3Server]:
    import boto3
    from moto.server import ThreadedMotoServer

    with pytest.MonkeyPatch.context() as env:
        # Fake credentials (moto takes any), and none of the machine's own AWS files or profile.
        env.setenv("AWS_ACCESS_KEY_ID", "dyouth-test")
        env.setenv("AWS_SECRET_ACCESS_KEY", "dyouth-test-secret")
        env.setenv("AWS_CONFIG_FILE", os.devnull)
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
            env.delenv(name, raising=False)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            endpoint_url = f"http://{host}:{port}"
            client = boto3.session.Session().client("s3", endpoint_url=endpoint_url, region_name="us-east-1")
            client.create_bucket(Bucket=BUCKET)  # private: no ACL, no policy
            yield S3Server(endpoint_url, BUCKET, client)
        finally:
            server.stop()


@pytest.fixture(name="s3")
def s3_settings(app: Flask, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> S3Prefix:
    """The app stores its uploads in the test bucket, under a prefix of this test's own."""
    prefix = f"run{os.getpid()}-{next(_PREFIXES)}/"
    monkeypatch.setitem(app.config, "S3_BUCKET", s3_server.bucket)
    monkeypatch.setitem(app.config, "S3_ENDPOINT_URL", s3_server.endpoint_url)
    monkeypatch.setitem(app.config, "S3_REGION", "us-east-1")
    monkeypatch.setitem(app.config, "S3_PREFIX", prefix)
    return S3Prefix(s3_server, prefix)
