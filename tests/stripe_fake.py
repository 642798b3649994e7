"""localstripe for tests: started once on a free loopback port, emptied before each test that asks for it, with the
app pointed at it; and the signing of synthetic events (for what localstripe never sends: `charge.refunded`,
`payment_intent.canceled`, replays, events out of order, a wrong amount).

    def test_…(fake_stripe, live_server):
        fake_stripe.send_webhooks_to(live_server)          # localstripe signs and posts its events ~1 s later
        card = fake_stripe.card("4242424242424242")        # a PaymentMethod id; the app attaches it when configured:
        fake_stripe.attach_to_new_intents(card)            # STRIPE_TEST_PAYMENT_METHOD
        body, headers = fake_stripe.signed(fake_stripe.event("charge.refunded", charge))
"""

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import stripe
from flask import Flask

from app.payments.fake_stripe import FakeStripe, start_in_thread

SECRET_KEY = "sk_test_portal"  # localstripe takes any sk_… key
PUBLISHABLE_KEY = "pk_test_portal"
WEBHOOK_SECRET = "whsec_test_portal"
WEBHOOK_PATH = "/payments/stripe/webhook"


class StripeForTest:
    """The running localstripe of one test, with helpers that talk to it as the app does (the real client)."""

    def __init__(self, server: FakeStripe, app: Flask, monkeypatch: pytest.MonkeyPatch):
        self.server = server
        self.url = server.url
        self.app = app
        self.monkeypatch = monkeypatch
        self.client = stripe.StripeClient(SECRET_KEY, base_addresses={"api": server.url}, max_network_retries=0)

    # Configuration -------------------------------------------------------------------------------------------
    def send_webhooks_to(self, live_server: Any, secret: str = WEBHOOK_SECRET) -> None:
        """Have localstripe post its signed events to the served app (it does, once, about a second later)."""
        self.server.call(_register, f"{live_server.url}{WEBHOOK_PATH}", secret)

    def attach_to_new_intents(self, payment_method: str | None) -> None:
        self.monkeypatch.setitem(self.app.config, "STRIPE_TEST_PAYMENT_METHOD", payment_method or "")

    def card(self, number: str) -> str:
        """A PaymentMethod for test card `number` (4242… succeeds, 4000000000000341 is declined on charge,
        4000002500003155 asks for 3-D Secure)."""
        method = self.client.v1.payment_methods.create(params={
            "type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}})
        return method.id

    # Reading localstripe's state -----------------------------------------------------------------------------
    def intents(self) -> list[dict]:
        """Every PaymentIntent localstripe holds (listed, as the issue asks: proof of "one intent per attempt")."""
        listed = self.client.v1.payment_intents.list(params={"limit": 100})
        return [intent.to_dict() for intent in listed.data]

    def intent(self, intent_id: str) -> dict:
        return self.client.v1.payment_intents.retrieve(intent_id).to_dict()

    def refunds(self) -> list[dict]:
        return [r.to_dict() for r in self.client.v1.refunds.list(params={"limit": 100}).data]

    # Synthetic signed events ---------------------------------------------------------------------------------
    @staticmethod
    def event(kind: str, obj: dict, event_id: str | None = None, created: int | None = None) -> dict:
        return {"id": event_id or f"evt_test_{uuid.uuid4().hex[:16]}", "object": "event", "type": kind,
                "created": created or int(time.time()), "livemode": False, "data": {"object": obj}}

    @staticmethod
    def signed(event: dict, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> tuple[bytes, dict]:
        """The body and headers Stripe would send: `Stripe-Signature` is HMAC-SHA256 of "<t>.<body>"."""
        body = json.dumps(event)
        header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=timestamp)
        return body.encode(), {"Stripe-Signature": header, "Content-Type": "application/json"}

    def post_event(self, target: Any, event: dict, **signing: Any) -> Any:
        """Post a signed event to the app: `target` is a Flask test client or the live server."""
        body, headers = self.signed(event, **signing)
        if hasattr(target, "url"):
            return requests.post(f"{target.url}{WEBHOOK_PATH}", data=body, headers=headers, timeout=60)
        return target.post(WEBHOOK_PATH, data=body, headers=headers)


def _register(url: str, secret: str) -> None:
    from localstripe import webhooks

    webhooks._webhooks.clear()
    webhooks.register_webhook("portal", url, secret, None)


@pytest.fixture(scope="session")
def localstripe_server() -> Iterator[FakeStripe]:
    server = start_in_thread(0)
    yield server
    server.stop()


@pytest.fixture
def fake_stripe(app: Flask, localstripe_server: FakeStripe, monkeypatch: pytest.MonkeyPatch) -> Iterator[StripeForTest]:
    """localstripe emptied (no webhook registered: `send_webhooks_to`), and the app configured to use it."""
    localstripe_server.reset()
    for name, value in {
        "STRIPE_SECRET_KEY": SECRET_KEY, "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "STRIPE_API_BASE": localstripe_server.url,
        "STRIPE_JS_URL": f"{localstripe_server.url}/js.stripe.com/v3/", "STRIPE_TEST_PAYMENT_METHOD": "",
        "STRIPE_MAX_NETWORK_RETRIES": 0,
    }.items():
        monkeypatch.setitem(app.config, name, value)
    yield StripeForTest(localstripe_server, app, monkeypatch)
    localstripe_server.reset()
