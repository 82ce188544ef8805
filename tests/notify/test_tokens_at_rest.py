"""No usable token rests in the outbox (issue #14, finding 2): a sent email's links are
blanked, the admin mailbox shows no live link outside development, and sent bodies are
removed after the retention period."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.database import utcnow
from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.notify.sender import send_pending
from portal.notify.services import BODY_PURGED, purge_sent_bodies
from tests.conftest import outbox_links
from tests.factories import make_user

pytestmark = pytest.mark.asvs(chapter="V14")


def _reset_email(client, email: str = "reset@example.test") -> tuple[OutboxMessage, str]:
    make_user(email=email)
    db.session.commit()
    client.post("/account/forgot-password", data={"email": email})
    link = [x for x in outbox_links(email) if "/reset/" in x][-1]
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == email)
    ).all()[-1]
    return message, link.rsplit("/", 1)[1]


def test_the_admin_mailbox_shows_no_live_link_outside_development(app, client, signed_in_as):
    message, token = _reset_email(client)
    admin, _ = signed_in_as("admin")
    page = admin.get(f"/admin/mail/{message.id}").get_data(as_text=True)
    assert token not in page
    assert "/account/reset/[redacted]" in page


def test_the_development_mailbox_still_shows_links(app, client, signed_in_as):
    app.config["MAILBOX_SHOWS_SECRETS"] = True
    message, token = _reset_email(client)
    admin, _ = signed_in_as("admin")
    assert token in admin.get(f"/admin/mail/{message.id}").get_data(as_text=True)


def test_a_sent_email_keeps_no_usable_token(mail_config, app, client, smtp):
    message, token = _reset_email(client)
    assert send_pending().sent >= 1
    assert token in smtp.handler.messages[-1].get_body(("plain",)).get_content()
    db.session.expire_all()
    kept = db.session.get(OutboxMessage, message.id)
    assert kept.status == "sent"
    assert token not in kept.body_text and token not in (kept.body_html or "")
    assert "/account/reset/[redacted]" in kept.body_text


def test_sent_bodies_are_removed_after_the_retention_period(app, client):
    message, _ = _reset_email(client)
    message.status, message.sent_at = "sent", utcnow() - timedelta(days=31)
    db.session.commit()
    assert purge_sent_bodies(utcnow()) == "removed the text of 1 emails sent over 30 days ago"
    assert purge_sent_bodies(utcnow()).startswith("removed the text of 0 ")
    db.session.expire_all()
    kept = db.session.get(OutboxMessage, message.id)
    assert (kept.body_text, kept.body_html, kept.subject) == (BODY_PURGED, "", message.subject)
