"""Queueing email. Nothing here talks to a mail server: the worker's sender does that."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from portal.extensions import db
from portal.notify.models import OutboxMessage


def queue_email(key: str, to: str, subject: str, template: str, **context) -> OutboxMessage:
    """Write an email to the outbox in the current transaction.

    Renders ``templates/email/<template>.txt`` and ``.html``. If a message with this key
    already exists it is returned unchanged: the key is what makes "exactly once" hold.
    """
    existing = db.session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
    if existing is not None:
        return existing
    message = OutboxMessage(
        key=key,
        to_address=to,
        subject=subject,
        body_text=render_template(f"email/{template}.txt", **context),
        body_html=render_template(f"email/{template}.html", subject=subject, **context),
    )
    db.session.add(message)
    db.session.flush()
    return message
