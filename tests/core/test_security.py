"""Security baseline: headers, CSRF, cookies, `next=` redirects."""

import pytest

from app.core.security import safe_next_url
from tests.helpers import submit


def test_security_headers_on_pages(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_no_inline_script_or_style_in_pages(client):
    html = client.get("/").get_data(as_text=True) + client.get("/register").get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html and "<style" not in html


def test_session_cookie_is_httponly_and_samesite_lax(client, login, user_factory):
    response = login(user_factory())
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize(
    "url", ["/login", "/register", "/password/forgot", "/language", "/account", "/staff/invitations"]
)
def test_every_form_post_needs_a_csrf_token(client, login, user_factory, url):
    login(user_factory(staff=True))
    response = client.post(url, data={"email": "a@example.com", "language": "en"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/account", "/account"),
        ("/staff/?page=2", "/staff/?page=2"),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("/\\evil.example", None),
        ("javascript:alert(1)", None),
        ("http:/evil.example", None),
        ("", None),
        (None, None),
        ("account", None),
        ("/\t/evil.example", None),
    ],
)
def test_safe_next_url(target, safe):
    assert safe_next_url(target) == safe


def test_language_switch_does_not_redirect_off_site(client):
    response = submit(client, "/language", {"language": "en", "next": "https://evil.example/"}, page="/")
    assert response.headers["Location"] == "/"
