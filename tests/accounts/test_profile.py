"""Profile: language, time zone, phone."""

from app.extensions import db
from tests.helpers import field_error, submit, text


def test_profile_saves_language_time_zone_and_phone(client, login, user_factory):
    user = user_factory()
    login(user)
    response = submit(client, "/account", {"name": "Wayan Sari", "phone": "+61 412 345 678", "locale": "en",
                                           "timezone": "Australia/Darwin"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.name, user.phone_e164, user.locale, user.timezone) == (
        "Wayan Sari", "+61412345678", "en", "Australia/Darwin")
    html = text(client.get("/account"))
    assert '<html lang="en">' in html
    assert "Your profile" in html


def test_profile_refuses_unknown_time_zone_and_bad_phone(client, login, user_factory):
    user = user_factory()
    login(user)
    response = submit(client, "/account", {"name": "X", "phone": "0812", "locale": "id", "timezone": "Europe/Paris"})
    html = text(response)
    assert field_error(html, "phone") and field_error(html, "timezone")
    db.session.refresh(user)
    assert user.timezone == "Asia/Makassar"


def test_profile_needs_login(client):
    assert client.get("/account").status_code == 302
