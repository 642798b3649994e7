"""Links in mails always start with BASE_URL; X-Forwarded-* headers count only behind TRUSTED_PROXIES proxies.

Whoever sends a request chooses its Host and X-Forwarded-* headers: a reset link built from them would hand the token
to their site, and a per-address limit keyed on X-Forwarded-For would be evaded by changing it on every request.
"""

from types import SimpleNamespace

import pytest
from flask import request

from app.core.mail import external_url, queue_mail
from config import ProductionConfig
from tests.factories import PASSWORD
from tests.helpers import csrf_token, links_in, text

BASE_URL = "https://dyouth.example.id"
EVIL = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"}
GOOD_REGISTRATION = {"name": "Ni Made Ayu", "phone": "0812 3456 7890", "date_of_birth": "2004-05-17", "locale": "en",
                     "password": "sepuluh karakter", "password_confirm": "sepuluh karakter"}


def post_form(client, url: str, data: dict, headers: dict | None = None, https: bool = False):
    """GET the form and POST it, both with `headers` (a browser sends the same ones on both)."""
    headers = dict(headers or {})
    if https:  # production: secure cookies, and Flask-WTF checks the Referer of HTTPS posts
        client.environ_base["wsgi.url_scheme"] = "https"
        headers.setdefault("Referer", f"https://{headers.get('Host', 'localhost')}{url}")
    page = client.get(url, headers=headers)
    assert page.status_code == 200, page.status_code
    return client.post(url, data={"csrf_token": csrf_token(text(page)), **data}, headers=headers)


@pytest.fixture
def base_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", BASE_URL)
    return BASE_URL


def assert_links_on_base_url(mail) -> None:
    links = links_in(mail.body_text) + links_in(mail.body_html)
    assert links, "the mail has no link"
    assert all(link.startswith(BASE_URL + "/") for link in links), links


def test_reset_link_ignores_the_host_header(client, outbox, user_factory, base_url):
    user = user_factory()
    response = post_form(client, "/password/forgot", {"email": user.email}, headers=EVIL)
    assert response.status_code == 302
    assert_links_on_base_url(outbox.last(user.email))


def test_confirmation_link_ignores_the_host_header(client, outbox, base_url):
    response = post_form(client, "/register", {**GOOD_REGISTRATION, "email": "ayu@example.com"}, headers=EVIL)
    assert response.status_code == 302
    mail = outbox.last("ayu@example.com")
    assert "/confirm/" in mail.body_text
    assert_links_on_base_url(mail)


def test_already_registered_mail_ignores_the_host_header(client, outbox, user_factory, base_url):
    owner = user_factory(email="ayu@example.com")
    post_form(client, "/register", {**GOOD_REGISTRATION, "email": owner.email}, headers=EVIL)
    assert_links_on_base_url(outbox.last(owner.email))


def test_links_in_mail_templates_use_base_url_inside_a_request(app, user_factory, base_url):
    reviewer = user_factory(locale="en")
    call = SimpleNamespace(name=lambda locale: "Bazaar")
    with app.test_request_context("/", base_url="http://evil.example"):
        assert external_url("accounts.login") == f"{BASE_URL}/login"
        mail = queue_mail(reviewer.email, "festival/mail/review_assigned", "en", reviewer=reviewer, count=1,
                          call=call, edition=SimpleNamespace(name="Festival 2027"))
        assert request.host == "evil.example"  # the request itself is left as it was
    assert f"{BASE_URL}/review" in mail.body_text
    assert "evil.example" not in mail.body_text + mail.body_html


def test_behind_a_trusted_proxy_forwarded_host_is_still_ignored(make_app, outbox, user_factory):
    production = make_app(ProductionConfig, TRUSTED_PROXIES=1, BASE_URL=BASE_URL)
    user = user_factory()
    response = post_form(production.test_client(), "/password/forgot", {"email": user.email},
                         headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-For": "203.0.113.7"}, https=True)
    assert response.status_code == 302
    assert_links_on_base_url(outbox.last(user.email))


def wrong_logins(client, forwarded_for: list[str], https: bool = True) -> list[int]:
    return [post_form(client, "/login", {"email": f"person{n}@example.com", "password": "not the password"},
                      headers={"X-Forwarded-For": address}, https=https).status_code
            for n, address in enumerate(forwarded_for)]


def test_without_proxies_rotating_forwarded_for_does_not_evade_the_ip_limit(make_app, user_factory):
    # Production, as deployed without TRUSTED_PROXIES: the connection's address is the client's.
    production = make_app(ProductionConfig, TRUSTED_PROXIES=0, LOGIN_LIMIT_PER_IP="3 per minute")
    client = production.test_client()
    assert wrong_logins(client, [f"10.0.0.{n}" for n in range(5)]) == [200, 200, 200, 429, 429]
    right = post_form(client, "/login", {"email": user_factory().email, "password": PASSWORD},
                      headers={"X-Forwarded-For": "10.0.0.99"}, https=True)
    assert right.status_code == 429


def test_behind_a_trusted_proxy_each_forwarded_address_has_its_own_limit(make_app):
    production = make_app(ProductionConfig, TRUSTED_PROXIES=1, LOGIN_LIMIT_PER_IP="3 per minute")
    client = production.test_client()
    assert wrong_logins(client, [f"10.0.0.{n}" for n in range(5)]) == [200] * 5
    assert wrong_logins(client, ["10.0.0.50"] * 4) == [200, 200, 200, 429]


def test_trusted_proxies_default_to_none(app):
    assert app.config["TRUSTED_PROXIES"] == 0
    assert not hasattr(app.wsgi_app, "x_for")  # no ProxyFix: X-Forwarded-* are plain headers
