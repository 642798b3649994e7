"""An accepted applicant books and pays for a stall in a real browser on a 360 px phone, against localstripe.

From the application's status page to the map, a tap on a stall, the hold with its countdown, the card page and the
confirmation that Stripe's signed webhook brings. Every page is checked with axe-core and must not scroll sideways.

About the card: localstripe's fake Stripe.js ignores whatever is typed into its card element, and its
`confirmCardPayment` only completes 3-D Secure. So, as the test configuration allows (STRIPE_TEST_PAYMENT_METHOD),
the server attaches the 3-D Secure test card 4000002500003155 to the PaymentIntent it creates; the intent waits in
`requires_action`, and the browser completes the fake 3-D Secure box ("Complete authentication"). The card input on
the page is therefore a fake here: the test proves the flow, the signed webhook and the confirmation, not the card.
"""

import re

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.extensions import db
from app.stalls.models import Booking, BookingStatus
from tests.browser.a11y import PageChecks
from tests.factories import PASSWORD
from tests.stalls.book_world import accepted, ground
from tests.stalls.pay_world import wait_for

pytestmark = pytest.mark.browser


def t(message: str, **values: object) -> str:
    """`message` as the portal shows it to this Indonesian applicant."""
    with force_locale("id"):
        return gettext(message, **values)


def booking_status(application_id: int) -> BookingStatus | None:
    db.session.remove()  # read what the server's threads committed
    status = db.session.scalar(select(Booking.status).where(Booking.application_id == application_id)
                               .order_by(Booking.id.desc()))
    db.session.remove()
    return status


def test_accepted_applicant_picks_a_stall_on_the_map_and_pays_on_a_phone(app, page, live_server, fake_stripe):
    from playwright.sync_api import expect

    edition, stalls = ground(6, price=750_000)
    application = accepted(edition, locale="id")
    email = application.applicant.email
    fake_stripe.send_webhooks_to(live_server)
    fake_stripe.attach_to_new_intents(fake_stripe.card("4000002500003155"))  # 3-D Secure: see the docstring
    check = PageChecks(page)
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.request.method} {r.url}")
            if r.status >= 500 else None)

    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_load_state("load")

    # The status page of the accepted application leads to the stall map.
    page.goto(f"/applications/{application.id}")
    check("status page of an accepted application")
    page.get_by_role("button", name=t("Choose your stall")).click()  # a link styled as a button
    expect(page).to_have_url(re.compile(rf"/applications/{application.id}/stalls$"))
    check("the map")

    # Tap stall A on the map (an SVG link with an accessible name that starts with its code).
    target = stalls[2]
    stall_link = page.locator("svg a").filter(has=page.locator(f"text={target.code}")).first
    stall_link.scroll_into_view_if_needed()
    stall_link.click()
    expect(page).to_have_url(re.compile(rf"/stalls/{target.id}$"))
    check("the stall page")

    page.get_by_role("button", name=re.compile(t("Hold this stall"))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your stall booking"))
    assert booking_status(application.id) == BookingStatus.HELD
    check("the booking page with its countdown")

    page.locator("form[action$='/booking/pay'] button[type=submit]").click()
    card_button = page.locator("#card-submit")
    expect(card_button).to_be_visible()
    check("the card page")

    card_button.click()
    authenticate = page.get_by_role("button", name="Complete authentication")  # localstripe's fake 3-D Secure box
    expect(authenticate).to_be_visible()
    authenticate.click()

    # Back on the booking page; localstripe posts its signed payment_intent.succeeded about a second later.
    expect(page).to_have_url(re.compile(r"/booking\?paid=1"), timeout=10_000)
    assert wait_for(lambda: booking_status(application.id) == BookingStatus.CONFIRMED, seconds=20)
    page.reload()
    expect(page.locator("body")).to_contain_text(t("Stall %(code)s is yours. See you at the festival!",
                                                   code=target.code))
    check("the confirmed booking")

    assert not failed, failed
    check.assert_clean()
