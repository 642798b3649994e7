"""Mail outbox: a message is a row written in the same transaction as the change that causes it.

`queue_mail` renders the message in the recipient's language and adds the row to the current session (the caller's
commit saves both or neither). `send_pending` delivers pending rows by SMTP and retries failures with back-off.
"""

import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app, has_request_context, render_template, url_for
from flask.globals import request_ctx
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import now_utc
from app.core.db import string_enum
from app.core.jobs import claim_batch
from app.core.locking import lock
from app.core.vocab import Vocabulary, declare_labels
from app.extensions import db


class MailStatus(Vocabulary):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


declare_labels(MailStatus, {
    MailStatus.PENDING: _l("waiting to be sent"),
    MailStatus.SENT: _l("sent"),
    MailStatus.FAILED: _l("failed"),
})


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(8))
    template: Mapped[str] = mapped_column(String(120))
    status: Mapped[MailStatus] = mapped_column(
        string_enum(MailStatus),
        default=MailStatus.PENDING,
        index=True,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(default=now_utc)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now_utc)


@contextmanager
def _link_context() -> Iterator[None]:
    """Absolute links (`external_url`, `url_for(..., _external=True)` in mail templates) start with BASE_URL.

    Never with the request's Host or X-Forwarded-Host: whoever sends the request chooses those, and a reset link
    pointing at their site would hand them the token. Outside a request (CLI, cron) a request for BASE_URL stands in;
    inside one, only the URL builder is swapped for the time of the block.
    """
    base_url = current_app.config["BASE_URL"]
    if not has_request_context():
        with current_app.test_request_context(base_url=base_url):
            yield
        return
    base = urlsplit(base_url)
    context = request_ctx._get_current_object()  # type: ignore[attr-defined]
    request_adapter = context.url_adapter
    context.url_adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    try:
        yield
    finally:
        context.url_adapter = request_adapter


def external_url(endpoint: str, **values: object) -> str:
    """An absolute link for a mail, inside or outside a request, always on BASE_URL."""
    with _link_context():
        return url_for(endpoint, _external=True, **values)


def queue_mail(to: str, template: str, locale: str, **context: object) -> OutboxMessage:
    """Render `<template>.subject.txt`, `.txt` and `.html` in `locale` and add the message to the session."""
    with _link_context(), force_locale(locale):
        subject = render_template(f"{template}.subject.txt", **context).strip()
        text = render_template(f"{template}.txt", **context)
        html = render_template(f"{template}.html", subject=subject, **context)
    message = OutboxMessage(
        to_address=to, subject=subject, body_text=text, body_html=html, locale=locale, template=template
    )
    db.session.add(message)
    return message


def _to_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.to_address
    email["Content-Language"] = message.locale
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    return email


def _smtp() -> smtplib.SMTP:
    cfg = current_app.config
    smtp = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=20)
    if cfg["MAIL_USE_TLS"]:
        smtp.starttls()
    if cfg["MAIL_USERNAME"]:
        smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
    return smtp


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2**attempts, 120))


# A claimed message is not due again for this long: longer than a batch of JOB_BATCH_SIZE can take (each SMTP call
# gives up after 20 s), so only a runner that died mid-way lets its messages fall due again.
CLAIM_LEASE = timedelta(minutes=10)


def _claim(size: int) -> list[tuple[int, EmailMessage]]:
    """Take up to `size` due messages (skipping those another sender holds), lease them, commit: (id, e-mail) each."""
    now = now_utc()
    due = (
        select(OutboxMessage)
        .where(OutboxMessage.status == MailStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
    )
    messages = claim_batch(due, size)
    batch = []
    for message in messages:
        message.next_attempt_at = now + CLAIM_LEASE
        batch.append((message.id, _to_email(message)))
    db.session.commit()
    return batch


def _record(message_id: int, error: Exception | None) -> None:
    """Write what the SMTP server answered for one message, in a transaction of its own."""
    message = lock(OutboxMessage, message_id)
    if message is None or message.status != MailStatus.PENDING:
        return
    message.attempts += 1
    if error is None:
        message.status = MailStatus.SENT
        message.sent_at = now_utc()
        message.last_error = None
    else:
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        message.next_attempt_at = now_utc() + _backoff(message.attempts)
        if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
            message.status = MailStatus.FAILED
    db.session.commit()


def send_pending(limit: int = 100) -> tuple[int, int]:
    """Deliver due pending messages; return (sent, failed attempts).

    Several senders may run at once (two hosts): each message is claimed by one of them (`app.core.jobs`) with a
    lease, delivered outside any transaction, then marked sent in its own commit. A sender that dies after its claim
    leaves the messages to a later run once the lease is over (late, not lost); one that dies between the SMTP
    server's "250 OK" and its commit leaves that one message to be sent again (at least once, never silently lost).
    """
    if not current_app.config["MAIL_SERVER"]:
        raise RuntimeError("MAIL_SERVER is not set; messages stay in the outbox.")
    batch_size = int(current_app.config.get("JOB_BATCH_SIZE", 20))
    sent = failed = 0
    smtp: smtplib.SMTP | None = None
    try:
        while sent + failed < limit:
            batch = _claim(min(batch_size, limit - sent - failed))
            if not batch:
                break
            for message_id, email in batch:
                try:
                    smtp = smtp or _smtp()
                    smtp.send_message(email)
                except (OSError, smtplib.SMTPException) as error:
                    smtp = None
                    failed += 1
                    _record(message_id, error)
                else:
                    sent += 1
                    _record(message_id, None)
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
    return sent, failed
