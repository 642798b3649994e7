"""Fewer gates, on a phone: a visitor on their way to a page registers with a date of birth (the form says who may
apply), opens the confirmation link from the mail and is signed in on that page; their home page's big button is
"apply", then "continue". And the sign-in link from the login page. axe-clean at 360 px on every page."""

import re
from datetime import date, timedelta

import pytest
from babel.dates import format_date
from flask_babel import force_locale, gettext

from app.core.clock import now_utc
from app.extensions import db
from tests.browser.a11y import PageChecks
from tests.factories import CallFactory, EditionFactory, UserFactory

pytestmark = pytest.mark.browser

EMAIL = "wayan.onboarding@example.com"
PASSWORD = "sepuluh karakter lebih"


def t(message: str, **values: object) -> str:
    with force_locale("id"):
        return gettext(message, **values)


def field(page, label: str):
    return page.get_by_label(re.compile(rf"^{re.escape(label)}(\s*\*)?$"))


def open_edition():
    """An edition whose applications are open now, with one call; the festival in three months."""
    now = now_utc()
    today = now.date()
    edition = EditionFactory(applications_open_at=now - timedelta(days=1),
                             applications_close_at=now + timedelta(days=30),
                             starts_on=today + timedelta(days=90), ends_on=today + timedelta(days=92))
    return edition, CallFactory(edition=edition)


def mailed_link(outbox, to: str, containing: str) -> str:
    db.session.remove()  # read what the server's threads committed, and hold no transaction open
    link = outbox.link(to, containing)
    db.session.remove()
    return link


def big_button(page, name: str):
    """The home page's next step: a button at least 44 px tall."""
    from playwright.sync_api import expect

    button = page.locator("section.next-step").get_by_role("button", name=name)
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44, box
    return button


def test_register_confirm_lands_signed_in_where_they_were_going_then_apply(app, page, live_server, outbox,
                                                                          monkeypatch):
    from playwright.sync_api import expect

    base = live_server.url
    monkeypatch.setitem(app.config, "BASE_URL", base)
    edition, call = open_edition()
    call_name = call.name("id")
    check = PageChecks(page)

    # On the way to their profile: the portal asks to log in, and they create an account instead.
    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Faccount$"))
    check("login page")
    page.get_by_role("link", name=t("Create an account")).click()
    expect(page).to_have_url(re.compile(r"/register\?next=(%2F|/)account$"))
    # Who may apply, in Indonesian with an Indonesian date.
    day = format_date(edition.starts_on, "long", locale="id")
    expect(page.locator("#date_of_birth-help")).to_contain_text(day)
    check("registration form")
    field(page, t("Full name")).fill("Wayan Sudarma")
    field(page, t("E-mail")).fill(EMAIL)
    field(page, t("Phone (WhatsApp)")).fill("0812 3456 7890")
    field(page, t("Date of birth")).fill(date(2003, 2, 1).isoformat())
    field(page, t("Password")).fill(PASSWORD)
    field(page, t("Repeat the password")).fill(PASSWORD)
    page.get_by_role("button", name=t("Create account"), exact=True).click()
    expect(page).to_have_url(f"{base}/register/check-inbox")
    check("check-inbox page")

    # The mail's link signs in and goes on to the profile: no second log-in.
    page.goto(mailed_link(outbox, EMAIL, "/confirm/"))
    expect(page).to_have_url(f"{base}/account")
    expect(page.locator(".flashes")).to_contain_text(t("Your e-mail address is confirmed. Welcome!"))
    check("profile after confirming")

    # Home: the big button is the next step, "apply"; "check my profile" is no longer a button.
    page.goto("/home")
    big_button(page, t("Read about %(call)s and apply", call=call_name)).click()
    expect(page).to_have_url(f"{base}/festival/calls/{call.id}")  # the call's page first, its button at the end
    check("the call's page")
    page.get_by_role("button", name=t("Apply to %(call)s", call=call_name)).click()
    expect(page).to_have_url(re.compile(r"/applications/\d+/step/1$"))
    check("first step of the draft")
    page.goto("/home")
    continue_ = big_button(page, t("Continue your application to %(call)s", call=call_name))
    expect(page.get_by_role("link", name=t("Check my profile"))).to_have_count(0)
    check("home with a draft")
    continue_.click()
    expect(page).to_have_url(re.compile(r"/applications/\d+/step/1$"))
    live_server.check_no_errors()
    check.assert_clean()


def test_sign_in_link_from_the_login_page(app, page, live_server, outbox, monkeypatch):
    from playwright.sync_api import expect

    base = live_server.url
    monkeypatch.setitem(app.config, "BASE_URL", base)
    user = UserFactory(name="Kadek Ayu", unconfirmed=True)
    check = PageChecks(page)
    page.goto("/login")
    field(page, t("E-mail")).fill(user.email)
    send = page.get_by_role("button", name=t("E-mail me a sign-in link"))
    box = send.bounding_box()
    assert box and box["height"] >= 44, box
    send.click()
    expect(page).to_have_url(f"{base}/login")
    expect(page.locator(".flashes")).to_contain_text(
        t("If this address has an account, we have e-mailed it a sign-in link. It works once, for 15 minutes."))
    check("login page after asking for a link")

    page.goto(mailed_link(outbox, user.email, "/sign-in/"))
    expect(page).to_have_url(f"{base}/home")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Hello, %(name)s", name="Kadek Ayu"))
    check("home after the sign-in link")
    live_server.check_no_errors()
    check.assert_clean()
