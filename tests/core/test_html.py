"""Every page parses as HTML5 without errors, has labelled fields, and one <h1>."""

import re

import html5lib
import pytest

from tests.helpers import submit, text

PAGES_BY_ROLE = {
    None: ["/", "/login", "/register", "/register/check-inbox", "/password/forgot", "/no-such-page"],
    "applicant": ["/applicant", "/account", "/account/password"],
    "staff": ["/staff/", "/staff/invitations", "/staff/outbox"],
    "mentor": ["/mentor"],
    "reviewer": ["/reviewer"],
}


def assert_valid(html: str, page: str) -> None:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        document = parser.parse(html)
    except html5lib.html5parser.ParseError as error:
        raise AssertionError(f"{page}: {error}") from error
    assert len(document.findall(".//h1")) == 1, f"{page}: one <h1> per page"
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), f"{page}: duplicate ids"
    for field in document.iter("input"):
        if field.get("type") in ("hidden", "submit"):
            continue
        assert re.search(rf'<label[^>]*for="{field.get("id")}"', html) or field.get("aria-label"), (
            f"{page}: input {field.get('name')} has no label")


@pytest.mark.parametrize("role", list(PAGES_BY_ROLE))
def test_pages_are_valid_html(client, login, user_factory, role):
    if role:
        login(user_factory(**({} if role == "applicant" else {role: True})))
    for page in PAGES_BY_ROLE[role]:
        assert_valid(text(client.get(page)), page)


def test_form_with_errors_is_valid_html(client):
    response = submit(client, "/register", {"name": "", "email": "x", "phone": "1"})
    assert 'aria-invalid="true"' in text(response)
    assert_valid(text(response), "/register with errors")
