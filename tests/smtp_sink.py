"""A real SMTP server on loopback (aiosmtpd) that keeps what it accepted: the mail tests, the two-senders tests and
the cluster suite count deliveries with it. The fixture: `from tests.smtp_sink import smtp_server_fixture  # noqa: F401`
(then ask for `smtp_server`)."""

import asyncio
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from aiosmtpd.controller import Controller
from flask import Flask


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink:
    """The server's end: every message's content and every recipient, in the order accepted; `delay_s` makes it a
    little slow, as a real relay is."""

    def __init__(self, delay_s: float = 0) -> None:
        self.delay_s = delay_s
        self.messages: list[bytes] = []
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        self.messages.append(envelope.content)
        self.recipients.extend(envelope.rcpt_tos)
        return "250 OK"


@contextmanager
def running_sink(delay_s: float = 0) -> Iterator[tuple[SmtpSink, int]]:
    """A sink listening on a free loopback port for the block: (sink, port)."""
    sink = SmtpSink(delay_s)
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@pytest.fixture(name="smtp_server")
def smtp_server_fixture(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpSink]:
    """The app delivers its mail to a sink for this test."""
    with running_sink() as (sink, port):
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", port)
        monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
        yield sink
