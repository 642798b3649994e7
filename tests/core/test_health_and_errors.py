"""/healthz, translated error pages, oversized requests, production config."""

import pytest
from sqlalchemy.exc import OperationalError

from app import create_app
from app.core.permissions import public
from app.extensions import db
from config import ProductionConfig, TestingConfig
from tests.helpers import text


def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


@pytest.mark.parametrize(("lang", "title"), [("en", "Page not found"), ("id", "Halaman tidak ditemukan")])
def test_404_page_is_translated(client, lang, title):
    response = client.get("/no-such-page", headers={"Accept-Language": lang})
    assert response.status_code == 404
    assert title in text(response)
    assert f'<html lang="{lang}">' in text(response)


def test_403_page_is_translated(client, login, user_factory):
    login(user_factory(locale="en"))
    response = client.get("/staff/")
    assert response.status_code == 403
    assert "Not allowed" in text(response)


def test_500_page_is_translated(database_url):
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    @public
    def boom():
        raise RuntimeError("boom")

    with app.app_context():
        response = app.test_client().get("/boom", headers={"Accept-Language": "en"})
        db.engine.dispose()
    assert response.status_code == 500
    assert "Something went wrong" in text(response)


def test_oversized_request_is_refused_cleanly(client):
    response = client.post("/register", data={"name": "x" * (12 * 1024 * 1024 + 1)},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 413
    assert "larger than we accept" in text(response)


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_sets_secure_cookies(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 48)
    app = create_app(ProductionConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["MAIL_OUTBOX_VIEW"] is False


def test_a_copied_env_example_starts_the_development_app(tmp_path):
    """Every variable of .env.example, as shipped (many empty), gives a working development config."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    for line in (root / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            value = value.split("  #")[0].strip().strip('"')
            env[name.strip()] = value
    code = ("from app import create_app; a = create_app(); "
            "print(a.config['SQLALCHEMY_DATABASE_URI'].startswith('sqlite:///'), bool(a.config['SECRET_KEY']))")
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True"
