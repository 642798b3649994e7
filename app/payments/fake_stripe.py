"""localstripe on loopback, for development (`make run` without Stripe keys) and tests. Development only.

localstripe (GPL-3.0, a dev dependency in requirements-dev.txt) is imported only when this runs. Its own CLI binds
to every interface and reloads a pickle from /tmp; here its aiohttp `app` is served on 127.0.0.1 only, from an empty
store that is never written to disk (so two copies, or a stale file, never share state).

    python -m app.payments.fake_stripe --port 8420 --webhook-url http://127.0.0.1:5000/payments/stripe/webhook \
        --webhook-secret whsec_… --payment-method pm_localstripe_3ds

What localstripe cannot do (research/booking.md §6.2): no idempotency keys, no `charge.refunded` or
`payment_intent.canceled` events, no over-refund check, and its fake Stripe.js ignores typed card data — hence
`--payment-method`: a 3-D Secure test card (4000002500003155) under a fixed id, which the development configuration
attaches to every new PaymentIntent (STRIPE_TEST_PAYMENT_METHOD) so that the pay page's `confirmCardPayment` shows
the fake "3D Secure" box and completes the payment.
"""

import argparse
import asyncio
import socket
import threading
import warnings
from dataclasses import dataclass, field
from typing import Any

THREE_D_SECURE_CARD = "4000002500003155"


def _localstripe() -> tuple[Any, Any, Any]:
    """Import localstripe (lazily: it is a development dependency) and keep its store off the disk."""
    with warnings.catch_warnings():  # localstripe registers plain functions as handlers (deprecated in aiohttp)
        warnings.simplefilter("ignore", DeprecationWarning)
        from localstripe import resources, server, webhooks

    resources.store.dump_to_disk = lambda: None  # its fixed /tmp file would be shared by every copy
    return server, resources, webhooks


def _reset(webhook_url: str | None = None, webhook_secret: str | None = None,
           payment_method: str | None = None, card: str = THREE_D_SECURE_CARD) -> None:
    """Empty the store and the webhooks; register one webhook and a test PaymentMethod under a fixed id if given.
    Runs on localstripe's event loop."""
    _server, resources, webhooks = _localstripe()
    resources.store.clear()
    webhooks._webhooks.clear()
    if webhook_url and webhook_secret:
        webhooks.register_webhook("portal", webhook_url, webhook_secret, None)
    if payment_method:
        method = resources.PaymentMethod(type="card", card={"number": card, "exp_month": 12, "exp_year": 2034,
                                                            "cvc": "123"})
        del resources.store[f"payment_method:{method.id}"]
        method.id = payment_method
        resources.store[f"payment_method:{payment_method}"] = method


def _bound_socket(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    return sock


@dataclass
class FakeStripe:
    """localstripe served from a thread of this process (tests): `url`, and calls run on its event loop."""

    url: str
    loop: asyncio.AbstractEventLoop
    thread: threading.Thread
    runner: Any = field(repr=False)

    def call(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        """Run `function` on localstripe's loop (its store and webhooks are not thread-safe) and return its value."""

        async def run() -> Any:
            return function(*args, **kwargs)

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(timeout=30)

    def reset(self, webhook_url: str | None = None, webhook_secret: str | None = None,
              payment_method: str | None = None, card: str = THREE_D_SECURE_CARD) -> None:
        self.call(_reset, webhook_url, webhook_secret, payment_method, card)

    def stop(self) -> None:
        async def shutdown() -> None:
            await self.runner.cleanup()

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


def start_in_thread(port: int = 0) -> FakeStripe:
    """Serve localstripe on 127.0.0.1:`port` (0: a free port) from a daemon thread, with an empty store.
    localstripe's app is one object per process: start it once (tests: a session fixture)."""
    from aiohttp import web

    server, _resources, _webhooks = _localstripe()
    sock = _bound_socket(port)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(server.app, access_log=None)
    # Set up on localstripe's own thread: the caller's thread may already run an event loop (Playwright's).
    thread = threading.Thread(target=loop.run_forever, name="localstripe", daemon=True)
    thread.start()

    async def start() -> None:
        await runner.setup()
        await web.SockSite(runner, sock).start()

    asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=30)
    fake = FakeStripe(url=f"http://127.0.0.1:{sock.getsockname()[1]}", loop=loop, thread=thread, runner=runner)
    fake.reset()
    return fake


def serve(port: int, webhook_url: str | None, webhook_secret: str | None, payment_method: str | None) -> None:
    """Serve localstripe on 127.0.0.1:`port` in the foreground until interrupted (development)."""
    import logging

    from aiohttp import web

    server, _resources, _webhooks = _localstripe()
    _reset(webhook_url, webhook_secret, payment_method)
    logging.basicConfig(level=logging.INFO, format="localstripe: %(message)s")
    print(f"localstripe on http://127.0.0.1:{port} (fake Stripe.js at /js.stripe.com/v3/)"  # noqa: T201
          + (f", webhooks to {webhook_url}" if webhook_url else "")
          + (f", test card {THREE_D_SECURE_CARD} as {payment_method}" if payment_method else ""), flush=True)
    web.run_app(server.app, sock=_bound_socket(port), print=None, access_log=None)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--webhook-url", default=None)
    parser.add_argument("--webhook-secret", default=None)
    parser.add_argument("--payment-method", default=None, help="id of a 3-D Secure test PaymentMethod to create")
    args = parser.parse_args(argv)
    serve(args.port, args.webhook_url, args.webhook_secret, args.payment_method)


if __name__ == "__main__":
    main()
