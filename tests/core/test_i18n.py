"""Languages: who chooses, the switcher, formatting, and catalogs that cover every string."""

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from app.core.i18n import format_datetime_in, money
from app.extensions import db
from tests.helpers import submit, text

ROOT = Path(__file__).resolve().parents[2]
ID_CATALOG = ROOT / "app" / "translations" / "id" / "LC_MESSAGES" / "messages.po"


def html_lang(response) -> str:
    return text(response).split('<html lang="', 1)[1].split('"', 1)[0]


def test_indonesian_is_the_default(client):
    assert html_lang(client.get("/")) == "id"


def test_accept_language_is_used_when_nothing_else_says(client):
    assert html_lang(client.get("/", headers={"Accept-Language": "en-AU,en;q=0.9"})) == "en"


def test_switcher_cookie_beats_accept_language(client):
    response = submit(client, "/language", {"language": "en", "next": "/register"}, page="/")
    assert response.headers["Location"] == "/register"
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("lang=en"))
    assert "HttpOnly" in cookie
    assert html_lang(client.get("/", headers={"Accept-Language": "id"})) == "en"


def test_user_preference_beats_cookie_and_switcher_updates_it(client, login, user_factory):
    user = user_factory(locale="en")
    client.set_cookie("lang", "id")
    login(user)
    assert html_lang(client.get("/applicant")) == "en"
    submit(client, "/language", {"language": "id", "next": "/applicant"}, page="/applicant")
    db.session.refresh(user)
    assert user.locale == "id"
    assert html_lang(client.get("/applicant")) == "id"


def test_unknown_language_is_ignored(client):
    response = submit(client, "/language", {"language": "fr", "next": "/"}, page="/")
    assert response.status_code == 302
    assert not any(h.startswith("lang=") for h in response.headers.getlist("Set-Cookie"))


def test_money_is_whole_rupiah_in_the_viewers_locale(app):
    with app.test_request_context():
        with force_locale("id"):
            assert money(500000) == "Rp 500.000"
        with force_locale("en"):
            assert money(500000) == "IDR 500,000"


def test_times_are_shown_in_the_requested_zone(app):
    moment = datetime(2027, 5, 31, 15, 59, tzinfo=UTC)
    with app.test_request_context():
        with force_locale("en"):
            assert "11:59" in format_datetime_in(moment, "Asia/Makassar")
            assert "1:29" in format_datetime_in(moment, "Australia/Darwin")


def test_dates_follow_the_users_time_zone(client, login, user_factory):
    from app.core.mail import OutboxMessage

    staff = user_factory(staff=True, locale="en", timezone="Australia/Darwin")
    db.session.add(OutboxMessage(to_address="x@example.com", subject="s", body_text="b", body_html="b",
                                 locale="en", template="t", created_at=datetime(2026, 11, 25, 2, 0, tzinfo=UTC)))
    db.session.commit()
    login(staff)
    html = text(client.get("/staff/outbox"))
    assert "11:30" in html  # 02:00 UTC is 11:30 in Darwin


def test_every_indonesian_message_is_translated():
    with ID_CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert missing == []


def test_catalog_covers_every_string_in_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).with_name("pybabel")), "-q", "extract", "-F", "babel.cfg", "-k", "_l",
         "-k", "lazy_gettext", "-o", str(pot), "--omit-header", "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as handle:
        in_code = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    with ID_CATALOG.open("rb") as handle:
        in_catalog = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert sorted(in_code - in_catalog) == [], "run `make translations-update` and translate the new strings"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_pages_are_served_in_both_languages(client, lang):
    html = text(client.get("/", headers={"Accept-Language": lang}))
    expected = {"id": "Masuk", "en": "Log in"}[lang]
    assert expected in html


@pytest.mark.parametrize(("locale", "expected", "absent"), [("id", "23.59", "23.59.00"), ("en", "11:59", "11:59:00")])
def test_times_are_shown_without_seconds(app, locale, expected, absent):
    from app.core.i18n import PageI18n, format_datetime, format_time

    moment = datetime(2027, 5, 31, 15, 59, tzinfo=UTC)  # 23.59 in Denpasar
    with app.test_request_context(), force_locale(locale):
        page = PageI18n()
        shown = [format_datetime_in(moment), page.format_datetime_in(moment), page.format_datetime(moment),
                 page.format_time(moment), format_datetime(moment), format_time(moment),
                 page.format_datetime(moment, "long"), format_datetime_in(moment, format="full")]
    for text_shown in shown:
        assert expected in text_shown and absent not in text_shown, text_shown
