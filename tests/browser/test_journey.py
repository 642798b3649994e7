"""The applicant's first visit in a real browser on a phone: register, confirm by e-mail (which signs in), log out and
in again by keyboard, switch language.

Every page on the way is checked with axe-core (serious and critical findings fail the test) and must not scroll
sideways at 360 px. Expected texts come from the message catalogs, so the test follows the translations.
"""

import re
from datetime import date

import pytest
from babel.dates import format_date
from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from tests.browser.a11y import PageChecks

pytestmark = pytest.mark.browser

NAME = "Ni Made Ayu"
EMAIL = "ayu.browser@example.com"
PASSWORD = "sepuluh karakter lebih"
BIRTHDAY = date(2004, 5, 17)


def t(locale: str, message: str, **values: object) -> str:
    """`message` as the portal shows it in `locale`."""
    with force_locale(locale):
        return gettext(message, **values)


def field(page, label: str):
    """The form control labelled `label` (the label may end with the required-field star)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}(\s*\*)?$"))


def user_locale(email: str) -> str:
    db.session.remove()  # read what the server's threads committed, and hold no transaction open
    locale = db.session.scalar(select(User.locale).where(User.email == email))
    db.session.remove()
    return locale


def test_register_confirm_log_in_and_switch_language_on_a_phone(app, page, live_server, outbox, monkeypatch):
    from playwright.sync_api import expect

    base = live_server.url
    monkeypatch.setitem(app.config, "BASE_URL", base)  # links in mails start with BASE_URL: here, this server
    check = PageChecks(page)
    html = page.locator("html")
    h1 = page.get_by_role("heading", level=1)
    header = page.locator("header.site-header")
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.request.method} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)

    # An Indonesian phone browser opens the site and goes to the registration form.
    page.goto("/")
    expect(html).to_have_attribute("lang", "id")
    check("landing page")
    header.get_by_role("link", name=t("id", "Register"), exact=True).click()
    expect(page).to_have_url(f"{base}/register")
    expect(h1).to_have_text(t("id", "Create your account"))
    check("registration form")

    def fill_registration(phone: str, password: str) -> None:
        field(page, t("id", "Full name")).fill(NAME)
        field(page, t("id", "E-mail")).fill(EMAIL)
        field(page, t("id", "Phone (WhatsApp)")).fill(phone)
        field(page, t("id", "Date of birth")).fill(BIRTHDAY.isoformat())
        field(page, t("id", "Preferred language")).select_option("id")
        field(page, t("id", "Password")).fill(password)
        field(page, t("id", "Repeat the password")).fill(password)
        page.get_by_role("button", name=t("id", "Create account"), exact=True).click()

    # A bad phone number and a short password: the form comes back with the errors on the fields.
    fill_registration(phone="12345", password="pendek")
    expect(page).to_have_url(f"{base}/register")
    expect(page.get_by_role("alert")).to_contain_text(t("id", "Please correct the fields marked below."))
    for name in ("phone", "password"):
        error = page.locator(f"#{name}-error")
        expect(error).to_be_visible()
        expect(error).to_have_text(re.compile(r"\S"))
        expect(page.locator(f"#{name}")).to_have_attribute("aria-invalid", "true")
        expect(page.locator(f"#{name}")).to_have_attribute("aria-describedby", re.compile(rf"\b{name}-error\b"))
    expect(page.locator("#password-error")).to_have_text(t("id", "Use at least 10 characters."))
    expect(page.locator("#name")).to_have_value(NAME)
    check("registration form with errors")

    # Corrected, it goes through to the check-your-inbox page.
    fill_registration(phone="0812 3456 7890", password=PASSWORD)
    expect(page).to_have_url(f"{base}/register/check-inbox")
    expect(h1).to_have_text(t("id", "Check your inbox"))
    check("check-inbox page")

    # The link in the confirmation mail points at this server and confirms the address.
    db.session.remove()
    link = outbox.link(EMAIL, "/confirm/")
    db.session.remove()
    assert link.startswith(f"{base}/confirm/"), link
    page.goto(link)
    expect(page).to_have_url(f"{base}/home")  # the link signs in: no second log-in with empty fields
    expect(page.locator(".flashes")).to_contain_text(t("id", "Your e-mail address is confirmed. Welcome!"))
    expect(h1).to_have_text(t("id", "Hello, %(name)s", name=NAME))
    check("applicant home after confirming")

    # Log out and in again with the keyboard only
    header.get_by_role("button", name=t("id", "Log out"), exact=True).click()
    expect(page).to_have_url(f"{base}/")
    page.goto("/login")
    check("login page")
    # Skip link, Tab into the form, Enter submits.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name=t("id", "Skip to content"))).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(field(page, t("id", "E-mail"))).to_be_focused()
    page.keyboard.type(EMAIL)
    page.keyboard.press("Tab")
    expect(field(page, t("id", "Password"))).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    # The browser keeps the skip link's #main through the redirects, as HTTP redirects do.
    expect(page).to_have_url(re.compile(rf"^{re.escape(base)}/home(#main)?$"))
    expect(html).to_have_attribute("lang", "id")
    expect(h1).to_have_text(t("id", "Hello, %(name)s", name=NAME))
    check("applicant home")

    # The switcher in the header turns the portal to English, for this page and the account.
    switch = header.locator("form.language-switch button[name='language'][value='en']")
    expect(switch).to_have_text("English")
    switch.click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{base}/home")
    expect(h1).to_have_text(f"Hello, {NAME}")
    expect(page.get_by_role("heading", level=2)).to_have_text("Your applications")
    expect(header.locator("button[name='language'][value='id']")).to_have_text("Bahasa Indonesia")
    check("applicant home in English")
    assert user_locale(EMAIL) == "en"

    page.reload()
    expect(html).to_have_attribute("lang", "en")
    expect(h1).to_have_text(f"Hello, {NAME}")
    check("applicant home in English, reloaded")

    # The profile shows what was registered, in English.
    header.get_by_role("link", name="Profile", exact=True).click()
    expect(page).to_have_url(f"{base}/account")
    expect(html).to_have_attribute("lang", "en")
    expect(h1).to_have_text("Your profile")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(EMAIL)
    expect(facts).to_contain_text(format_date(BIRTHDAY, "long", locale="en"))
    expect(field(page, "Full name")).to_have_value(NAME)
    expect(field(page, "Phone (WhatsApp)")).to_have_value("+6281234567890")
    expect(field(page, "Language")).to_have_value("en")
    check("profile")

    # Log out from the header; the language choice stays with the browser.
    header.get_by_role("button", name="Log out", exact=True).click()
    expect(page).to_have_url(f"{base}/")
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator(".flashes")).to_contain_text("You have logged out.")
    expect(header.get_by_role("link", name="Log in", exact=True)).to_be_visible()
    check("landing page after logging out")

    assert not failed, "requests that failed:\n" + "\n".join(failed)
    live_server.check_no_errors()
    check.assert_clean()


def test_the_page_checks_catch_what_they_look_for(page, live_server):
    """Guard against a check that passes vacuously: break a real page on purpose and expect each finding."""
    page.goto("/")
    page.evaluate("""() => document.querySelector('main').insertAdjacentHTML('beforeend',
        '<img src="/static/none.png" width="10" height="10">'
        + '<p style="color:#ccc;background:#fff">hard to read</p>'
        + '<div style="width:900px">too wide</div>')""")
    check = PageChecks(page)
    check("a page broken on purpose")
    report = "\n".join(check.problems)
    assert "horizontal scroll" in report
    assert "[critical] image-alt" in report
    assert "[serious] color-contrast" in report
    assert 'at img: <img src="/static/none.png"' in report
    with pytest.raises(AssertionError, match="image-alt"):
        check.assert_clean()
