"""The Stripe boundary: one conversion table, amounts refused before Stripe is called, the client's errors."""

from decimal import Decimal

import pytest
import requests

from app.payments import gateway
from app.payments.gateway import AmountNotAccepted, to_stripe_amount


@pytest.mark.parametrize(("amount", "currency", "expected"), [
    (500_000, "IDR", 50_000_000),          # Rp 500.000: IDR is two-decimal at Stripe, whatever CLDR says
    (10_000, "IDR", 1_000_000),
    (9_999_999_999, "IDR", 999_999_999_900),  # twelve digits: the most Stripe takes for IDR
    (Decimal("12.50"), "AUD", 1250),       # A$12.50
    ("12.5", "aud", 1250),
    (999_999, "AUD", 99_999_900),          # eight digits
    (500, "JPY", 500),                     # zero-decimal
    (1_000, "ISK", 100_000),               # two decimals at Stripe, divisible by 100
    (5_000, "UGX", 500_000),
])
def test_conversion_table(amount, currency, expected):
    assert to_stripe_amount(amount, currency) == expected


@pytest.mark.parametrize(("amount", "currency"), [
    (10_000_000_000, "IDR"),       # Rp 10.000.000.000 → 13 digits
    (1_000_000, "AUD"),            # 9 digits
    (Decimal("12.505"), "AUD"),    # a fraction of a cent
    (Decimal("0.5"), "JPY"),
    (0, "IDR"),
    (-5, "IDR"),
    (9_999, "IDR"),                # under STRIPE_MIN_AMOUNT_IDR (10.000)
    (Decimal("0.49"), "AUD"),      # under Stripe's A$0.50
    (100, "XYZ"),                  # unknown currency (localstripe would take it)
    ("abc", "IDR"),
])
def test_amounts_stripe_would_refuse_are_refused_here(amount, currency):
    with pytest.raises(AmountNotAccepted) as refused:
        to_stripe_amount(amount, currency)
    assert refused.value.field == "amount"


def test_floats_are_a_programming_error():
    with pytest.raises(TypeError):
        to_stripe_amount(12.5, "AUD")


def test_refunds_have_no_minimum():
    assert to_stripe_amount(500, "IDR", minimum=False) == 50_000


def test_the_minimum_is_configured(app, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_MIN_AMOUNT_IDR", 50_000)
    with pytest.raises(AmountNotAccepted):
        to_stripe_amount(49_999, "IDR")
    assert to_stripe_amount(50_000, "IDR") == 5_000_000


def test_thirteen_digit_rupiah_is_refused_before_any_http_call(app, fake_stripe, user_factory, monkeypatch):
    from app.payments import services
    from tests.payments.factories import PURPOSE, SCOPE

    calls = []
    real = requests.Session.request
    monkeypatch.setattr(requests.Session, "request", lambda self, *a, **k: calls.append(a) or real(self, *a, **k))
    payer = user_factory()
    with pytest.raises(AmountNotAccepted):
        services.create_card_payment(payer, payer=payer, purpose=PURPOSE, scope=SCOPE, amount=10_000_000_000,
                                     description="too much")
    assert calls == []
    assert fake_stripe.intents() == []


def test_one_client_per_configuration_and_no_module_state(app, monkeypatch):
    import stripe

    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_a")
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", "http://127.0.0.1:9")
    first = gateway.client()
    assert gateway.client() is first
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_b")
    assert gateway.client() is not first
    assert stripe.api_key is None and stripe.api_base == "https://api.stripe.com"


def test_no_key_means_payments_unavailable(app, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "")
    with pytest.raises(gateway.PaymentUnavailable):
        gateway.retrieve_intent("pi_x")
