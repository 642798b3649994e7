"""Every page parses as HTML5 without errors, has labelled fields, and one <h1>."""

import re

import html5lib
import pytest

from tests.helpers import submit, text

PAGES_BY_ROLE = {
    None: ["/", "/login", "/register", "/register/check-inbox", "/password/forgot", "/no-such-page"],
    "applicant": ["/home", "/applicant", "/account", "/account/password"],
    "staff": ["/home", "/staff/", "/staff/invitations", "/staff/outbox"],
    "mentor": ["/home", "/mentor"],
    "reviewer": ["/home", "/reviewer"],
}


# HTML's valid date or global date-and-time string (fractions of a second: at most three digits).
TIME_VALUE = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?")


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
    # What html5lib does not check and the W3C validator does:
    for moment in document.iter("time"):
        value = moment.get("datetime")
        assert value is None or TIME_VALUE.fullmatch(value), f"{page}: <time datetime={value!r}> is not valid"
    # axe's scrollable-region-focusable: a table that scrolls sideways on a phone is reachable by keyboard and named.
    for box in document.iter("div"):
        if "table-wrap" in (box.get("class") or "").split():
            assert box.get("tabindex") == "0" and box.get("role") == "region" and (
                box.get("aria-label") or box.get("aria-labelledby")), f"{page}: a table-wrap must be focusable, named"
    for select in document.iter("select"):
        if select.get("required") is not None and select.get("multiple") is None:
            first = select.find(".//option")
            assert first is None or first.get("value") == "" or not (first.text or "").strip(), (
                f"{page}: required select {select.get('name')} needs an empty first option (or no `required`)")


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
