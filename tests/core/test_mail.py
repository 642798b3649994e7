"""The outbox: written in the same transaction, rendered in the recipient's language, delivered by SMTP."""

import pytest
from sqlalchemy import select

from app.accounts.services import send_confirmation
from app.core.mail import MailStatus, OutboxMessage, queue_mail, send_pending
from app.extensions import db
from tests.helpers import text
from tests.smtp_sink import free_port, smtp_server_fixture  # noqa: F401  (fixture smtp_server)


def test_mail_is_a_row_in_the_same_transaction(app, user_factory):
    user = user_factory()
    with app.test_request_context():
        send_confirmation(user)
    db.session.rollback()
    assert db.session.scalars(select(OutboxMessage)).all() == []


@pytest.mark.parametrize(("locale", "subject"), [("en", "Confirm your e-mail address for D'Youth"),
                                                 ("id", "Konfirmasi")])
def test_mail_is_rendered_in_the_recipients_language(app, user_factory, locale, subject):
    user = user_factory(locale=locale)
    with app.test_request_context(headers={"Accept-Language": "en" if locale == "id" else "id"}):
        message = send_confirmation(user) or OutboxMessage.query.one()
    assert subject in message.subject
    assert message.locale == locale
    assert f'<html lang="{locale}">' in message.body_html


def test_flask_mail_send_delivers_pending_rows(app, user_factory, smtp_server):
    user = user_factory(email="made@example.com")
    with app.test_request_context():
        send_confirmation(user)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "sent 1, failed 0" in result.output
    assert len(smtp_server.messages) == 1
    assert b"To: made@example.com" in smtp_server.messages[0]
    message = db.session.scalar(select(OutboxMessage))
    assert message.status == MailStatus.SENT and message.sent_at is not None
    # Nothing is sent twice.
    assert "sent 0" in app.test_cli_runner().invoke(args=["mail", "send"]).output


def test_failures_are_retried_with_backoff_then_given_up(app, user_factory, monkeypatch, frozen_clock):
    from datetime import UTC, datetime, timedelta

    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    start = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    frozen_clock(start)
    with app.test_request_context():
        queue_mail("a@example.com", "accounts/mail/password_changed", "en", user=user_factory())
    db.session.commit()

    assert send_pending() == (0, 1)
    message = db.session.scalar(select(OutboxMessage))
    assert message.status == MailStatus.PENDING and message.attempts == 1 and message.last_error
    assert send_pending() == (0, 0)  # not due yet
    frozen_clock(start + timedelta(hours=1))
    send_pending()
    frozen_clock(start + timedelta(hours=5))
    send_pending()
    db.session.refresh(message)
    assert message.attempts == 3 and message.status == MailStatus.FAILED


def test_mail_send_without_server_says_so(app):
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code != 0
    assert "MAIL_SERVER" in result.output


def test_staff_read_the_outbox_in_the_browser(client, login, user_factory):
    applicant = user_factory(email="reader@example.com")
    from app.accounts.services import request_password_reset

    with client.application.test_request_context():
        request_password_reset(applicant.email)
    db.session.commit()
    login(user_factory(staff=True))
    listing = text(client.get("/staff/outbox"))
    assert "reader@example.com" in listing
    message = db.session.scalar(select(OutboxMessage))
    assert "/password/reset/" in text(client.get(f"/staff/outbox/{message.id}"))


def test_outbox_is_staff_only_and_can_be_switched_off(app, client, login, user_factory, monkeypatch):
    login(user_factory())
    assert client.get("/staff/outbox").status_code == 403
    staff_client = app.test_client()
    login(user_factory(staff=True), on=staff_client)
    monkeypatch.setitem(app.config, "MAIL_OUTBOX_VIEW", False)
    assert staff_client.get("/staff/outbox").status_code == 404


def test_mail_written_outside_a_request_links_to_base_url(app, user_factory, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://dyouth.example.id")
    user = user_factory(locale="en")
    send_confirmation(user)  # no request context: as from the CLI or cron
    message = db.session.scalar(select(OutboxMessage))
    assert "https://dyouth.example.id/confirm/" in message.body_text
