"""The several-hosts proof suite: one cluster (cluster.py) for the whole session, started on loopback on first use.

Needs PostgreSQL (TEST_DATABASE_URL: the cluster gets its own database beside it, `<name>_scale`), Redis on
127.0.0.1:6379 and haproxy (`apt-get install haproxy`; .ci/run installs it); skipped without them. Marked `cluster`
(`pytest -m cluster` runs only this suite, `-m "not cluster"` leaves it out).
"""

import os
import shutil
from collections.abc import Iterator

import pytest
from flask import Flask

from app import create_app
from app.extensions import db
from config import TestingConfig
from tests.conftest import POSTGRES
from tests.redis_server import redis_available
from tests.scale.browser import Browser
from tests.scale.cluster import REDIS_URL, Cluster, cluster_database_url, drop_database
from tests.storage_server import moto_s3_server  # noqa: F401  (fixture s3_server)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    missing = [why for why, ok in (("PostgreSQL (TEST_DATABASE_URL)", POSTGRES), ("haproxy", shutil.which("haproxy")),
                                   ("Redis on 127.0.0.1:6379", redis_available())) if not ok]
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.cluster)
            if missing:
                item.add_marker(pytest.mark.skip(reason=f"the cluster needs {', '.join(missing)}"))


@pytest.fixture(scope="session")
def cluster(s3_server) -> Iterator[Cluster]:
    s3 = {"S3_BUCKET": s3_server.bucket, "S3_ENDPOINT_URL": s3_server.endpoint_url, "S3_REGION": "us-east-1",
          "S3_PREFIX": f"cluster{os.getpid()}/", "AWS_ACCESS_KEY_ID": "dyouth-test",
          "AWS_SECRET_ACCESS_KEY": "dyouth-test-secret", "AWS_CONFIG_FILE": os.devnull,
          "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
    running = Cluster(cluster_database_url(os.environ["TEST_DATABASE_URL"]), s3)
    try:
        yield running.start()
    finally:
        running.stop()
        drop_database(running.database_url)
        shutil.rmtree(running.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def cluster_app(cluster: Cluster) -> Iterator[Flask]:
    """An app on the cluster's database, for seeding and counting rows (its commits bump the page cache's versions
    in the cluster's Redis, as the instances' own would)."""
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": cluster.database_url, "REDIS_URL": REDIS_URL})
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def browser(cluster: Cluster):
    """Make as many independent browsers as a test needs."""
    return lambda: Browser(cluster)
