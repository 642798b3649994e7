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


def send_pending(limit: int = 100) -> tuple[int, int]:
    """Deliver due pending messages; return (sent, failed attempts). Commits after each message."""
    if not current_app.config["MAIL_SERVER"]:
        raise RuntimeError("MAIL_SERVER is not set; messages stay in the outbox.")
    due = (
        select(OutboxMessage)
        .where(OutboxMessage.status == MailStatus.PENDING, OutboxMessage.next_attempt_at <= now_utc())
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    messages = list(db.session.scalars(due))
    sent = failed = 0
    smtp: smtplib.SMTP | None = None
    for message in messages:
        try:
            smtp = smtp or _smtp()
            smtp.send_message(_to_email(message))
        except (OSError, smtplib.SMTPException) as error:
            smtp = None
            failed += 1
            message.attempts += 1
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            message.next_attempt_at = now_utc() + _backoff(message.attempts)
            if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
                message.status = MailStatus.FAILED
        else:
            sent += 1
            message.attempts += 1
            message.status = MailStatus.SENT
            message.sent_at = now_utc()
            message.last_error = None
        db.session.commit()
    if smtp is not None:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return sent, failed
