"""Sending the outbox over SMTP."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_mail import Message
from sqlalchemy import select

from portal.database import utcnow
from portal.extensions import db, mail
from portal.notify.models import OutboxMessage

BATCH = 100
MAX_ATTEMPTS = 8


def send_outbox() -> str:
    """Send pending messages whose time has come, over one SMTP connection per batch.

    Without a mail server configured the messages stay in the outbox, where admins read
    them in the development mailbox.
    """
    if not current_app.config["MAIL_SERVER"]:
        return "no SMTP server configured; mail kept in the development mailbox"
    now = utcnow()
    batch = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    if not batch:
        return "nothing to send"
    sent = 0
    try:
        with mail.connect() as conn:
            for message in batch:
                conn.send(
                    Message(
                        subject=message.subject,
                        recipients=[message.to_address],
                        body=message.body_text,
                        html=message.body_html or None,
                    )
                )
                message.status = "sent"
                message.sent_at = utcnow()
                message.attempts += 1
                sent += 1
    except Exception as exc:  # connection refused, timeout, SMTP error: retry later
        for message in batch:
            if message.status == "pending":
                message.attempts += 1
                message.last_error = str(exc)[:2000]
                if message.attempts >= MAX_ATTEMPTS:
                    message.status = "failed"
                else:
                    message.next_attempt_at = utcnow() + timedelta(
                        seconds=30 * 2 ** (message.attempts - 1)
                    )
    return f"sent {sent} of {len(batch)}"
