"""The Stripe boundary: amounts converted once, a client built from config, and Stripe's errors turned into ours.

Nothing else in the portal talks to Stripe or converts an amount for it. Amounts in the ledger are whole units of
their currency (rupiah have no cents); Stripe wants the smallest unit of its own table, which is *not* Babel's or
CLDR's: IDR is a two-decimal currency in Stripe's API (Rp 500.000 is `amount=50000000`), ISK and UGX are sent with two
decimals too (research/booking.md §5.6). Every call carries an `Idempotency-Key` chosen by the caller, so a retried
request is answered with the first one's result (by Stripe; localstripe ignores the header, which is why the
database's unique constraints are the proof of "one PaymentIntent per attempt").

The client is a `stripe.StripeClient` per configuration (key, API base, timeout): its HTTP client keeps one requests
session per thread, and nothing is set on the `stripe` module, so threads and test configurations never mix.
"""

import logging
import threading
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import stripe
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.core.errors import DomainError

log = logging.getLogger(__name__)

# Stripe's zero-decimal currencies (https://docs.stripe.com/currencies#zero-decimal): the amount is sent as is.
# (UGX is on Stripe's list but is sent with two decimals, like ISK: see STRIPE_EXPONENT.)
ZERO_DECIMAL = frozenset({
    "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "VND", "VUV", "XAF", "XOF", "XPF",
})
# The currencies the portal may charge in, with Stripe's exponent. IDR is two-decimal at Stripe whatever CLDR says;
# ISK and UGX are sent with two decimals as well (and so always divisible by 100, as Stripe requires).
STRIPE_EXPONENT: dict[str, int] = {
    "IDR": 2, "AUD": 2, "USD": 2, "EUR": 2, "SGD": 2, "MYR": 2, "NZD": 2, "GBP": 2, "ISK": 2, "UGX": 2,
    **{code: 0 for code in ZERO_DECIMAL},
}
# The largest amount Stripe accepts, in its smallest unit: twelve digits for IDR, eight for every other currency.
MAX_DIGITS = {"IDR": 12}
DEFAULT_MAX_DIGITS = 8
# Stripe's minimum charge, in the smallest unit, for the currencies it lists (0.50 of the settlement currency). IDR
# has no entry at Stripe (its minimum is the settlement currency's, converted): STRIPE_MIN_AMOUNT_IDR in config.
MINIMUM_MINOR = {"AUD": 50, "USD": 50, "EUR": 50, "SGD": 50, "NZD": 50, "GBP": 30, "MYR": 200, "JPY": 50}

UNAVAILABLE = _l("Card payments cannot be reached right now. Nothing was charged. Please try again in a few minutes.")
DECLINED = _l("Your card was declined. Nothing was charged. Please try another card or contact your bank.")


class PaymentUnavailable(DomainError):
    """Stripe could not be reached, or answered with an error that is ours to fix: nothing should be written."""


class AmountNotAccepted(DomainError):
    """An amount Stripe would refuse (too large, too small, an unknown currency): refused before calling it."""


class CardDeclined(DomainError):
    """The card was declined when the PaymentIntent was confirmed; `intent_id` is the intent it was declined on."""

    def __init__(self, message: Any, *, intent_id: str | None, code: str | None):
        super().__init__(message)
        self.intent_id = intent_id
        self.code = code


class StripeRefused(DomainError):
    """Stripe refused a request for good (4xx other than a declined card): retrying it would not help."""

    def __init__(self, message: Any, *, code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.status = status


def _exponent(currency: str) -> int:
    code = (currency or "").upper()
    if code not in STRIPE_EXPONENT:
        raise AmountNotAccepted(_l("Payments in %(currency)s are not accepted.", currency=code or "?"),
                                field="amount")
    return STRIPE_EXPONENT[code]


def to_stripe_amount(amount: int | Decimal | str, currency: str, *, minimum: bool = True) -> int:
    """`amount` whole units of `currency` (a Decimal or string may carry cents: A$12.50) → Stripe's `amount`.

    Refused before any call to Stripe: an unknown currency, fractions smaller than the currency's unit, more digits
    than Stripe takes (twelve for IDR, eight otherwise) and less than the minimum charge (not for refunds:
    `minimum=False`)."""
    code = (currency or "").upper()
    exponent = _exponent(code)
    if isinstance(amount, float):
        raise TypeError("amounts are int, Decimal or str, never float")
    try:
        minor = Decimal(amount).scaleb(exponent)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise AmountNotAccepted(_l("This amount is not a number."), field="amount") from error
    if minor != minor.to_integral_value():
        raise AmountNotAccepted(_l("This amount has more decimals than %(currency)s allows.", currency=code),
                                field="amount")
    value = int(minor)
    if value <= 0:
        raise AmountNotAccepted(_l("The amount must be more than zero."), field="amount")
    if len(str(value)) > MAX_DIGITS.get(code, DEFAULT_MAX_DIGITS):
        raise AmountNotAccepted(_l("This amount is larger than card payments accept."), field="amount")
    if minimum and value < minimum_minor(code):
        raise AmountNotAccepted(_l("This amount is smaller than card payments accept."), field="amount")
    return value


def minimum_minor(currency: str) -> int:
    code = currency.upper()
    if code == "IDR":
        return int(current_app.config.get("STRIPE_MIN_AMOUNT_IDR", 10_000)) * 10 ** STRIPE_EXPONENT["IDR"]
    return MINIMUM_MINOR.get(code, 1)


def from_stripe_amount(minor: int, currency: str) -> Decimal:
    """Stripe's `amount` → units of `currency` (exact; the ledger keeps whole units)."""
    return Decimal(int(minor)).scaleb(-_exponent(currency))


# The client --------------------------------------------------------------------------------------------------------

_clients: dict[tuple, stripe.StripeClient] = {}
_clients_lock = threading.Lock()


def client() -> stripe.StripeClient:
    """The StripeClient of the current configuration (one per key, API base, timeout and retries)."""
    cfg = current_app.config
    key = cfg.get("STRIPE_SECRET_KEY") or ""
    if not key:
        log.error("STRIPE_SECRET_KEY is not set: card payments are off")
        raise PaymentUnavailable(UNAVAILABLE)
    base = (cfg.get("STRIPE_API_BASE") or "").rstrip("/")
    timeout = float(cfg.get("STRIPE_TIMEOUT_S", 20))
    retries = int(cfg.get("STRIPE_MAX_NETWORK_RETRIES", 1))
    signature = (key, base, timeout, retries)
    with _clients_lock:
        found = _clients.get(signature)
        if found is None:
            addresses = {"api": base} if base else None
            found = stripe.StripeClient(key, base_addresses=addresses, max_network_retries=retries,
                                        http_client=stripe.RequestsClient(timeout=timeout))
            _clients[signature] = found
    return found


def _options(idempotency_key: str | None) -> dict[str, Any]:
    return {"idempotency_key": idempotency_key} if idempotency_key else {}


def _plain(obj: Any) -> dict[str, Any]:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _error_body(error: stripe.StripeError) -> Mapping[str, Any]:
    body = error.json_body if isinstance(error.json_body, dict) else {}
    return body.get("error") or {}


def _call(what: str, action: Any, *, card_errors: bool = False) -> dict[str, Any]:
    """Run one Stripe request; turn its failures into our errors (a declined card is left to the caller that asks
    for `card_errors`; anywhere else it is a refusal like any other)."""
    try:
        return _plain(action())
    except stripe.CardError:
        if card_errors:
            raise
        raise StripeRefused(UNAVAILABLE, code="card_declined", status=402) from None
    except (stripe.APIConnectionError, stripe.RateLimitError) as error:
        log.warning("stripe %s: cannot reach Stripe: %s", what, error)
        raise PaymentUnavailable(UNAVAILABLE) from error
    except stripe.StripeError as error:
        status = error.http_status or 0
        body = _error_body(error)
        if status >= 500 or status in (0, 401, 403):
            log.error("stripe %s: HTTP %s %s", what, status, body.get("message") or error)
            raise PaymentUnavailable(UNAVAILABLE) from error
        log.warning("stripe %s refused: HTTP %s %s", what, status, body.get("message") or error)
        raise StripeRefused(UNAVAILABLE, code=body.get("code"), status=status) from error


def create_intent(*, amount: int, currency: str, metadata: Mapping[str, str], idempotency_key: str,
                  payment_method: str | None = None, customer: str | None = None) -> dict[str, Any]:
    """Create a card PaymentIntent (`amount` in Stripe's unit, from `to_stripe_amount`). Only the parameters
    localstripe also takes: with a `payment_method` it is confirmed at once (test configurations).

    Raises CardDeclined (with the intent's id) when the card is declined at confirmation, PaymentUnavailable when
    Stripe cannot be reached or errs."""
    params: dict[str, Any] = {"amount": int(amount), "currency": currency.lower(), "metadata": dict(metadata),
                              "payment_method_types": ["card"]}
    if payment_method:
        params.update(payment_method=payment_method, confirm=True)
    if customer:
        params["customer"] = customer
    try:
        return _call("create intent",
                     lambda: client().v1.payment_intents.create(params=params, options=_options(idempotency_key)),
                     card_errors=True)
    except stripe.CardError as error:
        raise _declined(error) from error
    except StripeRefused as error:
        raise PaymentUnavailable(UNAVAILABLE) from error  # our parameters were refused: a bug, logged above


def _declined(error: stripe.CardError) -> CardDeclined:
    body = _error_body(error)
    intent = body.get("payment_intent")
    intent_id = intent.get("id") if isinstance(intent, dict) else intent
    if not intent_id and body.get("charge"):
        # localstripe names only the charge; real Stripe sends the intent with the error.
        try:
            charge = _call("retrieve charge", lambda: client().v1.charges.retrieve(body["charge"]))
            intent_id = charge.get("payment_intent")
        except (PaymentUnavailable, StripeRefused):
            log.warning("declined charge %s: its PaymentIntent could not be read", body["charge"])
    return CardDeclined(DECLINED, intent_id=intent_id, code=body.get("decline_code") or body.get("code"))


def retrieve_intent(intent_id: str) -> dict[str, Any]:
    return _call("retrieve intent", lambda: client().v1.payment_intents.retrieve(intent_id))


def cancel_intent(intent_id: str, *, idempotency_key: str) -> dict[str, Any]:
    """Cancel the intent. StripeRefused when it can no longer be cancelled (it succeeded, or is cancelled)."""
    return _call("cancel intent", lambda: client().v1.payment_intents.cancel(
        intent_id, options=_options(idempotency_key)))


def retrieve_refund(refund_id: str) -> dict[str, Any]:
    return _call("retrieve refund", lambda: client().v1.refunds.retrieve(refund_id))


def refund(*, intent_id: str, amount: int, idempotency_key: str, metadata: Mapping[str, str]) -> dict[str, Any]:
    """Refund `amount` (Stripe's unit) of the intent's charge. StripeRefused when Stripe says no for good."""
    params = {"payment_intent": intent_id, "amount": int(amount), "metadata": dict(metadata)}
    return _call("refund", lambda: client().v1.refunds.create(params=params, options=_options(idempotency_key)))
