"""Several hosts on one machine: two gunicorn instances of the real app (gunicorn.conf.py, production settings)
behind haproxy (deploy/haproxy.cfg, as it is: its addresses come from the environment), one PostgreSQL database
migrated with `flask db upgrade`, one Redis, and moto's S3 server. Used by the tests in this folder (conftest.py) and
by `bench/scale.py`; nothing here depends on pytest.

haproxy terminates TLS with a certificate made here (`cryptography`): production cookies are Secure, so the browsers
of the tests talk HTTPS to the balancer, as real ones would. The instances are also reachable directly on their
loopback ports; a request sent there says `X-Forwarded-Proto: https`, as haproxy would (TRUSTED_PROXIES=1).
"""

import datetime as dt
import ipaddress
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent.parent
HAPROXY_CONFIG = ROOT / "deploy" / "haproxy.cfg"
REDIS_URL = os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/14")  # this suite's own database number
STARTUP_S = 60


def free_port() -> int:
    from bench.throughput import free_port as _free_port

    return _free_port()


def _admin_connection(url: str):
    """An autocommit connection to the server's `postgres` database (CREATE/DROP DATABASE cannot run in a
    transaction)."""
    import psycopg

    target = make_url(url).set(drivername="postgresql", database="postgres")
    return psycopg.connect(target.render_as_string(hide_password=False), autocommit=True)


def create_database(url: str) -> None:
    name = make_url(url).database
    with _admin_connection(url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    name = make_url(url).database
    with _admin_connection(url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def cluster_database_url(test_url: str) -> str:
    """The cluster's own database beside the test run's: `<name>_scale` (the suite's tables are made by
    create_all and emptied after each test; the cluster's by the migrations, and they stay for the session)."""
    url = make_url(test_url)
    return url.set(database=f"{url.database}_scale").render_as_string(hide_password=False)


def self_signed_certificate(folder: Path) -> Path:
    """A certificate for 127.0.0.1 and localhost and its key, in one PEM file as haproxy wants it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = folder / "haproxy.pem"
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    path.chmod(0o600)
    return path


def _wait_for(check, what: str, process: subprocess.Popen | None = None, log: Path | None = None) -> None:
    deadline = time.monotonic() + STARTUP_S
    while True:
        if process is not None and process.poll() is not None:
            tail = log.read_text()[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"{what} exited with {process.returncode}\n{tail}")
        try:
            if check():
                return
        except (OSError, requests.RequestException):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up in {STARTUP_S} s")
        time.sleep(0.2)


@dataclass
class Instance:
    """One host's gunicorn: `gunicorn -c gunicorn.conf.py wsgi:app` in its own process group (a SIGKILL to the
    group ends the master and its workers at once, as a host dying would)."""

    name: str
    port: int
    env: dict[str, str]
    log: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def launch(self) -> None:
        env = {**self.env, "BIND": f"127.0.0.1:{self.port}", "INSTANCE_NAME": self.name}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self) -> None:
        _wait_for(lambda: requests.get(f"{self.url}/healthz", timeout=5).status_code == 200,
                  f"gunicorn {self.name}", self.process, self.log)

    def start(self) -> None:
        self.launch()
        self.wait_ready()

    def kill(self) -> None:
        """SIGKILL to the master and every worker: no graceful shutdown, requests in flight are cut."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def terminate(self) -> None:
        """SIGTERM: gunicorn's graceful shutdown (requests in flight finish, within graceful_timeout)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)

    def stop(self) -> None:
        self.terminate()
        if self.process is None:
            return
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.kill()

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Balancer:
    """haproxy with deploy/haproxy.cfg as it is, its addresses given in the environment."""

    https_port: int
    http_port: int
    certificate: Path
    servers: list[str]
    log: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def start(self) -> None:
        env = {**os.environ, "DYOUTH_HTTPS_BIND": f"127.0.0.1:{self.https_port}",
               "DYOUTH_HTTP_BIND": f"127.0.0.1:{self.http_port}", "DYOUTH_TLS_CERT": str(self.certificate),
               "DYOUTH_APP1": self.servers[0], "DYOUTH_APP2": self.servers[1]}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                ["haproxy", "-db", "-f", str(HAPROXY_CONFIG)], env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        _wait_for(lambda: requests.get(f"{self.url}/healthz", timeout=5, verify=str(self.certificate))
                  .status_code == 200, "haproxy", self.process, self.log)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@dataclass
class Cluster:
    database_url: str
    s3: dict[str, str]  # S3_* and AWS_* settings of the bucket the instances share
    workers: int = 2
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="dyouth-cluster-")))
    instances: dict[str, Instance] = field(default_factory=dict)
    balancer: Balancer | None = None
    env: dict[str, str] = field(default_factory=dict)
    redis_url: str = REDIS_URL
    migrate: bool = True  # False: the database exists with its schema and data (bench/scale.py)

    @property
    def url(self) -> str:
        return self.balancer.url

    @property
    def certificate(self) -> str:
        return str(self.balancer.certificate)

    def production_env(self, **extra: str) -> dict[str, str]:
        """What a host's environment holds in production: the same for every instance and for the jobs."""
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("TEST_", "FLASK_", "AWS_", "S3_", "MAIL_", "REDIS", "RATELIMIT_"))}
        env.update({
            "APP_ENV": "production", "SECRET_KEY": self.env.get("SECRET_KEY") or secrets.token_hex(32),
            "DATABASE_URL": self.database_url, "REDIS_URL": self.redis_url, "TRUSTED_PROXIES": "1",
            "RATELIMIT_KEY_PREFIX": f"dyouth-cluster-{os.getpid()}", "BASE_URL": "https://127.0.0.1",
            "UPLOAD_FOLDER": str(self.folder / "no-uploads-here"), "MAIL_SERVER": "",
            # Each sync request holds one connection per thread: 2 instances × 2 workers × (4 + 2) stays far under
            # PostgreSQL's 100, which other runs on this machine share.
            "DB_POOL_SIZE": "4", "DB_MAX_OVERFLOW": "2", "GUNICORN_THREADS": "4",
            "WEB_CONCURRENCY": str(self.workers), "GUNICORN_ACCESS_LOG": os.devnull,
            "FLASK_APP": "wsgi.py", **self.s3})
        env.update(extra)
        return env

    def start(self) -> "Cluster":
        import redis

        redis.Redis.from_url(self.redis_url).flushdb()  # no page or count left by an earlier run
        if self.migrate:
            create_database(self.database_url)
        https_port = free_port()
        self.env = self.production_env(BASE_URL=f"https://127.0.0.1:{https_port}")
        # The instances start while the migrations run (on 2 cores, each costs seconds of imports); they touch no
        # table before a request comes, and none comes before the schema is there.
        for name in ("a", "b"):
            self.instances[name] = Instance(name, free_port(), self.env, self.folder / f"gunicorn-{name}.log")
            self.instances[name].launch()
        if self.migrate:
            self.flask("db", "upgrade")  # the schema as production gets it: the migrations, on a direct connection
        for instance in self.instances.values():
            instance.wait_ready()
        self.balancer = Balancer(https_port, free_port(), self_signed_certificate(self.folder),
                                 [f"127.0.0.1:{i.port}" for i in self.instances.values()],
                                 self.folder / "haproxy.log")
        self.balancer.start()
        return self

    def flask(self, *args: str, env: dict[str, str] | None = None, timeout: float = 120) -> str:
        """Run a `flask` command with a host's environment; returns its output."""
        result = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT,  # noqa: S603
                                env={**self.env, **(env or {})}, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def restart(self, name: str) -> None:
        self.instances[name].stop()
        self.instances[name].start()

    def wait_until_balanced(self, timeout: float = 20) -> None:
        """Until haproxy sends requests to both instances again (its health checks marked them up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = {requests.get(f"{self.url}/healthz", verify=self.certificate, timeout=5).headers.get("X-Instance")
                    for _ in range(4)}
            if seen == set(self.instances):
                return
            time.sleep(0.5)
        raise RuntimeError("haproxy does not send requests to both instances")

    def stop(self) -> None:
        if self.balancer is not None:
            self.balancer.stop()
        for instance in self.instances.values():
            instance.terminate()
        for instance in self.instances.values():
            instance.stop()
